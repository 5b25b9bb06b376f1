"""Records for the other exports: the queue as shown, the call log, and one incident's timeline.

Each function yields flat dicts for app/adapters/tabular_export.write_records. The queue export
takes the rows the window shows (its filter already applied), so the file matches the screen.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import aliased

from app.adapters.tabular_export import write_records
from app.db.models import Agent, Call, Incident, Service, TimelineEvent
from app.domain.incident_numbers import typed_number
from app.domain.sla import read_clock
from app.services.context import ServiceContext
from app.services.errors import NotFound
from app.services.incidents.dto import IncidentRow

QUEUE_COLUMNS = (
    "number",
    "priority",
    "status",
    "hold_reason",
    "title",
    "service",
    "caller",
    "assignee",
    "team",
    "major",
    "calls",
    "sla",
    "opened_at",
    "updated_at",
    "respond_by",
    "resolve_by",
)
CALL_COLUMNS = (
    "at",
    "caller",
    "channel",
    "service",
    "symptom",
    "incident",
    "agent",
    "callback_wanted",
    "callback_number",
    "callback_done_at",
)
TIMELINE_COLUMNS = ("incident", "at", "actor", "kind", "summary", "pinned")


def queue_records(rows: Iterable[IncidentRow], now: datetime) -> Iterator[dict[str, Any]]:
    """The visible queue rows, in the order shown; a drill's rows are never exported."""
    for row in rows:
        if row.drill:
            continue
        reading = read_clock(row.sla_input, now)
        yield {
            "number": row.number,
            "priority": row.priority.short,
            "status": row.status.label,
            "hold_reason": row.hold_reason.label if row.hold_reason else "",
            "title": row.title,
            "service": row.service,
            "caller": row.caller,
            "assignee": row.assignee,
            "team": row.team,
            "major": row.major,
            "calls": row.calls,
            "sla": reading.state.value,
            "opened_at": row.opened_at,
            "updated_at": row.updated_at,
            "respond_by": row.respond_by,
            "resolve_by": row.resolve_by,
        }


def call_records(
    ctx: ServiceContext,
    since: datetime | None = None,
    until: datetime | None = None,
    *,
    include_drills: bool = False,
) -> Iterator[dict[str, Any]]:
    """Every call (or those in [since, until)), oldest first, streamed; a drill's calls only
    when asked for."""
    agent = aliased(Agent)
    query = (
        select(
            Call.at,
            Call.caller_name,
            Call.channel,
            Service.name,
            Call.symptom,
            Incident.number,
            agent.name,
            Call.callback_wanted,
            Call.callback_number,
            Call.callback_done_at,
        )
        .outerjoin(Service, Service.id == Call.service_id)
        .outerjoin(Incident, Incident.id == Call.incident_id)
        .outerjoin(agent, agent.id == Call.agent_id)
        .order_by(Call.at, Call.id)
        .execution_options(yield_per=1000)
    )
    if not include_drills:
        query = query.where(Call.drill_id.is_(None))
    if since is not None:
        query = query.where(Call.at >= since)
    if until is not None:
        query = query.where(Call.at < until)
    with ctx.db.read() as session:
        for row in session.execute(query):
            yield dict(zip(CALL_COLUMNS, row, strict=True))


def timeline_records(ctx: ServiceContext, number: str) -> Iterator[dict[str, Any]]:
    """One incident's timeline, oldest first. Raises NotFound for an unknown number."""
    number = typed_number(number)
    with ctx.db.read() as session:
        incident_id = session.scalar(select(Incident.id).where(Incident.number == number))
        if incident_id is None:
            raise NotFound(f"There is no incident {number}.")
        query = (
            select(
                TimelineEvent.at,
                Agent.name,
                TimelineEvent.kind,
                TimelineEvent.summary,
                TimelineEvent.pinned,
            )
            .outerjoin(Agent, Agent.id == TimelineEvent.actor_id)
            .where(TimelineEvent.incident_id == incident_id)
            .order_by(TimelineEvent.at, TimelineEvent.id)
        )
        rows = session.execute(query).all()
    for at, actor, kind, summary, pinned in rows:
        yield {
            "incident": number,
            "at": at,
            "actor": actor or "system",
            "kind": kind,
            "summary": summary,
            "pinned": pinned,
        }


def export_queue_view(rows: Iterable[IncidentRow], now: datetime, fmt: str, out: Path) -> int:
    """Write the queue as the agent sees it (filter and order applied) to CSV or JSON."""
    return write_records(queue_records(rows, now), QUEUE_COLUMNS, fmt, out)
