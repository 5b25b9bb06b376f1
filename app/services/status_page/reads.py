"""Reading what the public status page may show, and nothing else.

Only these leave the building: each service's name and state; the major incidents that are not
drills (title, priority, when declared and resolved, the services they touch); and their
updates to all users (the words, when posted). Never internal or stakeholder updates, timeline
notes, callers or agents: none of them is even read here.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.db.models import ChangeLogEntry, Incident, IncidentService, Service, StatusUpdate
from app.db.open_statuses import is_open
from app.domain.clock import as_utc
from app.domain.lifecycle import Status
from app.domain.services_state import ServiceState
from app.domain.status_page import (
    RESOLVED_WINDOW,
    PageFacts,
    PublicIncident,
    PublicService,
    PublicUpdate,
    public_body,
)
from app.domain.status_update import Audience
from app.services.status_page.settings import PageSettings


def read_facts(session: Session, settings: PageSettings, now: datetime) -> PageFacts:
    changed = dict(
        session.execute(
            select(ChangeLogEntry.entity_id, func.max(ChangeLogEntry.at))
            .where(ChangeLogEntry.entity == "services")
            .group_by(ChangeLogEntry.entity_id)
        ).all()
    )
    services = tuple(
        PublicService(s.id, s.name, "", ServiceState(s.state), _utc(changed.get(s.id)))
        for s in session.scalars(select(Service).order_by(Service.name, Service.id))
    )
    incidents = session.scalars(
        select(Incident)
        .where(
            Incident.major.is_(True),
            Incident.drill_id.is_(None),
            or_(is_open(Incident.status), Incident.resolved_at >= now - RESOLVED_WINDOW),
        )
        .order_by(Incident.id)
    ).all()
    return PageFacts(
        name=settings.name,
        url=settings.public_url,
        services=services,
        incidents=tuple(_incident(session, i) for i in incidents),
    )


def _utc(moment: datetime | None) -> datetime | None:
    return as_utc(moment) if moment is not None else None


def _incident(session: Session, incident: Incident) -> PublicIncident:
    updates = tuple(
        PublicUpdate(
            id=u.id,
            posted_at=as_utc(u.posted_at),
            body=public_body(
                u.what_happened,
                u.current_impact,
                u.actions,
                u.workaround,
                _utc(u.eta),
                _utc(u.next_update_at),
                final=u.final,
            ),
            final=u.final,
            workaround=bool(u.workaround.strip()),
        )
        for u in session.scalars(
            select(StatusUpdate)
            .where(
                StatusUpdate.incident_id == incident.id,
                StatusUpdate.audience == Audience.ALL_USERS.value,
            )
            .order_by(StatusUpdate.posted_at, StatusUpdate.id)
        )
    )
    service_ids = set(
        session.scalars(
            select(IncidentService.service_id).where(IncidentService.incident_id == incident.id)
        )
    )
    if incident.service_id is not None:
        service_ids.add(incident.service_id)
    declared = as_utc(incident.declared_major_at or incident.opened_at)
    resolved = None
    if not Status(incident.status).is_open:
        resolved = _utc(incident.resolved_at or incident.closed_at)
    moments = [declared, *(u.posted_at for u in updates)]
    if resolved is not None:
        moments.append(resolved)
    return PublicIncident(
        number=incident.number,
        title=incident.title,
        priority=incident.priority,
        declared_at=declared,
        updated_at=max(moments),
        resolved_at=resolved,
        service_ids=tuple(sorted(service_ids)),
        updates=updates,
    )
