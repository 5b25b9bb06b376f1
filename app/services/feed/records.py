"""Writing the two records every change leaves behind: the timeline and the change log.

Both are written in the caller's session, so they commit or roll back with the change itself.
Also the one way a write locks the rows it is about to change (`locking`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.db.models import (
    ChangeLogEntry,
    Incident,
    PriorityMatrixCell,
    SlaPolicyRow,
    TimelineEvent,
)
from app.domain.priority import Priority, PriorityMatrix
from app.domain.sla import DEFAULT_POLICIES, SlaPolicy
from app.services.context import ServiceContext

Query = TypeVar("Query", bound=Select[Any])


def locking(session: Session, query: Query) -> Query:
    """`query`, taking row locks for the rest of the transaction where they exist: FOR UPDATE
    on PostgreSQL, so a racing writer waits and then reads what this one committed. SQLite
    needs none: a write unit of work holds the whole file from its BEGIN IMMEDIATE."""
    if session.get_bind().dialect.name == "postgresql":
        return query.with_for_update()
    return query


def record_change(
    session: Session,
    ctx: ServiceContext,
    entity: str,
    entity_id: int,
    action: str,
    *,
    version: int | None = None,
    fields: Iterable[str] = (),
) -> None:
    session.add(
        ChangeLogEntry(
            at=ctx.clock.now(),
            actor_id=ctx.actor.agent_id,
            entity=entity,
            entity_id=entity_id,
            action=action,
            version=version,
            fields=sorted(fields) or None,
        )
    )


def record_event(
    session: Session,
    ctx: ServiceContext,
    incident: Incident,
    kind: str,
    summary: str,
    details: dict[str, object] | None = None,
    *,
    at: datetime | None = None,
    pinned: bool = False,
) -> TimelineEvent:
    event = TimelineEvent(
        incident_id=incident.id,
        at=at or ctx.clock.now(),
        actor_id=ctx.actor.agent_id,
        kind=kind,
        summary=summary,
        details=details,
        pinned=pinned,
        made_at=ctx.made_at,
    )
    session.add(event)
    return event


# The priority matrix and the SLA policies are read through the session's connection (Core), in
# its transaction: plain column rows need none of the ORM's result machinery or autoflush, which
# made each read cost three times the query (they run on every incident opened or re-prioritised).
_MATRIX = select(PriorityMatrixCell.impact, PriorityMatrixCell.urgency, PriorityMatrixCell.priority)
_POLICIES = select(
    SlaPolicyRow.priority,
    SlaPolicyRow.respond_minutes,
    SlaPolicyRow.resolve_minutes,
    SlaPolicyRow.update_every_minutes,
)


def load_matrix(session: Session) -> PriorityMatrix:
    rows = session.connection().execute(_MATRIX)
    return PriorityMatrix.from_rows((r[0], r[1], r[2]) for r in rows)


def load_policies(session: Session) -> dict[Priority, SlaPolicy]:
    policies = dict(DEFAULT_POLICIES)
    for row in session.connection().execute(_POLICIES):
        priority = Priority(row.priority)
        policies[priority] = SlaPolicy(
            priority=priority,
            respond_within=timedelta(minutes=row.respond_minutes),
            resolve_within=timedelta(minutes=row.resolve_minutes),
            update_every=(
                timedelta(minutes=row.update_every_minutes)
                if row.update_every_minutes is not None
                else None
            ),
        )
    return policies
