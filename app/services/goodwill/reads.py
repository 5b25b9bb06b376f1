"""Reading the gestures: one incident's (with the callbacks owed on its calls), and every one
still owed (for the shift handover, the reports and the overdue notification)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.db.models import Agent, Call, GoodwillGesture, Incident
from app.domain.clock import as_utc
from app.domain.goodwill import Gesture, GestureKind, GestureStatus, Recipient
from app.services.context import ServiceContext
from app.services.goodwill.dto import GestureRow


def gesture_rows(
    session: Session, now: datetime, incident_ids: Iterable[int] | None = None, *, owed_only: bool
) -> list[GestureRow]:
    """Gestures (recorded ones first, then callbacks owed on calls), by incident and due day.
    Drills are left out unless asked for by incident."""
    owner = aliased(Agent)
    query = (
        select(GoodwillGesture, Incident.number, owner.name)
        .join(Incident, Incident.id == GoodwillGesture.incident_id)
        .outerjoin(owner, owner.id == GoodwillGesture.owner_id)
        .order_by(Incident.number, GoodwillGesture.id)
    )
    calls = (
        select(Call, Incident.number, owner.name)
        .join(Incident, Incident.id == Call.incident_id)
        .outerjoin(owner, owner.id == Call.agent_id)
        .where(Call.callback_wanted.is_(True))
        .order_by(Incident.number, Call.at, Call.id)
    )
    if incident_ids is None:
        query = query.where(Incident.drill_id.is_(None))
        calls = calls.where(Incident.drill_id.is_(None), Incident.major.is_(True))
    else:
        wanted = list(incident_ids)
        query = query.where(GoodwillGesture.incident_id.in_(wanted))
        calls = calls.where(Call.incident_id.in_(wanted))
    if owed_only:
        query = query.where(GoodwillGesture.status == GestureStatus.OWED.value)
        calls = calls.where(Call.callback_done_at.is_(None))
    rows: list[GestureRow] = []
    for row, number, name in session.execute(query):
        gesture = Gesture(
            number=number,
            kind=GestureKind(row.kind),
            recipient=Recipient(row.recipient),
            recipient_name=row.recipient_name,
            details=row.details,
            owner=name or "",
            due_on=row.due_on,
            status=GestureStatus(row.status),
            settled_at=as_utc(row.settled_at) if row.settled_at else None,
        )
        rows.append(
            GestureRow(
                row.id,
                None,
                row.incident_id,
                row.owner_id,
                row.version,
                gesture,
                gesture.overdue(now),
            )
        )
    for call, number, name in session.execute(calls):
        done = call.callback_done_at
        gesture = Gesture(
            number=number,
            kind=GestureKind.PRIORITY_CALLBACK,
            recipient=Recipient.CALLER,
            recipient_name=call.caller_name or "an unnamed caller",
            details=call.callback_number or "",
            owner=name or "",
            due_on=None,
            status=GestureStatus.MADE if done else GestureStatus.OWED,
            settled_at=as_utc(done) if done else None,
            from_call=True,
        )
        assert call.incident_id is not None  # joined on it
        rows.append(GestureRow(None, call.id, call.incident_id, call.agent_id, 0, gesture, False))
    return rows


class GoodwillReads:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def for_incident(self, incident_id: int) -> list[GestureRow]:
        with self._ctx.db.read() as session:
            return gesture_rows(session, self._ctx.clock.now(), [incident_id], owed_only=False)

    def owed(self) -> list[GestureRow]:
        """Every gesture still owed on a real (not drill) incident, callbacks on majors too."""
        with self._ctx.db.read() as session:
            return gesture_rows(session, self._ctx.clock.now(), owed_only=True)
