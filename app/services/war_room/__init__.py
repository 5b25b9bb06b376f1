"""The war room of a major incident: its snapshot, checklist, vendors, status updates and
resolution.
"""
