"""Working while the database is away: the outbox, replay with receipts, and what it shows
meanwhile.
"""
