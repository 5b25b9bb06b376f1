"""The change feed: what changed since a cursor, read from the change log every write fills.

One feed serves every view: a change made in this window, another window, or another workstation
arrives the same way. PostgreSQL listeners and the SQLite file watcher only decide *when* to poll.
"""

from __future__ import annotations

from sqlalchemy import func, select

from app.db.engine import Database
from app.db.models import ChangeLogEntry
from app.services.dto import ChangeBatch

BATCH_LIMIT = 5000


class ChangeFeed:
    def __init__(self, db: Database) -> None:
        self._db = db

    def head(self) -> int:
        """The cursor to start from: everything up to now is already in the loaded views."""
        with self._db.read() as session:
            return int(session.scalar(select(func.max(ChangeLogEntry.id))) or 0)

    def since(self, cursor: int) -> ChangeBatch:
        query = (
            select(ChangeLogEntry.id, ChangeLogEntry.entity, ChangeLogEntry.entity_id)
            .where(ChangeLogEntry.id > cursor)
            .order_by(ChangeLogEntry.id)
            .limit(BATCH_LIMIT)
        )
        incidents: set[int] = set()
        others: set[str] = set()
        last = cursor
        with self._db.read() as session:
            for entry_id, entity, entity_id in session.execute(query):
                last = entry_id
                if entity == "incidents":
                    incidents.add(entity_id)
                else:
                    others.add(entity)
        return ChangeBatch(
            cursor=last, incident_ids=frozenset(incidents), other_entities=frozenset(others)
        )
