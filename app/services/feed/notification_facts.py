"""What the notification rules look at, read from the database in one go.

The queue already holds every open incident's row; this adds what the rows do not carry: who
commands and communicates each open major incident, the vendor cases still waited on, the
surges of calls, and the callbacks due on resolved incidents.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import select

from app.db.models import Call, Incident, VendorEscalation
from app.db.open_statuses import is_open
from app.domain.notification_rules import (
    CallbackFacts,
    Facts,
    GestureFacts,
    IncidentFacts,
    SurgeFacts,
    VendorFacts,
)
from app.domain.vendor import VendorState
from app.services.calls.reads import CallReads
from app.services.context import ServiceContext
from app.services.goodwill.reads import gesture_rows
from app.services.incidents.dto import IncidentRow


@dataclass(frozen=True)
class NotificationExtras:
    roles: Mapping[int, tuple[int | None, int | None]] = field(default_factory=dict)
    vendors: tuple[VendorFacts, ...] = ()
    surges: tuple[SurgeFacts, ...] = ()
    callbacks: tuple[CallbackFacts, ...] = ()
    gestures: tuple[GestureFacts, ...] = ()


def read_extras(ctx: ServiceContext) -> NotificationExtras:
    """Commanders and comms leads of open majors, waiting vendor cases, surges, callbacks."""
    waiting = [s.value for s in VendorState if s.waiting]
    with ctx.db.read() as session:
        roles = {
            incident_id: (commander, comms)
            for incident_id, commander, comms in session.execute(
                select(Incident.id, Incident.commander_id, Incident.comms_lead_id).where(
                    Incident.major.is_(True), is_open(Incident.status)
                )
            )
        }
        vendors = tuple(
            VendorFacts(
                escalation_id=v.id,
                incident_id=v.incident_id,
                number=number,
                vendor=v.vendor,
                vendor_eta=v.vendor_eta,
                waiting=True,
            )
            for v, number in session.execute(
                select(VendorEscalation, Incident.number)
                .join(Incident, Incident.id == VendorEscalation.incident_id)
                .where(
                    VendorEscalation.state.in_(waiting),
                    VendorEscalation.vendor_eta.is_not(None),
                    is_open(Incident.status),
                )
            )
        )
        gestures = tuple(
            GestureFacts(
                gesture_id=r.id,
                incident_id=r.incident_id,
                number=r.gesture.number,
                what=f"{r.gesture.kind.label} to {r.gesture.to_whom}",
                owner=r.gesture.owner,
                status=r.gesture.status,
                due_on=r.gesture.due_on,
            )
            for r in gesture_rows(session, ctx.clock.now(), owed_only=True)
            if r.id is not None
        )
        agents: dict[int, tuple[int | None, bool]] = {
            call_id: (agent_id, drill_id is not None)
            for call_id, agent_id, drill_id in session.execute(
                select(Call.id, Call.agent_id, Call.drill_id).where(
                    Call.callback_wanted.is_(True), Call.callback_done_at.is_(None)
                )
            )
        }
    reads = CallReads(ctx)
    surges = tuple(
        SurgeFacts(s.service_id, s.service, s.first_at, s.message) for s in reads.surges()
    )
    callbacks = tuple(
        CallbackFacts(
            call_id=c.id,
            incident_id=c.incident_id,
            number=c.incident_number,
            title=c.incident_title,
            caller=c.caller,
            logged_by=agents.get(c.id, (None, False))[0],
            drill=agents.get(c.id, (None, False))[1],
        )
        for c in reads.callbacks_due()
        if c.incident_id is not None
    )
    return NotificationExtras(roles, vendors, surges, callbacks, gestures)


def incident_facts(
    row: IncidentRow, roles: Mapping[int, tuple[int | None, int | None]]
) -> IncidentFacts:
    commander, comms = roles.get(row.id, (None, None))
    return IncidentFacts(
        id=row.id,
        number=row.number,
        title=row.title,
        priority=int(row.priority),
        is_open=row.status.is_open,
        major=row.major,
        assignee_id=row.assignee_id,
        team_id=row.team_id,
        sla=row.sla_input,
        next_update_due=row.next_update_due,
        commander_id=commander,
        comms_lead_id=comms,
        drill=row.drill,
    )


def build_facts(rows: Iterable[IncidentRow], extras: NotificationExtras) -> Facts:
    return Facts(
        incidents=tuple(incident_facts(r, extras.roles) for r in rows),
        vendors=extras.vendors,
        surges=extras.surges,
        callbacks=extras.callbacks,
        gestures=extras.gestures,
    )
