"""The shift handover window: draw up the report, annotate it, acknowledge it."""
