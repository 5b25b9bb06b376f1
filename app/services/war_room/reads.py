"""Reading a major incident for the war room: one snapshot with everything the window shows.

The snapshot is small (one incident, its checklist, calls, updates, vendors, timeline and
children), so the window reloads it whole whenever the change feed names the incident.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.db.models import (
    Agent,
    ChecklistItem,
    Incident,
    IncidentService,
    Service,
    StatusUpdate,
    TimelineEvent,
    VendorEscalation,
)
from app.domain.cadence import update_interval
from app.domain.call_rate import calls_per_window
from app.domain.lifecycle import Status
from app.domain.priority import Priority
from app.domain.services_state import ServiceState
from app.domain.status_update import Audience, UpdateBody, UpdateHeading, render_text, subject_line
from app.domain.vendor import VendorState
from app.services.calls.reads import CallReads
from app.services.context import ServiceContext
from app.services.feed.records import load_policies
from app.services.goodwill.reads import gesture_rows
from app.services.incidents.dto import IncidentDetail, TimelineEntry
from app.services.incidents.reads import incident_detail, timeline_entry, timeline_query
from app.services.intake.reads import alert_marks
from app.services.war_room.dto import (
    AffectedServiceRow,
    ChecklistRow,
    ChildRow,
    StatusUpdateRow,
    VendorRow,
    WarRoomSnapshot,
)

PIN_KINDS = ("pinned", "unpinned")


class WarRoomReads:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def snapshot(self, incident_id: int) -> WarRoomSnapshot:
        now = self._ctx.clock.now()
        with self._ctx.db.read() as session:
            incident = incident_detail(session, incident_id)
            services = affected_services(session, incident_id)
            checklist = checklist_rows(session, incident_id)
            updates = update_rows(session, incident)
            vendors = vendor_rows(session, incident_id)
            timeline = timeline_rows(session, incident_id)
            children = child_rows(session, incident_id)
            policy = load_policies(session)[incident.priority]
            marks = alert_marks(session, [incident_id, *(c.id for c in children)])
            alerts = tuple(marks[i] for i in [incident_id, *(c.id for c in children)] if i in marks)
            gestures = tuple(gesture_rows(session, now, [incident_id], owed_only=False))
        # The call log is the call-logging service's read (its own short read transaction).
        calls = tuple(CallReads(self._ctx).for_incident(incident_id))
        since = incident.declared_major_at or incident.opened_at
        return WarRoomSnapshot(
            taken_at=now,
            incident=incident,
            services=services,
            checklist=checklist,
            calls=calls,
            call_windows=calls_per_window((c.at for c in calls), since, now),
            updates=updates,
            vendors=vendors,
            timeline=timeline,
            children=children,
            update_interval=update_interval(policy, major=incident.major),
            alerts=alerts,
            gestures=gestures,
        )


def affected_services(session: Session, incident_id: int) -> tuple[AffectedServiceRow, ...]:
    query = (
        select(Service)
        .join(IncidentService, IncidentService.service_id == Service.id)
        .where(IncidentService.incident_id == incident_id)
        .order_by(Service.name)
    )
    return tuple(
        AffectedServiceRow(s.id, s.name, ServiceState(s.state), s.manual_workaround)
        for s in session.scalars(query)
    )


def checklist_rows(session: Session, incident_id: int) -> tuple[ChecklistRow, ...]:
    query = (
        select(ChecklistItem, Agent.name)
        .outerjoin(Agent, Agent.id == ChecklistItem.done_by_id)
        .where(ChecklistItem.incident_id == incident_id)
        .order_by(ChecklistItem.position, ChecklistItem.id)
    )
    return tuple(
        ChecklistRow(
            id=item.id,
            position=item.position,
            text=item.text,
            owner_role=item.owner_role,
            done_at=item.done_at,
            done_by=name or "",
            ad_hoc=item.ad_hoc,
        )
        for item, name in session.execute(query)
    )


def update_rows(session: Session, incident: IncidentDetail) -> tuple[StatusUpdateRow, ...]:
    """Every update on the incident, newest first, each rendered as it reads when sent."""
    query = (
        select(StatusUpdate, Agent.name)
        .outerjoin(Agent, Agent.id == StatusUpdate.author_id)
        .where(StatusUpdate.incident_id == incident.id)
        .order_by(StatusUpdate.posted_at, StatusUpdate.id)
    )
    rows = [
        to_update_row(update, name or "", sequence, incident)
        for sequence, (update, name) in enumerate(session.execute(query), start=1)
    ]
    return tuple(reversed(rows))


def to_update_row(
    update: StatusUpdate, author: str, sequence: int, incident: IncidentDetail | Incident
) -> StatusUpdateRow:
    body = UpdateBody(
        what_happened=update.what_happened,
        current_impact=update.current_impact,
        actions=update.actions,
        workaround=update.workaround,
        eta=update.eta,
        next_update_at=update.next_update_at,
    )
    heading = UpdateHeading(
        number=incident.number,
        title=incident.title,
        audience=Audience(update.audience),
        sequence=sequence,
        final=update.final,
        drill=incident.drill_id is not None,
    )
    return StatusUpdateRow(
        id=update.id,
        sequence=sequence,
        posted_at=update.posted_at,
        author=author,
        audience=Audience(update.audience),
        what_happened=update.what_happened,
        current_impact=update.current_impact,
        actions=update.actions,
        workaround=update.workaround,
        eta=update.eta,
        next_update_at=update.next_update_at,
        final=update.final,
        subject=subject_line(heading),
        text=render_text(heading, body, update.posted_at),
        made_at=update.made_at,
    )


def vendor_rows(session: Session, incident_id: int) -> tuple[VendorRow, ...]:
    query = (
        select(VendorEscalation)
        .where(VendorEscalation.incident_id == incident_id)
        .order_by(VendorEscalation.escalated_at, VendorEscalation.id)
    )
    return tuple(to_vendor_row(v) for v in session.scalars(query))


def to_vendor_row(v: VendorEscalation) -> VendorRow:
    return VendorRow(
        id=v.id,
        vendor=v.vendor,
        reference=v.reference,
        contact=v.contact,
        escalated_at=v.escalated_at,
        vendor_eta=v.vendor_eta,
        state=VendorState(v.state),
        notes=v.notes,
        version=v.version,
    )


def timeline_rows(session: Session, incident_id: int) -> tuple[TimelineEntry, ...]:
    """The timeline, newest first, with pins applied (pinning appends an event: the timeline
    is append-only, and the server enforces it on PostgreSQL)."""
    events = list(session.execute(timeline_query(incident_id)))
    pinned = effective_pins((event for event, _ in events))
    return tuple(
        timeline_entry(event, name, pinned.get(event.id, False)) for event, name in reversed(events)
    )


def effective_pins(events: Iterable[TimelineEvent]) -> dict[int, bool]:
    """Each event's pinned state: as written, then changed by later pin and unpin events."""
    state: dict[int, bool] = {}
    for event in events:
        if event.kind in PIN_KINDS:
            target = (event.details or {}).get("event_id")
            if isinstance(target, int):
                state[target] = event.kind == "pinned"
        else:
            state.setdefault(event.id, event.pinned)
    return state


def child_rows(session: Session, incident_id: int) -> tuple[ChildRow, ...]:
    assignee = aliased(Agent)
    query = (
        select(Incident, assignee.name)
        .outerjoin(assignee, assignee.id == Incident.assignee_id)
        .where(Incident.parent_id == incident_id)
        .order_by(Incident.opened_at, Incident.id)
    )
    return tuple(
        ChildRow(
            id=child.id,
            number=child.number,
            title=child.title,
            status=Status(child.status),
            priority=Priority(child.priority),
            assignee=name or "",
            version=child.version,
        )
        for child, name in session.execute(query)
    )
