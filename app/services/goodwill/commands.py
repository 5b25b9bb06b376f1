"""Recording a goodwill gesture on a major incident and settling it (made, or dropped). Each
is a line in the incident's timeline, so the review tells the whole story."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Agent, GoodwillGesture, Incident
from app.domain.errors import CalmdeskError, RuleViolation
from app.domain.goodwill import GestureStatus, to_whom
from app.domain.roles import Action
from app.services.calls.commands import CallCommands
from app.services.context import ServiceContext
from app.services.errors import InvalidInput, NotFound
from app.services.feed.records import locking, record_change, record_event
from app.services.goodwill.dto import GestureDraft, GestureRow
from app.services.goodwill.reads import gesture_rows

NAME_MAX = 200
DETAILS_MAX = 2000


class GestureConflict(CalmdeskError):
    """Someone settled or changed the gesture after it was read."""


class GoodwillCommands:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def add(self, incident_id: int, draft: GestureDraft) -> GestureRow:
        """Record a gesture owed to the people a major incident kept waiting."""
        self._ctx.actor.require(Action.RECORD_GESTURE)
        name = " ".join(draft.recipient_name.split())
        if not name:
            raise InvalidInput(
                "recipient_name",
                f"Say which {draft.recipient.label.lower()} the gesture is for.",
            )
        if len(name) > NAME_MAX:
            raise InvalidInput("recipient_name", "Keep the name short (200 characters at most).")
        details = draft.details.strip()
        if len(details) > DETAILS_MAX:
            raise InvalidInput("details", f"Keep the details under {DETAILS_MAX} characters.")
        now = self._ctx.clock.now()
        with self._ctx.db.write() as session:
            incident = session.get(Incident, incident_id)
            if incident is None:
                raise NotFound(f"Incident {incident_id} no longer exists.")
            if not incident.major:
                raise RuleViolation(
                    f"{incident.number} is not a major incident: gestures are kept for majors."
                )
            if draft.owner_id is not None and session.get(Agent, draft.owner_id) is None:
                raise InvalidInput("owner", "That owner is no longer an agent; choose another.")
            row = GoodwillGesture(
                incident_id=incident_id,
                kind=draft.kind.value,
                recipient=draft.recipient.value,
                recipient_name=name,
                details=details,
                owner_id=draft.owner_id,
                due_on=draft.due_on,
                status=GestureStatus.OWED.value,
                created_at=now,
                created_by_id=self._ctx.actor.agent_id,
                version=1,
            )
            session.add(row)
            session.flush()
            due = f", due {draft.due_on:%d %b}" if draft.due_on else ""
            record_event(
                session,
                self._ctx,
                incident,
                "gesture",
                f"Goodwill owed: {draft.kind.label.lower()} to {to_whom(draft.recipient, name)}"
                f"{due}",
                {"gesture_id": row.id},
            )
            record_change(session, self._ctx, "goodwill_gestures", row.id, "insert")
            return _row(session, row.id, now)

    def settle(self, gesture_id: int, expected_version: int, status: GestureStatus) -> GestureRow:
        """Mark a gesture made or dropped (or owed again, by mistake undone)."""
        self._ctx.actor.require(Action.RECORD_GESTURE)
        now = self._ctx.clock.now()
        with self._ctx.db.write() as session:
            row = session.scalar(
                locking(session, select(GoodwillGesture).where(GoodwillGesture.id == gesture_id))
            )
            if row is None:
                raise NotFound("That gesture no longer exists; the list has been reloaded.")
            if row.version != expected_version:
                raise GestureConflict(
                    "Someone changed this gesture while you had it open; the list has been "
                    "reloaded. Check it, then try again."
                )
            if row.status == status.value:
                return _row(session, row.id, now)
            row.status = status.value
            row.settled_at = None if status == GestureStatus.OWED else now
            row.version += 1
            incident = session.get(Incident, row.incident_id)
            assert incident is not None  # a gesture goes with its incident
            record_event(
                session,
                self._ctx,
                incident,
                "gesture",
                f"Goodwill {status.label.lower()}: {row.kind.replace('_', ' ')} to "
                f"{row.recipient} {row.recipient_name}",
                {"gesture_id": row.id},
            )
            record_change(
                session, self._ctx, "goodwill_gestures", row.id, "update", fields=["status"]
            )
            session.flush()
            return _row(session, row.id, now)

    def call_back(self, call_id: int) -> None:
        """A callback owed on a call is made by calling back: recorded as the calls do."""
        CallCommands(self._ctx).mark_called_back(call_id)


def _row(session: Session, gesture_id: int, now: datetime) -> GestureRow:
    incident_id = session.scalar(
        select(GoodwillGesture.incident_id).where(GoodwillGesture.id == gesture_id)
    )
    assert incident_id is not None
    return next(
        r for r in gesture_rows(session, now, [incident_id], owed_only=False) if r.id == gesture_id
    )
