"""Drawing up the shift handover report from the live data, and reading handovers back."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.db.models import Agent, Call, Incident, ShiftHandover, VendorEscalation
from app.db.open_statuses import is_open
from app.domain.clock import as_utc
from app.domain.lifecycle import HoldReason
from app.domain.priority import Priority
from app.domain.sla import SlaClockInput, SlaState, read_clock
from app.domain.vendor import VendorState
from app.services.context import ServiceContext
from app.services.errors import NotFound
from app.services.goodwill.reads import gesture_rows
from app.services.handover.dto import (
    CallbackLine,
    GestureLine,
    Handover,
    HandoverReport,
    MajorLine,
    SlaLine,
    VendorLine,
)


def gestures_owed(session: Session, now: datetime) -> tuple[GestureLine, ...]:
    """Goodwill gestures still owed on real incidents, for the report. Callbacks owed have
    their own section, so only the recorded gestures are here; a due day reads as its end."""
    return tuple(
        GestureLine(
            g.number,
            g.kind.label,
            g.to_whom,
            g.owner,
            None if g.due_on is None else datetime.combine(g.due_on, time(23, 59)).astimezone(),
        )
        for g in (r.gesture for r in gesture_rows(session, now, owed_only=True))
        if not g.from_call
    )


def draw_report(session: Session, now: datetime) -> HandoverReport:
    """What the incoming supervisor must know now. Drills are left out."""
    real_open = (is_open(Incident.status), Incident.drill_id.is_(None))
    commander = aliased(Agent)
    majors = tuple(
        MajorLine(number, title, name or "", due and as_utc(due))
        for number, title, name, due in session.execute(
            select(Incident.number, Incident.title, commander.name, Incident.next_update_due)
            .outerjoin(commander, commander.id == Incident.commander_id)
            .where(*real_open, Incident.major.is_(True))
            .order_by(Incident.priority, Incident.declared_major_at)
        )
    )
    breached: list[SlaLine] = []
    at_risk: list[SlaLine] = []
    assignee = aliased(Agent)
    # Only the clock columns, not whole rows: a desk may hold tens of thousands of open incidents.
    query = (
        select(
            Incident.number,
            Incident.title,
            Incident.priority,
            assignee.name,
            Incident.opened_at,
            Incident.respond_by,
            Incident.resolve_by,
            Incident.acknowledged_at,
            Incident.resolved_at,
            Incident.on_hold_since,
        )
        .outerjoin(assignee, assignee.id == Incident.assignee_id)
        .where(*real_open)
        .order_by(Incident.priority, Incident.number)
    )
    for number, title, priority, name, *clock in session.execute(query):
        reading = read_clock(SlaClockInput(*clock), now)
        if reading.state not in (SlaState.BREACHED, SlaState.AT_RISK):
            continue
        line = SlaLine(number, title, Priority(priority).short, name or "", as_utc(reading.due))
        (breached if reading.state == SlaState.BREACHED else at_risk).append(line)
    callbacks = tuple(
        CallbackLine(caller or "an unnamed caller", number or "", as_utc(at))
        for caller, number, at in session.execute(
            select(Call.caller_name, Incident.number, Call.at)
            .outerjoin(Incident, Incident.id == Call.incident_id)
            .where(
                Call.callback_wanted.is_(True),
                Call.callback_done_at.is_(None),
                Call.drill_id.is_(None),
            )
            .order_by(Call.at)
        )
    )
    waiting = [s.value for s in VendorState if s.waiting]
    vendors = tuple(
        VendorLine(number, title, vendor, eta and as_utc(eta))
        for number, title, vendor, eta in session.execute(
            select(
                Incident.number,
                Incident.title,
                VendorEscalation.vendor,
                VendorEscalation.vendor_eta,
            )
            .join(VendorEscalation, VendorEscalation.incident_id == Incident.id)
            .where(
                *real_open,
                Incident.hold_reason == HoldReason.AWAITING_VENDOR.value,
                VendorEscalation.state.in_(waiting),
            )
            .order_by(Incident.number, VendorEscalation.id)
        )
    )
    return HandoverReport(
        drawn_at=now,
        majors=majors,
        breached=tuple(breached),
        at_risk=tuple(at_risk),
        callbacks=callbacks,
        gestures=gestures_owed(session, now),
        waiting_on_vendors=vendors,
    )


def to_handover(session: Session, row: ShiftHandover) -> Handover:
    author = session.get(Agent, row.created_by_id) if row.created_by_id else None
    acker = session.get(Agent, row.acknowledged_by_id) if row.acknowledged_by_id else None
    return Handover(
        id=row.id,
        shift=row.shift,
        created_at=as_utc(row.created_at),
        created_by_id=row.created_by_id,
        created_by=author.name if author else "",
        report=HandoverReport.from_data(dict(row.report)),
        notes=row.notes,
        notes_updated_at=as_utc(row.notes_updated_at) if row.notes_updated_at else None,
        acknowledged_at=as_utc(row.acknowledged_at) if row.acknowledged_at else None,
        acknowledged_by=acker.name if acker else "",
        version=row.version,
    )


class HandoverReads:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def report_now(self) -> HandoverReport:
        """The report as it would be drawn up now (a preview; nothing is stored)."""
        with self._ctx.db.read() as session:
            return draw_report(session, self._ctx.clock.now())

    def get(self, handover_id: int) -> Handover:
        with self._ctx.db.read() as session:
            row = session.get(ShiftHandover, handover_id)
            if row is None:
                raise NotFound("That handover no longer exists.")
            return to_handover(session, row)

    def recent(self, limit: int = 20) -> list[Handover]:
        """The latest handovers, newest first."""
        with self._ctx.db.read() as session:
            rows = session.scalars(
                select(ShiftHandover)
                .order_by(ShiftHandover.created_at.desc(), ShiftHandover.id.desc())
                .limit(limit)
            ).all()
            return [to_handover(session, row) for row in rows]
