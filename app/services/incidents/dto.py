"""Frozen data handed from the services to their callers. Plain values, safe across threads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from app.domain.lifecycle import HoldReason, Status
from app.domain.priority import Priority
from app.domain.roles import Role
from app.domain.sla import SlaClockInput
from app.services.intake.dto import AlertMark


class IncidentRow(NamedTuple):
    """One line of the queue: what an agent reads at a glance.

    A named tuple rather than a frozen dataclass (immutable all the same): a queue load makes
    25,000 of them, and a frozen dataclass's __init__ (24 object.__setattr__ calls) made that
    five times slower, about 150 ms of the load. It satisfies read_clock's SlaClock as it is."""

    id: int
    number: str
    title: str
    service: str
    caller: str
    status: Status
    hold_reason: HoldReason | None
    priority: Priority
    major: bool
    parent_id: int | None
    assignee_id: int | None
    assignee: str
    team_id: int | None
    team: str
    calls: int
    opened_at: datetime
    updated_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    respond_by: datetime
    resolve_by: datetime
    on_hold_since: datetime | None
    next_update_due: datetime | None
    version: int
    drill: bool = False  # made by a drill: shown in its own colour, never counted as real
    # The monitoring alert that opened it, if one did: not a query column, attached after the
    # read for the few incidents that have one (app/services/incidents/reads.py).
    alert: AlertMark | None = None

    @property
    def sla_input(self) -> SlaClockInput:
        return _sla_input(self)


@dataclass(frozen=True, slots=True)
class IncidentDetail:
    """Everything about one incident, for the editor and the war room."""

    id: int
    number: str
    title: str
    description: str
    service_id: int | None
    service: str
    category: str | None
    caller_id: int | None
    caller: str
    channel: str
    impact: int
    urgency: int
    priority: Priority
    status: Status
    hold_reason: HoldReason | None
    major: bool
    commander_id: int | None
    commander: str
    comms_lead_id: int | None
    comms_lead: str
    declared_major_at: datetime | None
    runbook_key: str | None
    parent_id: int | None
    parent_number: str | None
    assignee_id: int | None
    assignee: str
    team_id: int | None
    team: str
    opened_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    updated_at: datetime
    respond_by: datetime
    resolve_by: datetime
    on_hold_since: datetime | None
    next_update_due: datetime | None
    eta: datetime | None
    workaround: str
    public_message: str
    resolution: str
    version: int
    drill_id: int | None = None  # made by a drill (a rehearsal)
    commander_since: datetime | None = None  # the current commander took command then

    @property
    def sla_input(self) -> SlaClockInput:
        return _sla_input(self)


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    id: int
    incident_id: int
    at: datetime
    actor: str
    kind: str
    summary: str  # with when it was made, if it was made offline and sent later
    pinned: bool
    made_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class AgentInfo:
    id: int
    login: str
    name: str
    role: Role
    team_id: int | None
    team: str


@dataclass(frozen=True, slots=True)
class NamedRef:
    """A service, team or contact offered in a picker."""

    id: int
    name: str


@dataclass(frozen=True)
class Assignment:
    """Who an incident goes to. Without a team, the assignee's own team."""

    assignee_id: int | None
    team_id: int | None = None


@dataclass(frozen=True)
class StatusMove:
    """A move through the lifecycle. `resolution` is for Resolved: None keeps the one in the
    fields being saved alongside, or else the incident's own."""

    target: Status
    hold_reason: HoldReason | None = None
    resolution: str | None = None


@dataclass(frozen=True)
class IncidentChanges:
    """Everything one save of an incident changes, written together or not at all: plain fields
    (see app.services.incidents.fields.EDITABLE), the assignment, and a status move."""

    fields: Mapping[str, object] = field(default_factory=dict)
    assignment: Assignment | None = None
    move: StatusMove | None = None

    @property
    def empty(self) -> bool:
        return not self.fields and self.assignment is None and self.move is None


def _sla_input(incident: IncidentRow | IncidentDetail) -> SlaClockInput:
    """The SLA clock's view of an incident, the same for a queue row and a full detail."""
    return SlaClockInput(
        opened_at=incident.opened_at,
        respond_by=incident.respond_by,
        resolve_by=incident.resolve_by,
        acknowledged_at=incident.acknowledged_at,
        resolved_at=incident.resolved_at,
        on_hold_since=incident.on_hold_since,
    )
