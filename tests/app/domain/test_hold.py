"""Holding the resolve clock: a hold begins, ends, and moves the due time by the time held."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.domain.clock import ManualClock
from app.domain.hold import ResolveClock, end_hold, start_hold
from app.domain.sla import SlaClockInput, SlaState, read_clock

OPENED = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
DUE = OPENED + timedelta(hours=4)


def test_a_hold_starts_now_and_a_second_start_keeps_the_first() -> None:
    clock = ManualClock(OPENED + timedelta(minutes=20))
    held = start_hold(ResolveClock(DUE), clock.now())
    assert held == ResolveClock(DUE, 0, OPENED + timedelta(minutes=20))
    assert held.on_hold
    clock.advance(timedelta(minutes=5))
    assert start_hold(held, clock.now()) == held


def test_ending_a_hold_moves_the_due_time_and_counts_the_time_held() -> None:
    clock = ManualClock(OPENED + timedelta(hours=1))
    held = start_hold(ResolveClock(DUE, paused_seconds=600), clock.now())
    clock.advance(timedelta(hours=2, minutes=30))
    ended = end_hold(held, clock.now())
    assert ended.resolve_by == DUE + timedelta(hours=2, minutes=30)
    assert ended.paused_seconds == 600 + 2 * 3600 + 30 * 60
    assert not ended.on_hold


def test_the_time_left_is_the_same_before_and_after_a_hold() -> None:
    clock = ManualClock(OPENED + timedelta(hours=1))
    acknowledged = OPENED + timedelta(minutes=5)
    held = start_hold(ResolveClock(DUE), clock.now())
    before = read_clock(
        SlaClockInput(OPENED, OPENED, DUE, acknowledged, on_hold_since=held.on_hold_since),
        clock.now(),
    )
    clock.advance(timedelta(hours=6))  # longer than the whole budget: paused, not breached
    ended = end_hold(held, clock.now())
    after = read_clock(SlaClockInput(OPENED, OPENED, ended.resolve_by, acknowledged), clock.now())
    assert before.state is SlaState.PAUSED
    assert after.left == before.left == timedelta(hours=3)
    assert after.state is SlaState.OK


def test_ending_a_clock_that_is_not_held_changes_nothing() -> None:
    clock = ResolveClock(DUE, paused_seconds=90)
    assert end_hold(clock, OPENED + timedelta(hours=3)) == clock


def test_a_hold_that_ends_before_it_began_counts_no_time() -> None:
    held = ResolveClock(DUE, 0, OPENED + timedelta(hours=1))
    ended = end_hold(held, OPENED)  # another machine's clock is behind
    assert ended == ResolveClock(DUE, 0, None)
