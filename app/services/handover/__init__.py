"""Shift handover: the report the outgoing lead draws up, annotates and hands over, and the
incoming supervisor acknowledges (who and when are recorded). Drills are left out."""
