"""The steps of changing one incident, each applied to an incident already loaded (and version
checked) by an IncidentUnitOfWork: plain field edits, the assignment, a move through the
lifecycle. Each writes its timeline line and returns the fields it changed; the command that
runs them saves once, so a save made of several steps is one new version or nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from app.db.models import Contact, Incident
from app.db.models import Service as ServiceRow
from app.domain.cadence import next_update_due
from app.domain.hold import ResolveClock, end_hold, start_hold
from app.domain.lifecycle import Status, check_transition
from app.domain.priority import Priority
from app.domain.sla import due_times
from app.services.errors import InvalidInput
from app.services.feed.records import load_matrix, load_policies
from app.services.incidents.dto import Assignment, StatusMove
from app.services.incidents.fields import EDITABLE, validated
from app.services.incidents.opening import existing_agent, note_assignment, team_of
from app.services.incidents.unit_of_work import IncidentUnitOfWork

_REFERENCES: dict[str, tuple[type[ServiceRow] | type[Contact], str]] = {
    "service_id": (ServiceRow, "That service no longer exists; pick another."),
    "caller_id": (Contact, "That caller no longer exists; pick another."),
}


def check_editable(fields: Mapping[str, object]) -> None:
    unknown = sorted(set(fields) - set(EDITABLE))
    if unknown:
        raise InvalidInput(unknown[0], f"These fields cannot be edited: {unknown}")


def apply_edits(
    uow: IncidentUnitOfWork, incident: Incident, fields: Mapping[str, object]
) -> list[str]:
    """Change plain fields. Changing impact or urgency re-derives priority and SLA due times."""
    check_editable(fields)
    changed = []
    for field, raw in fields.items():
        value = validated(field, raw)
        _check_reference(uow, field, value)
        if getattr(incident, field) != value:
            setattr(incident, field, value)
            changed.append(field)
    if not changed:
        return []
    if {"impact", "urgency"} & set(changed):
        _rederive_priority(uow, incident)
    labels = ", ".join(EDITABLE[f] for f in changed)
    uow.event(incident, "edited", f"Changed {labels}", {"fields": changed})
    return changed


def apply_assignment(
    uow: IncidentUnitOfWork, incident: Incident, assignment: Assignment
) -> list[str]:
    assignee_id = assignment.assignee_id
    assignee = existing_agent(uow, assignee_id)
    team_id = assignment.team_id if assignment.team_id is not None else team_of(uow, assignee_id)
    changed = []
    if incident.assignee_id != assignee_id:
        incident.assignee_id = assignee_id
        changed.append("assignee_id")
    if team_id is not None and incident.team_id != team_id:
        incident.team_id = team_id
        changed.append("team_id")
    if not changed:
        return []
    note_assignment(uow, incident, assignee)
    return changed


def apply_move(
    uow: IncidentUnitOfWork, incident: Incident, move: StatusMove, *, note: str = ""
) -> list[str]:
    """Move the status, or refuse (RuleViolation, naming the field to fill in when one would
    do) and change nothing. Ending a hold moves the resolve due time on by the time held.
    `note` ends the timeline line ("… with INC0000042")."""
    now = uow.ctx.clock.now()
    current, target, reason = Status(incident.status), move.target, move.hold_reason
    resolution = move.resolution if move.resolution is not None else incident.resolution
    check_transition(current, target, hold_reason=reason, resolution=resolution)
    clock = ResolveClock(incident.resolve_by, incident.paused_seconds, incident.on_hold_since)
    if current == Status.ON_HOLD:
        clock = end_hold(clock, now)
        incident.hold_reason = None
    if target == Status.ON_HOLD:
        assert reason is not None  # check_transition asks for one
        clock = start_hold(clock, now)
        incident.hold_reason = reason.value
    incident.resolve_by, incident.paused_seconds = clock.resolve_by, clock.paused_seconds
    incident.on_hold_since = clock.on_hold_since
    # Cancelling is not a response to the caller: it leaves the response clock alone.
    if target not in (Status.NEW, Status.CANCELLED) and incident.acknowledged_at is None:
        incident.acknowledged_at = now
    if target == Status.RESOLVED:
        incident.resolved_at = now
        incident.resolution = resolution.strip()
        incident.next_update_due = None
    elif target == Status.IN_PROGRESS and current == Status.RESOLVED:
        incident.resolved_at = None
        if incident.major:
            restart_cadence(uow, incident, now)
    elif target == Status.CLOSED:
        incident.closed_at = now
    elif target == Status.CANCELLED:
        incident.closed_at = now
        incident.next_update_due = None
    incident.status = target.value
    held = f" ({reason.label})" if reason is not None and target == Status.ON_HOLD else ""
    uow.event(
        incident,
        "status",
        f"{current.label} → {target.label}{held}{note}",
        {
            "from": current.value,
            "to": target.value,
            "hold_reason": reason.value if reason is not None else None,
        },
    )
    return ["status"]


def restart_cadence(uow: IncidentUnitOfWork, incident: Incident, now: datetime) -> None:
    """The next status update is due one cadence from `now` (major incidents only have one)."""
    policy = load_policies(uow.session)[Priority(incident.priority)]
    incident.next_update_due = next_update_due(policy, major=incident.major, last_update_at=now)


def _rederive_priority(uow: IncidentUnitOfWork, incident: Incident) -> None:
    priority = load_matrix(uow.session).priority(incident.impact, incident.urgency)
    if priority == incident.priority:
        return
    old = Priority(incident.priority)
    incident.priority = int(priority)
    policy = load_policies(uow.session)[priority]
    due = due_times(incident.opened_at, policy, timedelta(seconds=incident.paused_seconds))
    incident.respond_by, incident.resolve_by = due.respond_by, due.resolve_by
    if incident.major:
        restart_cadence(uow, incident, uow.ctx.clock.now())
    uow.event(
        incident,
        "priority",
        f"Priority {old.label} → {priority.label}",
        {"from": int(old), "to": int(priority)},
    )


def _check_reference(uow: IncidentUnitOfWork, field: str, value: object) -> None:
    if field in _REFERENCES and value is not None:
        model, message = _REFERENCES[field]
        if not isinstance(value, int) or uow.reference(model, value) is None:
            raise InvalidInput(field, message)
