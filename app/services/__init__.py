"""Use cases. Each public call is one transaction, checks the actor's role, writes the timeline
and the change log, and returns frozen DTOs (never live ORM objects)."""
