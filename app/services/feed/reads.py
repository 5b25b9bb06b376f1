"""The change feed: what changed since a cursor, read from the change log every write fills.

One feed serves every view: a change made in this window, another window, or another workstation
arrives the same way. PostgreSQL listeners and the SQLite file watcher only decide *when* to poll.

Why PostgreSQL is read by transaction, not by id: ids come from a sequence, taken when a row is
inserted, but transactions commit in their own order. A writer holding id 10 can commit after
another's id 11 was read, and `id > 11` would skip it forever. So each row also records its
transaction id (`xid`), and the cursor is the oldest transaction that may still commit
(the snapshot's xmin) plus the later transactions already read. A transaction below xmin has
finished, so every row it wrote is visible now or never; nothing can appear behind the cursor.
"""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.db.engine import Database
from app.db.models import ChangeLogEntry
from app.services.feed.dto import ChangeBatch, FeedCursor

BATCH_LIMIT = 5000
_XMIN = text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")


class ChangeFeed:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._postgres = db.backend == "postgresql"

    def head(self) -> FeedCursor:
        """The cursor to start from: everything committed up to now is already in the loaded
        views (read it before loading them, so a change racing the load is fetched again)."""
        with self._db.read() as session:
            if not self._postgres:
                return FeedCursor(int(session.scalar(select(func.max(ChangeLogEntry.id))) or 0))
            xmin = _xmin(session)
            seen = session.scalars(
                select(ChangeLogEntry.xid).where(ChangeLogEntry.xid >= xmin).distinct()
            )
            return FeedCursor(xmin, frozenset(int(x) for x in seen if x is not None))

    def since(self, cursor: FeedCursor) -> ChangeBatch:
        if self._postgres:
            return self._since_transaction(cursor)
        return self._since_id(cursor)

    def _since_id(self, cursor: FeedCursor) -> ChangeBatch:
        query = (
            select(ChangeLogEntry.id, ChangeLogEntry.entity, ChangeLogEntry.entity_id)
            .where(ChangeLogEntry.id > cursor.position)
            .order_by(ChangeLogEntry.id)
            .limit(BATCH_LIMIT)
        )
        last = cursor.position
        changes: list[tuple[str, int]] = []
        with self._db.read() as session:
            for entry_id, entity, entity_id in session.execute(query):
                last = entry_id
                changes.append((entity, entity_id))
        return _batch(FeedCursor(last), changes)

    def _since_transaction(self, cursor: FeedCursor) -> ChangeBatch:
        query = (
            select(ChangeLogEntry.xid, ChangeLogEntry.entity, ChangeLogEntry.entity_id)
            .where(ChangeLogEntry.xid >= cursor.position)
            .distinct()
        )
        if cursor.seen:
            query = query.where(ChangeLogEntry.xid.not_in(sorted(cursor.seen)))
        with self._db.read() as session:
            # xmin first: a later snapshot for the rows sees at least as much (see module doc).
            xmin = _xmin(session)
            rows = session.execute(query).all()
        seen = {x for x in cursor.seen if x >= xmin}
        changes: list[tuple[str, int]] = []
        for xid, entity, entity_id in rows:
            if xid is not None and xid >= xmin:
                seen.add(int(xid))
            changes.append((entity, entity_id))
        return _batch(FeedCursor(xmin, frozenset(seen)), changes)


def _xmin(session: Session) -> int:
    return int(session.execute(_XMIN).scalar_one())


def _batch(cursor: FeedCursor, changes: list[tuple[str, int]]) -> ChangeBatch:
    incidents: set[int] = set()
    others: set[str] = set()
    for entity, entity_id in changes:
        if entity == "incidents":
            incidents.add(entity_id)
        else:
            others.add(entity)
    return ChangeBatch(
        cursor=cursor, incident_ids=frozenset(incidents), other_entities=frozenset(others)
    )
