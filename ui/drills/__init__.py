"""Drills in the console: the banner every window shows while one runs, the watch that plays
the script and keeps the banners current, and the supervisor's dialogs (start, scorecard,
clean-up)."""
