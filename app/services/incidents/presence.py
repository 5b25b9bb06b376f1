"""Presence: who else has this incident or war room open right now.

Each open window says "here" every HEARTBEAT (one upserted row per agent and subject) and
"left" when it closes; a row seen within PRESENT_FOR counts, so a crashed console drops out by
itself. Presence is not a change to any record: it does not enter the change log or the
timeline, and it works the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from app.db.models import Agent, Presence
from app.services.context import ServiceContext

HEARTBEAT = timedelta(seconds=15)
PRESENT_FOR = timedelta(seconds=45)


def incident_subject(incident_id: int) -> str:
    return f"incident:{incident_id}"


def war_room_subject(incident_id: int) -> str:
    return f"war_room:{incident_id}"


class PresenceService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def here(self, subject: str) -> list[str]:
        """Record that I have `subject` open now; returns who else has it open, by name."""
        now = self._ctx.clock.now()
        me = self._ctx.actor.agent_id
        with self._ctx.db.write() as session:
            insert: Any = _upsert_for(self._ctx.db.backend)
            statement = insert(Presence).values(agent_id=me, subject=subject, seen_at=now)
            session.execute(
                statement.on_conflict_do_update(
                    index_elements=[Presence.agent_id, Presence.subject], set_={"seen_at": now}
                )
            )
        return self.others(subject)

    def left(self, subject: str) -> None:
        with self._ctx.db.write() as session:
            session.execute(
                update(Presence)
                .where(Presence.agent_id == self._ctx.actor.agent_id, Presence.subject == subject)
                .values(seen_at=None)
            )

    def others(self, subject: str) -> list[str]:
        since = self._ctx.clock.now() - PRESENT_FOR
        query = (
            select(Agent.name)
            .join(Presence, Presence.agent_id == Agent.id)
            .where(
                Presence.subject == subject,
                Presence.seen_at >= since,
                Presence.agent_id != self._ctx.actor.agent_id,
            )
            .order_by(Agent.name)
        )
        with self._ctx.db.read() as session:
            return list(session.scalars(query))


def _upsert_for(backend: str) -> Any:
    # Imported here: the PostgreSQL dialect costs ~20 ms of start-up a SQLite console never needs.
    if backend == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert
