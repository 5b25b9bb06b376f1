"""The shared steps of changing an incident within one transaction: insert a new one, load one
with its version checked (a row lock on PostgreSQL), commit with the change log and a new
version, and the message that names who changed what meanwhile. IncidentCommands and
MajorIncidentCommands build their public, one-transaction methods from these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.db.models import Agent, Counter, Incident
from app.domain.cadence import next_update_due
from app.domain.errors import RuleViolation
from app.domain.lifecycle import Status
from app.domain.priority import Impact, Priority, Urgency
from app.domain.sla import due_times
from app.services.context import ServiceContext
from app.services.errors import NotFound
from app.services.feed.records import (
    load_matrix,
    load_policies,
    locking,
    record_change,
    record_event,
)
from app.services.incidents.dto import IncidentDetail
from app.services.incidents.fields import (
    check_channel,
    clean_title,
    parse_impact,
    parse_urgency,
)
from app.services.incidents.reads import edit_conflict, incident_detail


@dataclass(frozen=True)
class IncidentDraft:
    title: str
    impact: int = Impact.MEDIUM
    urgency: int = Urgency.MEDIUM
    description: str = ""
    service_id: int | None = None
    category: str | None = None
    caller_id: int | None = None
    channel: str = "phone"
    assignee_id: int | None = None
    team_id: int | None = None
    opened_at: datetime | None = None  # defaults to now; importers pass the original time
    drill_id: int | None = None  # opened by a drill: marked so it is never taken for real


class IncidentWriter:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def _insert(self, session: Session, draft: IncidentDraft) -> Incident:
        title = clean_title(draft.title)
        check_channel(draft.channel)
        impact, urgency = parse_impact(draft.impact), parse_urgency(draft.urgency)
        now = self._ctx.clock.now()
        opened = draft.opened_at or now
        priority = load_matrix(session).priority(impact, urgency)
        due = due_times(opened, load_policies(session)[priority])
        incident = Incident(
            number=_next_number(session),
            title=title,
            description=draft.description.strip(),
            service_id=draft.service_id,
            category=draft.category,
            caller_id=draft.caller_id,
            channel=draft.channel,
            impact=int(impact),
            urgency=int(urgency),
            priority=int(priority),
            status=Status.NEW.value,
            assignee_id=draft.assignee_id,
            team_id=draft.team_id or team_of(session, draft.assignee_id),
            opened_at=opened,
            updated_at=now,
            respond_by=due.respond_by,
            resolve_by=due.resolve_by,
            paused_seconds=0,
            major=False,
            workaround="",
            public_message="",
            resolution="",
            drill_id=draft.drill_id,
            version=1,
        )
        session.add(incident)
        session.flush()
        record_event(
            session,
            self._ctx,
            incident,
            "created",
            f"Opened {incident.number} at {priority.label}: {title}",
        )
        self._changed(session, incident, "insert", [])
        return incident

    def _load(self, session: Session, incident_id: int, expected_version: int) -> Incident:
        incident = session.scalar(
            locking(session, select(Incident).where(Incident.id == incident_id))
        )
        if incident is None:
            raise NotFound(f"Incident {incident_id} no longer exists; it may have been merged.")
        if incident.version != expected_version:
            raise edit_conflict(session, incident, expected_version)
        return incident

    def _commit(self, session: Session, incident: Incident, changed: list[str]) -> IncidentDetail:
        number = incident.number  # a failed flush expires the object; keep this for the message
        incident.updated_at = self._ctx.clock.now()
        incident.version += 1
        try:
            session.flush()  # bumps version; raises if a racing writer got there first
        except StaleDataError:
            raise RuleViolation(
                f"{number} was changed by someone else at the same moment; reload it and try again."
            ) from None
        self._changed(session, incident, "update", changed)
        session.flush()
        session.refresh(incident)
        return incident_detail(session, incident.id)

    def _changed(
        self, session: Session, incident: Incident, action: str, fields: list[str]
    ) -> None:
        record_change(
            session,
            self._ctx,
            "incidents",
            incident.id,
            action,
            version=incident.version,
            fields=fields,
        )

    def _restart_cadence(self, session: Session, incident: Incident, now: datetime) -> None:
        policy = load_policies(session)[Priority(incident.priority)]
        incident.next_update_due = next_update_due(policy, major=incident.major, last_update_at=now)


def _next_number(session: Session) -> str:
    value = session.execute(
        update(Counter)
        .where(Counter.name == "incident_number")
        .values(value=Counter.value + 1)
        .returning(Counter.value)
    ).scalar_one()
    return f"INC{value:07d}"


def team_of(session: Session, agent_id: int | None) -> int | None:
    """The team an incident goes to with its assignee, when none is chosen."""
    if agent_id is None:
        return None
    agent = session.get(Agent, agent_id)
    return agent.team_id if agent else None
