"""Holding the resolve clock: while an incident is On hold its resolution is not due; when the
hold ends, the due time moves on by the time held and that time is counted as paused.

The one place this arithmetic lives: every status move that starts or ends a hold (the editor,
bulk moves, resolving a major incident and its children) goes through `start_hold` and
`end_hold`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from app.domain.sla import resume_after_hold


@dataclass(frozen=True)
class ResolveClock:
    """The parts of an incident that a hold changes."""

    resolve_by: datetime
    paused_seconds: int = 0
    on_hold_since: datetime | None = None

    @property
    def on_hold(self) -> bool:
        return self.on_hold_since is not None


def start_hold(clock: ResolveClock, now: datetime) -> ResolveClock:
    """The clock once a hold begins `now`; a clock already held keeps its start."""
    if clock.on_hold:
        return clock
    return replace(clock, on_hold_since=now)


def end_hold(clock: ResolveClock, now: datetime) -> ResolveClock:
    """The clock once its hold ends `now`: due later by the time held, that time added to the
    paused seconds, and no longer held. A clock not held is returned as it is; a hold that
    seems to end before it began (clocks of two machines disagreeing) counts as no time."""
    if clock.on_hold_since is None:
        return clock
    held = max(now - clock.on_hold_since, timedelta())
    return ResolveClock(
        resolve_by=resume_after_hold(clock.resolve_by, clock.on_hold_since, now),
        paused_seconds=clock.paused_seconds + int(held.total_seconds()),
        on_hold_since=None,
    )
