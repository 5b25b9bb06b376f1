"""The records every change leaves (timeline, change log) and the feed other consoles read."""
