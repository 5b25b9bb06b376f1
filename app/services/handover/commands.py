"""Drawing up, annotating and acknowledging a shift handover. One transaction each."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import ShiftHandover
from app.domain.errors import CalmdeskError, RuleViolation
from app.domain.roles import Action
from app.services.context import ServiceContext
from app.services.errors import InvalidInput, NotFound
from app.services.feed.records import locking, record_change
from app.services.handover.dto import Handover
from app.services.handover.reads import draw_report, to_handover

NOTES_MAX = 10_000
ON_DEMAND = "On demand"


class HandoverConflict(CalmdeskError):
    """Someone changed the handover after it was read."""


class HandoverCommands:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def draw_up(self, shift: str = ON_DEMAND, notes: str = "") -> Handover:
        """Draw up the report as things stand now, with the outgoing lead's notes."""
        self._ctx.actor.require(Action.HAND_OVER_SHIFT)
        notes = _checked_notes(notes)
        now = self._ctx.clock.now()
        with self._ctx.db.write() as session:
            row = ShiftHandover(
                created_at=now,
                created_by_id=self._ctx.actor.agent_id,
                shift=" ".join(shift.split())[:80] or ON_DEMAND,
                report=draw_report(session, now).to_data(),
                notes=notes,
                notes_updated_at=now if notes else None,
                version=1,
            )
            session.add(row)
            session.flush()
            record_change(session, self._ctx, "shift_handovers", row.id, "insert")
            return to_handover(session, row)

    def annotate(self, handover_id: int, expected_version: int, notes: str) -> Handover:
        """The outgoing lead's notes; only until the handover is acknowledged."""
        self._ctx.actor.require(Action.HAND_OVER_SHIFT)
        notes = _checked_notes(notes)
        with self._ctx.db.write() as session:
            row = self._load(session, handover_id, expected_version)
            if row.acknowledged_at is not None:
                raise RuleViolation(
                    "This handover was already acknowledged; write a new one to add notes."
                )
            row.notes = notes
            row.notes_updated_at = self._ctx.clock.now()
            row.version += 1
            record_change(session, self._ctx, "shift_handovers", row.id, "update", fields=["notes"])
            session.flush()
            return to_handover(session, row)

    def acknowledge(self, handover_id: int, expected_version: int) -> Handover:
        """The incoming supervisor takes the shift over: who and when are recorded."""
        self._ctx.actor.require(Action.HAND_OVER_SHIFT)
        with self._ctx.db.write() as session:
            row = self._load(session, handover_id, expected_version)
            if row.acknowledged_at is not None:
                return to_handover(session, row)
            if row.created_by_id == self._ctx.actor.agent_id:
                raise RuleViolation(
                    "You drew up this handover: the incoming supervisor acknowledges it, "
                    "signed in as themselves."
                )
            row.acknowledged_at = self._ctx.clock.now()
            row.acknowledged_by_id = self._ctx.actor.agent_id
            row.version += 1
            record_change(
                session, self._ctx, "shift_handovers", row.id, "update", fields=["acknowledged_at"]
            )
            session.flush()
            return to_handover(session, row)

    def _load(self, session: Session, handover_id: int, expected_version: int) -> ShiftHandover:
        row = session.scalar(
            locking(session, select(ShiftHandover).where(ShiftHandover.id == handover_id))
        )
        if row is None:
            raise NotFound("That handover no longer exists.")
        if row.version != expected_version:
            raise HandoverConflict(
                "Someone changed this handover while you had it open; it has been reloaded. "
                "Check it, then try again."
            )
        return row


def _checked_notes(notes: str) -> str:
    notes = notes.strip()
    if len(notes) > NOTES_MAX:
        raise InvalidInput("notes", f"Keep the notes under {NOTES_MAX} characters.")
    return notes
