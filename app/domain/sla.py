"""SLA policies and clocks: when a response and a resolution are due, and how much time is left.

The resolve clock pauses while an incident is On hold: the time spent on hold is added to the
resolve due time when the hold ends, and while on hold the time left is frozen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NamedTuple, Protocol

from app.domain.priority import Priority

AT_RISK_FRACTION = 0.2  # amber when 20% or less of the budget is left


@dataclass(frozen=True)
class SlaPolicy:
    priority: Priority
    respond_within: timedelta
    resolve_within: timedelta
    update_every: timedelta | None


DEFAULT_POLICIES: dict[Priority, SlaPolicy] = {
    p.priority: p
    for p in (
        SlaPolicy(
            Priority.CRITICAL, timedelta(minutes=15), timedelta(hours=4), timedelta(minutes=30)
        ),
        SlaPolicy(Priority.HIGH, timedelta(minutes=30), timedelta(hours=8), timedelta(minutes=60)),
        SlaPolicy(Priority.MODERATE, timedelta(hours=4), timedelta(hours=24), None),
        SlaPolicy(Priority.LOW, timedelta(hours=8), timedelta(hours=72), None),
        SlaPolicy(Priority.PLANNING, timedelta(hours=24), timedelta(days=5), None),
    )
}


class SlaState(StrEnum):
    OK = "ok"
    AT_RISK = "at_risk"
    BREACHED = "breached"
    PAUSED = "paused"
    MET = "met"


class SlaTarget(StrEnum):
    RESPOND = "respond"
    RESOLVE = "resolve"


@dataclass(frozen=True)
class SlaDueTimes:
    respond_by: datetime
    resolve_by: datetime


def due_times(
    opened_at: datetime, policy: SlaPolicy, paused: timedelta = timedelta()
) -> SlaDueTimes:
    """Due times for an incident opened at `opened_at`, after `paused` time spent on hold."""
    return SlaDueTimes(
        respond_by=opened_at + policy.respond_within,
        resolve_by=opened_at + policy.resolve_within + paused,
    )


@dataclass(frozen=True)
class SlaClockInput:
    """What an SLA clock needs to know about one incident."""

    opened_at: datetime
    respond_by: datetime
    resolve_by: datetime
    acknowledged_at: datetime | None = None
    resolved_at: datetime | None = None
    on_hold_since: datetime | None = None


class SlaClock(Protocol):
    """What read_clock looks at: an SlaClockInput, or any incident row or detail with these."""

    @property
    def opened_at(self) -> datetime: ...
    @property
    def respond_by(self) -> datetime: ...
    @property
    def resolve_by(self) -> datetime: ...
    @property
    def acknowledged_at(self) -> datetime | None: ...
    @property
    def resolved_at(self) -> datetime | None: ...
    @property
    def on_hold_since(self) -> datetime | None: ...


class SlaReading(NamedTuple):
    """One reading of an incident's SLA clock at a given moment.

    A named tuple rather than a frozen dataclass (immutable all the same): the queue takes one
    reading per open incident, 25,000 at a time, and a tuple is made several times faster."""

    target: SlaTarget
    due: datetime
    left: timedelta  # negative once breached
    budget: timedelta
    state: SlaState

    @property
    def fraction_left(self) -> float:
        if self.budget <= timedelta():
            return 0.0
        return self.left / self.budget


def read_clock(clock: SlaClock, now: datetime) -> SlaReading:
    """The next due point (response until acknowledged, then resolution) and its state at `now`."""
    if clock.acknowledged_at is None and clock.resolved_at is None:
        return _reading(SlaTarget.RESPOND, clock.opened_at, clock.respond_by, now, stopped_at=None)
    if clock.resolved_at is not None:
        return _reading(
            SlaTarget.RESOLVE, clock.opened_at, clock.resolve_by, now, stopped_at=clock.resolved_at
        )
    if clock.on_hold_since is not None:
        left = clock.resolve_by - clock.on_hold_since
        budget = clock.resolve_by - clock.opened_at
        state = SlaState.BREACHED if left < timedelta() else SlaState.PAUSED
        return SlaReading(SlaTarget.RESOLVE, clock.resolve_by, left, budget, state)
    return _reading(SlaTarget.RESOLVE, clock.opened_at, clock.resolve_by, now, stopped_at=None)


def _reading(
    target: SlaTarget, start: datetime, due: datetime, now: datetime, stopped_at: datetime | None
) -> SlaReading:
    budget = due - start
    if stopped_at is not None:
        left = due - stopped_at
        state = SlaState.BREACHED if left < timedelta() else SlaState.MET
        return SlaReading(target, due, left, budget, state)
    left = due - now
    if left < timedelta():
        state = SlaState.BREACHED
    elif budget <= timedelta() or left / budget <= AT_RISK_FRACTION:
        state = SlaState.AT_RISK
    else:
        state = SlaState.OK
    return SlaReading(target, due, left, budget, state)


def resume_after_hold(resolve_by: datetime, on_hold_since: datetime, now: datetime) -> datetime:
    """The resolve due time once a hold that began at `on_hold_since` ends at `now`."""
    return resolve_by + max(now - on_hold_since, timedelta())
