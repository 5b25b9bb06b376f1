"""Drills: rehearsing a runbook against a scripted outage, on the console's clock.

A supervisor starts a drill (commands.start): its first report is opened as a drill incident.
Every console taking part plays the script's events as their time comes (commands.play_due):
each event is played once, by whichever console gets there first, at its scripted time. Ending
the drill stores its scorecard (reads.scorecard shows it beside the previous drills of the same
runbook); cleaning it away deletes what it made and keeps the scorecard.
"""
