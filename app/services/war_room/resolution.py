"""Resolving a major incident: the final update, the cadence stopped, services back to
Operational, children resolved with the same resolution, the callers still owed a callback, and
the facts the post-incident review will be drafted from.

All of it is one transaction: either the incident is resolved with everything that goes with it,
or nothing changed and the commander is told why.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import (
    Call,
    ChecklistItem,
    Incident,
    IncidentService,
    Service,
    StatusUpdate,
    VendorEscalation,
)
from app.db.open_statuses import is_open
from app.domain.cadence import update_interval
from app.domain.call_rate import calls_per_window
from app.domain.errors import RuleViolation
from app.domain.lifecycle import Status
from app.domain.priority import Priority
from app.domain.roles import Action
from app.domain.services_state import ServiceState
from app.domain.status_update import late_updates
from app.domain.vendor import VendorState, vendor_overdue
from app.services.calls.reads import CallReads
from app.services.context import ServiceContext
from app.services.errors import InvalidInput
from app.services.feed.records import load_policies, locking, record_change, record_event
from app.services.incidents.changes import apply_move
from app.services.incidents.dto import StatusMove
from app.services.incidents.reads import IncidentReads
from app.services.incidents.unit_of_work import IncidentUnitOfWork, incident_change
from app.services.war_room.dto import ResolutionDraft, ResolvedMajor
from app.services.war_room.status_updates import checked_body, post_in_session

RESOLUTION_MAX = 4000


class MajorResolution:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def resolve(
        self, incident_id: int, expected_version: int, draft: ResolutionDraft
    ) -> ResolvedMajor:
        # Supervisors only, like declaring: it sets services back to Operational, and a team
        # database grants that to supervisors alone (app/db/team_roles.py).
        self._ctx.actor.require(Action.RESOLVE_MAJOR)
        now = self._ctx.clock.now()
        resolution = draft.resolution.strip()
        if not resolution:
            raise InvalidInput("resolution", "Write the resolution: what fixed it, in a sentence.")
        if len(resolution) > RESOLUTION_MAX:
            raise InvalidInput("resolution", "The resolution is too long; keep it short.")
        body = checked_body(draft.final_update, now, final=True)
        with incident_change(self._ctx) as uow:
            session = uow.session
            incident = _open_major(uow, incident_id, expected_version)
            final = post_in_session(uow, incident, draft.audience, body, final=True, bump=False)
            _resolve(uow, incident, resolution)
            restored = self._restore_services(session, incident)
            child_ids = list(
                session.scalars(select(Incident.id).where(Incident.parent_id == incident.id))
            )
            resolved, left = _resolve_children(uow, incident, resolution, draft)
            review = self._review_data(session, incident, draft, now, restored, resolved)
            uow.event(
                incident,
                "review_data",
                "Facts recorded for the post-incident review",
                review,
                pinned=True,
            )
            uow.bump(incident, ["status", "resolution", "next_update_due", "services", "children"])
        # The callback list is read after the commit, by the call-logging service's own read.
        reads = CallReads(self._ctx)
        callers = [c for i in [incident_id, *child_ids] for c in reads.for_incident(i)]
        callbacks = tuple(
            sorted((c for c in callers if c.callback_pending), key=lambda c: (c.at, c.id))
        )
        return ResolvedMajor(
            incident=IncidentReads(self._ctx).detail(incident_id),
            final_update=final,
            children_resolved=tuple(n for _, n in resolved),
            children_left=left,
            services_restored=restored,
            callbacks=callbacks,
        )

    # -- steps --------------------------------------------------------------------------------

    def _restore_services(self, session: Session, incident: Incident) -> tuple[str, ...]:
        """Back to Operational, except a service another open major incident still affects."""
        restored: list[str] = []
        if incident.drill_id is not None:  # a drill never changed the services' real states
            return ()
        links = session.scalars(
            select(IncidentService).where(IncidentService.incident_id == incident.id)
        ).all()
        for link in links:
            service = session.get(Service, link.service_id)
            if service is None or service.state == ServiceState.OPERATIONAL.value:
                continue
            still = session.scalar(
                select(Incident.number)
                .join(IncidentService, IncidentService.incident_id == Incident.id)
                .where(
                    IncidentService.service_id == service.id,
                    Incident.id != incident.id,
                    Incident.major.is_(True),
                    Incident.drill_id.is_(None),
                    is_open(Incident.status),
                )
                .limit(1)
            )
            if still is not None:
                record_event(
                    session,
                    self._ctx,
                    incident,
                    "service_state",
                    f"{service.name} left {ServiceState(service.state).label}: {still} still "
                    "affects it",
                )
                continue
            old = ServiceState(service.state)
            service.state = ServiceState.OPERATIONAL.value
            restored.append(service.name)
            record_event(
                session,
                self._ctx,
                incident,
                "service_state",
                f"{service.name}: {old.label} → {ServiceState.OPERATIONAL.label}",
            )
            record_change(session, self._ctx, "services", service.id, "update", fields=["state"])
        return tuple(restored)

    def _review_data(
        self,
        session: Session,
        incident: Incident,
        draft: ResolutionDraft,
        now: datetime,
        restored: tuple[str, ...],
        children: list[tuple[int, str]],
    ) -> dict[str, Any]:
        """Plain JSON facts for the post-incident review: times, counts, and what was promised
        and kept. The reports issue renders them."""
        declared = incident.declared_major_at or incident.opened_at
        updates = session.scalars(
            select(StatusUpdate)
            .where(StatusUpdate.incident_id == incident.id)
            .order_by(StatusUpdate.posted_at)
        ).all()
        interval = update_interval(load_policies(session)[Priority(incident.priority)], major=True)
        posted = [u.posted_at for u in updates]
        call_times = list(session.scalars(select(Call.at).where(Call.incident_id == incident.id)))
        windows = calls_per_window(call_times, declared, now)
        peak = max(windows, key=lambda w: w.calls) if call_times else None
        items = session.scalars(
            select(ChecklistItem).where(ChecklistItem.incident_id == incident.id)
        ).all()
        vendors = session.scalars(
            select(VendorEscalation).where(VendorEscalation.incident_id == incident.id)
        ).all()
        services = session.scalars(
            select(Service.name)
            .join(IncidentService, IncidentService.service_id == Service.id)
            .where(IncidentService.incident_id == incident.id)
        ).all()
        return {
            "opened_at": _iso(incident.opened_at),
            "declared_major_at": _iso(incident.declared_major_at),
            "resolved_at": _iso(now),
            "duration_minutes": _minutes(now - incident.opened_at),
            "minutes_to_declare": _minutes(declared - incident.opened_at),
            "minutes_to_first_update": _minutes(posted[0] - declared) if posted else None,
            "priority": incident.priority,
            "commander": incident.commander.name if incident.commander else None,
            "comms_lead": incident.comms_lead.name if incident.comms_lead else None,
            "resolution": incident.resolution,
            "cause": draft.cause.strip(),
            "follow_ups": draft.follow_ups.strip(),
            "updates": len(updates),
            "update_every_minutes": _minutes(interval) if interval else None,
            "late_updates": late_updates(declared, posted, interval),
            "calls": len(call_times),
            "peak_calls_per_15_minutes": (
                {"at": _iso(peak.start), "calls": peak.calls} if peak else None
            ),
            "services": list(services),
            "services_restored": list(restored),
            "children": [number for _, number in children],
            "checklist_done": sum(1 for i in items if i.done_at is not None),
            "checklist_total": len(items),
            "checklist_open": [i.text for i in items if i.done_at is None],
            "vendors": [
                {
                    "vendor": v.vendor,
                    "reference": v.reference,
                    "escalated_at": _iso(v.escalated_at),
                    "vendor_eta": _iso(v.vendor_eta),
                    "state": v.state,
                    "missed_eta": vendor_overdue(VendorState(v.state), v.vendor_eta, now),
                }
                for v in vendors
            ],
        }


def _open_major(uow: IncidentUnitOfWork, incident_id: int, expected_version: int) -> Incident:
    incident = uow.load(incident_id, expected_version)
    if not incident.major:
        raise RuleViolation(f"{incident.number} is not a major incident.")
    status = Status(incident.status)
    if not status.is_open:
        raise RuleViolation(f"{incident.number} is already {status.label.lower()}.")
    return incident


def _resolve(uow: IncidentUnitOfWork, incident: Incident, resolution: str, note: str = "") -> None:
    """Move one incident to Resolved, through In progress when it is still New: the same
    status moves, hold accounting and timeline lines as the editor's."""
    if Status(incident.status) == Status.NEW:
        apply_move(uow, incident, StatusMove(Status.IN_PROGRESS))
    apply_move(uow, incident, StatusMove(Status.RESOLVED, resolution=resolution), note=note)


def _resolve_children(
    uow: IncidentUnitOfWork, incident: Incident, resolution: str, draft: ResolutionDraft
) -> tuple[list[tuple[int, str]], tuple[str, ...]]:
    query = select(Incident).where(Incident.parent_id == incident.id).order_by(Incident.id)
    found = uow.session.scalars(locking(uow.session, query))
    children = [c for c in found if Status(c.status).is_open]
    if not draft.resolve_children:
        return [], tuple(c.number for c in children)
    resolved = []
    for child in children:
        _resolve(uow, child, resolution, note=f" with {incident.number}")
        uow.bump(child, ["status", "resolution"])
        resolved.append((child.id, child.number))
    return resolved, ()


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)
