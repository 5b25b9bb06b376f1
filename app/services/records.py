"""Writing the two records every change leaves behind: the timeline and the change log.

Both are written in the caller's session, so they commit or roll back with the change itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select
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
    )
    session.add(event)
    return event


def load_matrix(session: Session) -> PriorityMatrix:
    rows = session.execute(
        select(PriorityMatrixCell.impact, PriorityMatrixCell.urgency, PriorityMatrixCell.priority)
    ).all()
    return PriorityMatrix.from_rows((r[0], r[1], r[2]) for r in rows)


def load_policies(session: Session) -> dict[Priority, SlaPolicy]:
    policies = dict(DEFAULT_POLICIES)
    for row in session.scalars(select(SlaPolicyRow)):
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
