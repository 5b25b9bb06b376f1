"""Rows for export: one flat record per incident, streamed so memory stays bounded."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app.db.models import Agent, Call, Incident, Service, Team
from app.domain.lifecycle import Status
from app.domain.priority import Priority
from app.services.context import ServiceContext

INCIDENT_COLUMNS = (
    "number",
    "title",
    "priority",
    "impact",
    "urgency",
    "status",
    "hold_reason",
    "service",
    "assignee",
    "team",
    "major",
    "parent",
    "calls",
    "opened_at",
    "acknowledged_at",
    "resolved_at",
    "closed_at",
    "respond_by",
    "resolve_by",
    "resolution",
)


def incident_records(
    ctx: ServiceContext, *, include_drills: bool = False
) -> Iterator[dict[str, Any]]:
    """Every incident, by number; what drills made only when asked for."""
    parent = aliased(Incident)
    assignee = aliased(Agent)
    calls = (
        select(Call.incident_id, func.count(Call.id).label("n"))
        .group_by(Call.incident_id)
        .subquery()
    )
    query = (
        select(
            Incident,
            Service.name,
            assignee.name,
            Team.name,
            parent.number,
            func.coalesce(calls.c.n, 0),
        )
        .outerjoin(Service, Service.id == Incident.service_id)
        .outerjoin(assignee, assignee.id == Incident.assignee_id)
        .outerjoin(Team, Team.id == Incident.team_id)
        .outerjoin(parent, parent.id == Incident.parent_id)
        .outerjoin(calls, calls.c.incident_id == Incident.id)
        .order_by(Incident.number)
        .execution_options(yield_per=1000)
    )
    if not include_drills:
        query = query.where(Incident.drill_id.is_(None))
    with ctx.db.read() as session:
        for incident, service, assignee_name, team, parent_number, n_calls in session.execute(
            query
        ):
            yield {
                "number": incident.number,
                "title": incident.title,
                "priority": Priority(incident.priority).short,
                "impact": incident.impact,
                "urgency": incident.urgency,
                "status": Status(incident.status).label,
                "hold_reason": incident.hold_reason or "",
                "service": service or "",
                "assignee": assignee_name or "",
                "team": team or "",
                "major": incident.major,
                "parent": parent_number or "",
                "calls": n_calls,
                "opened_at": incident.opened_at,
                "acknowledged_at": incident.acknowledged_at,
                "resolved_at": incident.resolved_at,
                "closed_at": incident.closed_at,
                "respond_by": incident.respond_by,
                "resolve_by": incident.resolve_by,
                "resolution": incident.resolution,
            }
            session.expunge(incident)
