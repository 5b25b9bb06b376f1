"""Incidents: open, edit, assign and move them through the lifecycle; declare majors; read the
queue.

commands.py holds the public actions, one transaction each. Every one opens a unit of work
(unit_of_work.py: load with the version check, bump the version, record the change) and applies
steps from opening.py, changes.py (fields, assignment, status moves) and majors.py. reads.py and
queue_filters.py read; dto.py holds what goes in and out.
"""
