"""Calls: log what a caller says, match it to an outage, link calls and owe callbacks."""
