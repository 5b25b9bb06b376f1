"""Moving incidents through their lifecycle with IncidentCommands.transition: acknowledgement,
the on-hold pause of the resolve clock, resolving, reopening, closing and refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.db.models import ChangeLogEntry, TimelineEvent
from app.domain.clock import ManualClock
from app.domain.errors import RuleViolation
from app.domain.lifecycle import HoldReason, Status
from app.domain.roles import PermissionDenied, Role
from app.domain.sla import SlaState
from app.services.context import ServiceContext
from app.services.incidents.commands import IncidentCommands
from app.services.incidents.dto import IncidentDetail
from app.services.incidents.queue_filters import sla
from app.services.incidents.reads import IncidentReads
from tests.helpers import add_agent, as_actor, open_incident


def _in_progress(ctx: ServiceContext, impact: int = 2, urgency: int = 2) -> IncidentDetail:
    incident = open_incident(ctx, impact=impact, urgency=urgency)
    return IncidentCommands(ctx).transition(incident.id, incident.version, Status.IN_PROGRESS)


def _resolved(ctx: ServiceContext) -> IncidentDetail:
    incident = _in_progress(ctx)
    return IncidentCommands(ctx).transition(
        incident.id, incident.version, Status.RESOLVED, resolution="Replaced the toner."
    )


def _counts(ctx: ServiceContext) -> tuple[int, int]:
    with ctx.db.read() as session:
        return (
            int(session.scalar(select(func.count(TimelineEvent.id))) or 0),
            int(session.scalar(select(func.count(ChangeLogEntry.id))) or 0),
        )


def test_taking_an_incident_in_progress_acknowledges_it(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    incident = open_incident(ctx)
    taken_at = clock.advance(timedelta(minutes=7))
    moved = IncidentCommands(ctx).transition(incident.id, incident.version, Status.IN_PROGRESS)
    assert moved.status is Status.IN_PROGRESS
    assert moved.acknowledged_at == taken_at
    assert moved.version == 2
    last = IncidentReads(ctx).timeline(incident.id)[-1]
    assert (last.kind, last.summary) == ("status", "New → In progress")


def test_acknowledgement_is_kept_through_later_moves(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    incident = _in_progress(ctx)
    acknowledged = incident.acknowledged_at
    clock.advance(timedelta(hours=1))
    held = IncidentCommands(ctx).transition(
        incident.id, incident.version, Status.ON_HOLD, hold_reason=HoldReason.AWAITING_CALLER
    )
    assert held.acknowledged_at == acknowledged


def test_cancelling_a_new_incident_closes_it_without_counting_as_a_response(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    incident = open_incident(ctx)
    clock.advance(timedelta(minutes=3))
    cancelled = IncidentCommands(ctx).transition(incident.id, incident.version, Status.CANCELLED)
    assert cancelled.status is Status.CANCELLED
    assert cancelled.closed_at == clock.now()
    assert cancelled.acknowledged_at is None


def test_going_on_hold_records_the_reason_and_when(ctx: ServiceContext, clock: ManualClock) -> None:
    incident = _in_progress(ctx)
    clock.advance(timedelta(minutes=20))
    held = IncidentCommands(ctx).transition(
        incident.id, incident.version, Status.ON_HOLD, hold_reason=HoldReason.AWAITING_VENDOR
    )
    assert held.status is Status.ON_HOLD
    assert held.hold_reason is HoldReason.AWAITING_VENDOR
    assert held.on_hold_since == clock.now()
    assert IncidentReads(ctx).timeline(incident.id)[-1].summary == (
        "In progress → On hold (Awaiting vendor)"
    )


def test_on_hold_pauses_the_resolve_clock(ctx: ServiceContext, clock: ManualClock) -> None:
    commands = IncidentCommands(ctx)
    incident = _in_progress(ctx, impact=1, urgency=1)
    resolve_by = incident.resolve_by
    clock.advance(timedelta(hours=1))
    left_before = sla(IncidentReads(ctx).queue_rows()[0], clock.now()).left
    incident = commands.transition(
        incident.id, incident.version, Status.ON_HOLD, hold_reason=HoldReason.AWAITING_CALLER
    )
    clock.advance(timedelta(hours=2, minutes=30, seconds=15))
    row = IncidentReads(ctx).queue_rows()[0]
    assert sla(row, clock.now()).state is SlaState.PAUSED
    assert sla(row, clock.now()).left == left_before  # frozen while on hold
    resumed = commands.transition(incident.id, incident.version, Status.IN_PROGRESS)
    hold = timedelta(hours=2, minutes=30, seconds=15)
    assert resumed.resolve_by == resolve_by + hold
    assert resumed.respond_by == incident.respond_by
    assert resumed.on_hold_since is None
    assert resumed.hold_reason is None
    assert sla(IncidentReads(ctx).queue_rows()[0], clock.now()).left == left_before


def test_hold_time_accumulates_across_holds(ctx: ServiceContext, clock: ManualClock) -> None:
    commands = IncidentCommands(ctx)
    incident = _in_progress(ctx)
    first_due = incident.resolve_by
    for hold in (timedelta(minutes=40), timedelta(hours=3)):
        incident = commands.transition(
            incident.id, incident.version, Status.ON_HOLD, hold_reason=HoldReason.AWAITING_CHANGE
        )
        clock.advance(hold)
        incident = commands.transition(incident.id, incident.version, Status.IN_PROGRESS)
        clock.advance(timedelta(minutes=5))
    assert incident.resolve_by == first_due + timedelta(hours=3, minutes=40)


def test_resolving_from_hold_also_ends_the_pause(ctx: ServiceContext, clock: ManualClock) -> None:
    commands = IncidentCommands(ctx)
    incident = _in_progress(ctx)
    due = incident.resolve_by
    incident = commands.transition(
        incident.id, incident.version, Status.ON_HOLD, hold_reason=HoldReason.AWAITING_CALLER
    )
    clock.advance(timedelta(hours=1))
    resolved = commands.transition(
        incident.id, incident.version, Status.RESOLVED, resolution="Caller confirmed it works."
    )
    assert resolved.resolve_by == due + timedelta(hours=1)
    assert resolved.on_hold_since is None


def test_a_later_priority_change_keeps_the_time_spent_on_hold(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    commands = IncidentCommands(ctx)
    incident = _in_progress(ctx, impact=2, urgency=2)
    incident = commands.transition(
        incident.id, incident.version, Status.ON_HOLD, hold_reason=HoldReason.AWAITING_CALLER
    )
    clock.advance(timedelta(hours=2))
    incident = commands.transition(incident.id, incident.version, Status.IN_PROGRESS)
    raised = commands.edit(incident.id, incident.version, {"impact": 1, "urgency": 1})
    assert raised.resolve_by == raised.opened_at + timedelta(hours=4) + timedelta(hours=2)


def test_resolving_records_the_resolution_and_time(ctx: ServiceContext, clock: ManualClock) -> None:
    incident = _in_progress(ctx)
    clock.advance(timedelta(hours=2))
    resolved = IncidentCommands(ctx).transition(
        incident.id, incident.version, Status.RESOLVED, resolution="  Restarted the spooler. "
    )
    assert resolved.status is Status.RESOLVED
    assert resolved.resolved_at == clock.now()
    assert resolved.resolution == "Restarted the spooler."
    assert sla(IncidentReads(ctx).rows([incident.id])[0], clock.now()).state is SlaState.MET


def test_a_resolution_typed_earlier_is_enough_to_resolve(ctx: ServiceContext) -> None:
    commands = IncidentCommands(ctx)
    incident = _in_progress(ctx)
    incident = commands.edit(incident.id, incident.version, {"resolution": "Swapped the cable."})
    resolved = commands.transition(incident.id, incident.version, Status.RESOLVED)
    assert resolved.resolution == "Swapped the cable."


def test_resolving_without_a_resolution_is_refused(ctx: ServiceContext) -> None:
    incident = _in_progress(ctx)
    with pytest.raises(RuleViolation, match="Write a resolution"):
        IncidentCommands(ctx).transition(incident.id, incident.version, Status.RESOLVED)
    assert IncidentReads(ctx).detail(incident.id).status is Status.IN_PROGRESS


def test_going_on_hold_without_a_reason_is_refused(ctx: ServiceContext) -> None:
    incident = _in_progress(ctx)
    with pytest.raises(RuleViolation, match="Say why"):
        IncidentCommands(ctx).transition(incident.id, incident.version, Status.ON_HOLD)
    assert IncidentReads(ctx).detail(incident.id).on_hold_since is None


def test_reopening_a_resolved_incident_clears_its_resolution_time(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    incident = _resolved(ctx)
    clock.advance(timedelta(hours=1))
    reopened = IncidentCommands(ctx).transition(incident.id, incident.version, Status.IN_PROGRESS)
    assert reopened.status is Status.IN_PROGRESS
    assert reopened.resolved_at is None
    assert IncidentReads(ctx).timeline(incident.id)[-1].summary == "Resolved → In progress"


def test_closing_needs_a_supervisor(ctx: ServiceContext) -> None:
    agent = add_agent(ctx.db, "tom", "Tom Becker", Role.AGENT)
    incident = _resolved(ctx)
    with pytest.raises(PermissionDenied, match="Only a supervisor or above may close"):
        IncidentCommands(as_actor(ctx, agent)).transition(
            incident.id, incident.version, Status.CLOSED
        )
    assert IncidentReads(ctx).detail(incident.id).status is Status.RESOLVED


def test_a_supervisor_closes_a_resolved_incident(ctx: ServiceContext, clock: ManualClock) -> None:
    supervisor = add_agent(ctx.db, "sam", "Sam Okafor", Role.SUPERVISOR)
    incident = _resolved(ctx)
    clock.advance(timedelta(days=1))
    closed = IncidentCommands(as_actor(ctx, supervisor)).transition(
        incident.id, incident.version, Status.CLOSED
    )
    assert closed.status is Status.CLOSED
    assert closed.closed_at == clock.now()
    assert IncidentReads(ctx).timeline(incident.id)[-1].actor == "Sam Okafor"


def test_an_agent_may_resolve_and_reopen(ctx: ServiceContext) -> None:
    agent = add_agent(ctx.db, "tom", "Tom Becker", Role.AGENT)
    commands = IncidentCommands(as_actor(ctx, agent))
    incident = open_incident(ctx)
    incident = commands.transition(incident.id, incident.version, Status.IN_PROGRESS)
    incident = commands.transition(incident.id, incident.version, Status.RESOLVED, resolution="ok")
    incident = commands.transition(incident.id, incident.version, Status.IN_PROGRESS)
    assert incident.status is Status.IN_PROGRESS


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ((), Status.RESOLVED),
        ((), Status.ON_HOLD),
        ((), Status.CLOSED),
        ((), Status.NEW),
        ((Status.IN_PROGRESS,), Status.CLOSED),
        ((Status.IN_PROGRESS,), Status.NEW),
        ((Status.IN_PROGRESS,), Status.IN_PROGRESS),
        ((Status.IN_PROGRESS, Status.RESOLVED), Status.ON_HOLD),
        ((Status.IN_PROGRESS, Status.RESOLVED), Status.CANCELLED),
        ((Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED), Status.IN_PROGRESS),
        ((Status.CANCELLED,), Status.IN_PROGRESS),
    ],
    ids=lambda value: "-".join(s.value for s in value) if isinstance(value, tuple) else value,
)
def test_an_illegal_transition_is_refused_and_changes_nothing(
    ctx: ServiceContext, clock: ManualClock, path: tuple[Status, ...], target: Status
) -> None:
    commands = IncidentCommands(ctx)
    incident = open_incident(ctx)
    for step in path:
        incident = commands.transition(incident.id, incident.version, step, resolution="Fixed it.")
    before = IncidentReads(ctx).detail(incident.id)
    counts = _counts(ctx)
    clock.advance(timedelta(minutes=5))
    with pytest.raises(RuleViolation) as refused:
        commands.transition(
            incident.id,
            incident.version,
            target,
            hold_reason=HoldReason.AWAITING_CALLER,
            resolution="Fixed it.",
        )
    assert str(refused.value)
    assert IncidentReads(ctx).detail(incident.id) == before
    assert _counts(ctx) == counts
