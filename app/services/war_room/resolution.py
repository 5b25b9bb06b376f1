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
from app.domain.cadence import update_interval
from app.domain.call_rate import calls_per_window
from app.domain.errors import RuleViolation
from app.domain.lifecycle import Status, check_transition
from app.domain.priority import Priority
from app.domain.roles import Action
from app.domain.services_state import ServiceState
from app.domain.sla import resume_after_hold
from app.domain.status_update import late_updates
from app.domain.vendor import VendorState, vendor_overdue
from app.services.calls.reads import CallReads
from app.services.context import ServiceContext
from app.services.errors import EditConflict, InvalidInput, NotFound
from app.services.feed.records import load_policies, locking, record_change, record_event
from app.services.incidents.reads import IncidentReads, to_detail
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
        with self._ctx.db.write() as session:
            incident = self._load(session, incident_id, expected_version)
            final = post_in_session(
                self._ctx, session, incident, draft.audience, body, final=True, bump=False
            )
            self._resolve(session, incident, resolution, now, note="")
            restored = self._restore_services(session, incident)
            child_ids = list(
                session.scalars(select(Incident.id).where(Incident.parent_id == incident.id))
            )
            resolved, left = self._resolve_children(session, incident, resolution, now, draft)
            review = self._review_data(session, incident, draft, now, restored, resolved)
            record_event(
                session,
                self._ctx,
                incident,
                "review_data",
                "Facts recorded for the post-incident review",
                review,
                pinned=True,
            )
            incident.updated_at = now
            incident.version += 1
            session.flush()
            record_change(
                session,
                self._ctx,
                "incidents",
                incident.id,
                "update",
                version=incident.version,
                fields=["status", "resolution", "next_update_due", "services", "children"],
            )
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

    def _load(self, session: Session, incident_id: int, expected_version: int) -> Incident:
        incident = session.scalar(
            locking(session, select(Incident).where(Incident.id == incident_id))
        )
        if incident is None:
            raise NotFound(f"Incident {incident_id} no longer exists.")
        if incident.version != expected_version:
            raise EditConflict(incident.number, [], ["the incident"], to_detail(incident))
        if not incident.major:
            raise RuleViolation(f"{incident.number} is not a major incident.")
        status = Status(incident.status)
        if not status.is_open:
            raise RuleViolation(f"{incident.number} is already {status.label.lower()}.")
        return incident

    def _resolve(
        self, session: Session, incident: Incident, resolution: str, now: datetime, note: str
    ) -> None:
        """Move one incident to Resolved, through In progress when it is still New, keeping the
        SLA clock's hold accounting exactly as a normal status change would."""
        current = Status(incident.status)
        if current == Status.NEW:
            check_transition(current, Status.IN_PROGRESS)
            incident.status = Status.IN_PROGRESS.value
            self._status_event(session, incident, current, Status.IN_PROGRESS, "")
            current = Status.IN_PROGRESS
        check_transition(current, Status.RESOLVED, resolution=resolution)
        if current == Status.ON_HOLD and incident.on_hold_since is not None:
            paused = now - incident.on_hold_since
            incident.resolve_by = resume_after_hold(
                incident.resolve_by, incident.on_hold_since, now
            )
            incident.paused_seconds += int(paused.total_seconds())
            incident.on_hold_since = None
            incident.hold_reason = None
        if incident.acknowledged_at is None:
            incident.acknowledged_at = now
        incident.resolved_at = now
        incident.resolution = resolution
        incident.next_update_due = None
        incident.status = Status.RESOLVED.value
        self._status_event(session, incident, current, Status.RESOLVED, note)

    def _status_event(
        self, session: Session, incident: Incident, old: Status, new: Status, note: str
    ) -> None:
        record_event(
            session,
            self._ctx,
            incident,
            "status",
            f"{old.label} → {new.label}{note}",
            {"from": old.value, "to": new.value, "hold_reason": None},
        )

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
                    Incident.status.in_([s.value for s in Status if s.is_open]),
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

    def _resolve_children(
        self,
        session: Session,
        incident: Incident,
        resolution: str,
        now: datetime,
        draft: ResolutionDraft,
    ) -> tuple[list[tuple[int, str]], tuple[str, ...]]:
        query = select(Incident).where(Incident.parent_id == incident.id).order_by(Incident.id)
        children = [c for c in session.scalars(locking(session, query)) if Status(c.status).is_open]
        if not draft.resolve_children:
            return [], tuple(c.number for c in children)
        resolved = []
        for child in children:
            self._resolve(session, child, resolution, now, note=f" with {incident.number}")
            child.updated_at = now
            child.version += 1
            session.flush()
            record_change(
                session,
                self._ctx,
                "incidents",
                child.id,
                "update",
                version=child.version,
                fields=["status", "resolution"],
            )
            resolved.append((child.id, child.number))
        return resolved, ()

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


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)
