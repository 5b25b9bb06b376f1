"""Incidents: open, edit, assign and move them through the lifecycle; declare majors; read the
queue.
"""
