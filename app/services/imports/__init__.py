"""Bringing history in from other help desks, streamed and idempotent."""
