"""Which database this is, whatever address reached it: the id stored in it (migration 0008)."""

from __future__ import annotations

from sqlalchemy import select

from app.db.engine import Database
from app.db.models import DatabaseIdentity


def database_identity(db: Database) -> str | None:
    """The database's id; None for a database without one (not upgraded yet). Raises
    DatabaseUnavailable when it cannot be reached."""
    with db.read() as session:
        return session.scalar(select(DatabaseIdentity.id).limit(1))
