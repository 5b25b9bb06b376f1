"""The records every change leaves (timeline, change log) and the change feed other consoles read."""
