"""SLA clocks: due times per policy, which target is running, at risk and breached, and the pause
while an incident is on hold. Time only moves when the test moves the ManualClock."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from app.domain.clock import ManualClock
from app.domain.priority import Priority
from app.domain.sla import (
    DEFAULT_POLICIES,
    SlaClockInput,
    SlaState,
    SlaTarget,
    due_times,
    read_clock,
    resume_after_hold,
)

OPENED = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

# DESIGN.md's defaults: time to respond, time to resolve.
DESIGN_TARGETS = [
    (Priority.CRITICAL, timedelta(minutes=15), timedelta(hours=4)),
    (Priority.HIGH, timedelta(minutes=30), timedelta(hours=8)),
    (Priority.MODERATE, timedelta(hours=4), timedelta(hours=24)),
    (Priority.LOW, timedelta(hours=8), timedelta(hours=72)),
    (Priority.PLANNING, timedelta(hours=24), timedelta(days=5)),
]


def _p1_clock(**changes: datetime | None) -> SlaClockInput:
    """A P1 opened at OPENED, with the given moments filled in."""
    due = due_times(OPENED, DEFAULT_POLICIES[Priority.CRITICAL])
    base = SlaClockInput(opened_at=OPENED, respond_by=due.respond_by, resolve_by=due.resolve_by)
    return replace(base, **changes)


@pytest.mark.parametrize(("priority", "respond", "resolve"), DESIGN_TARGETS)
def test_default_policy_sets_the_design_due_times(
    priority: Priority, respond: timedelta, resolve: timedelta
) -> None:
    due = due_times(OPENED, DEFAULT_POLICIES[priority])
    assert due.respond_by == OPENED + respond
    assert due.resolve_by == OPENED + resolve


def test_every_priority_has_a_default_policy() -> None:
    assert set(DEFAULT_POLICIES) == set(Priority)
    assert all(policy.priority is p for p, policy in DEFAULT_POLICIES.items())


def test_time_already_spent_on_hold_pushes_only_the_resolve_due_time() -> None:
    policy = DEFAULT_POLICIES[Priority.HIGH]
    due = due_times(OPENED, policy, paused=timedelta(minutes=45))
    assert due.respond_by == OPENED + timedelta(minutes=30)
    assert due.resolve_by == OPENED + timedelta(hours=8, minutes=45)


def test_response_target_runs_until_the_incident_is_acknowledged() -> None:
    clock = ManualClock(OPENED)
    clock.advance(timedelta(minutes=5))
    reading = read_clock(_p1_clock(), clock.now())
    assert reading.target is SlaTarget.RESPOND
    assert reading.due == OPENED + timedelta(minutes=15)
    assert reading.left == timedelta(minutes=10)
    assert reading.budget == timedelta(minutes=15)
    assert reading.state is SlaState.OK


def test_resolve_target_runs_once_acknowledged() -> None:
    clock = ManualClock(OPENED)
    acknowledged = clock.advance(timedelta(minutes=5))
    clock.advance(timedelta(hours=1))
    reading = read_clock(_p1_clock(acknowledged_at=acknowledged), clock.now())
    assert reading.target is SlaTarget.RESOLVE
    assert reading.due == OPENED + timedelta(hours=4)
    assert reading.left == timedelta(hours=2, minutes=55)
    assert reading.state is SlaState.OK


@pytest.mark.parametrize(
    ("elapsed", "state"),
    [
        (timedelta(minutes=0), SlaState.OK),
        (timedelta(minutes=11, seconds=59), SlaState.OK),
        (timedelta(minutes=12), SlaState.AT_RISK),  # exactly 20% of 15 minutes left
        (timedelta(minutes=14, seconds=59), SlaState.AT_RISK),
        (timedelta(minutes=15), SlaState.AT_RISK),  # due now, not yet past
        (timedelta(minutes=15, seconds=1), SlaState.BREACHED),
        (timedelta(hours=3), SlaState.BREACHED),
    ],
)
def test_response_clock_goes_at_risk_at_twenty_percent_and_breaches_when_past(
    elapsed: timedelta, state: SlaState
) -> None:
    clock = ManualClock(OPENED)
    clock.advance(elapsed)
    assert read_clock(_p1_clock(), clock.now()).state is state


def test_resolve_clock_moves_from_ok_to_at_risk_to_breached_as_time_passes() -> None:
    clock = ManualClock(OPENED)
    incident = _p1_clock(acknowledged_at=clock.advance(timedelta(minutes=2)))
    clock.set(OPENED + timedelta(hours=3, minutes=11))
    assert read_clock(incident, clock.now()).state is SlaState.OK
    clock.advance(timedelta(minutes=1))  # 48 of 240 minutes left: 20%
    assert read_clock(incident, clock.now()).state is SlaState.AT_RISK
    clock.set(OPENED + timedelta(hours=4, seconds=1))
    reading = read_clock(incident, clock.now())
    assert reading.state is SlaState.BREACHED
    assert reading.left == timedelta(seconds=-1)
    assert reading.fraction_left < 0


def test_resolved_in_time_is_met_and_stops_the_clock() -> None:
    clock = ManualClock(OPENED)
    incident = _p1_clock(
        acknowledged_at=OPENED + timedelta(minutes=3),
        resolved_at=OPENED + timedelta(hours=1),
    )
    clock.advance(timedelta(days=3))
    reading = read_clock(incident, clock.now())
    assert reading.target is SlaTarget.RESOLVE
    assert reading.state is SlaState.MET
    assert reading.left == timedelta(hours=3)


def test_resolved_late_stays_breached() -> None:
    incident = _p1_clock(
        acknowledged_at=OPENED + timedelta(minutes=3),
        resolved_at=OPENED + timedelta(hours=5),
    )
    reading = read_clock(incident, OPENED + timedelta(days=1))
    assert reading.state is SlaState.BREACHED
    assert reading.left == timedelta(hours=-1)


def test_on_hold_freezes_the_time_left() -> None:
    clock = ManualClock(OPENED)
    acknowledged = clock.advance(timedelta(minutes=5))
    hold_began = clock.advance(timedelta(hours=1))
    incident = _p1_clock(acknowledged_at=acknowledged, on_hold_since=hold_began)
    first = read_clock(incident, clock.advance(timedelta(minutes=10)))
    later = read_clock(incident, clock.advance(timedelta(hours=6)))  # long past the due time
    assert first.state is SlaState.PAUSED
    assert later.state is SlaState.PAUSED
    assert first.left == later.left == timedelta(hours=2, minutes=55)


def test_on_hold_after_the_due_time_stays_breached() -> None:
    incident = _p1_clock(
        acknowledged_at=OPENED + timedelta(minutes=1),
        on_hold_since=OPENED + timedelta(hours=5),
    )
    reading = read_clock(incident, OPENED + timedelta(hours=6))
    assert reading.state is SlaState.BREACHED
    assert reading.left == timedelta(hours=-1)


def test_ending_a_hold_pushes_the_resolve_due_time_by_the_hold_duration() -> None:
    clock = ManualClock(OPENED)
    acknowledged = clock.advance(timedelta(minutes=5))
    hold_began = clock.advance(timedelta(hours=1))
    before = read_clock(_p1_clock(acknowledged_at=acknowledged), clock.now())
    hold_ended = clock.advance(timedelta(hours=2, minutes=30))
    resolve_by = resume_after_hold(before.due, hold_began, hold_ended)
    assert resolve_by == before.due + timedelta(hours=2, minutes=30)
    after = read_clock(_p1_clock(acknowledged_at=acknowledged, resolve_by=resolve_by), clock.now())
    # The clock carries on from where it stopped: no time was lost or gained on hold.
    assert after.left == before.left
    assert after.state is SlaState.OK


def test_a_hold_that_ends_before_it_began_adds_nothing() -> None:
    due = OPENED + timedelta(hours=4)
    assert resume_after_hold(due, OPENED + timedelta(hours=1), OPENED) == due


def test_a_zero_budget_reads_as_no_fraction_left() -> None:
    incident = SlaClockInput(opened_at=OPENED, respond_by=OPENED, resolve_by=OPENED)
    reading = read_clock(incident, OPENED)
    assert reading.fraction_left == 0.0
    assert reading.state is SlaState.AT_RISK
