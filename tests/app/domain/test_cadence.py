"""The status-update cadence: how often users hear from us, and the countdown to the next update."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.cadence import (
    MAJOR_INCIDENT_FALLBACK_CADENCE,
    format_countdown,
    next_update_due,
    time_to_next_update,
    update_interval,
)
from app.domain.clock import ManualClock
from app.domain.priority import Priority
from app.domain.sla import DEFAULT_POLICIES

POSTED = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("priority", "major", "interval"),
    [
        (Priority.CRITICAL, False, timedelta(minutes=30)),
        (Priority.CRITICAL, True, timedelta(minutes=30)),
        (Priority.HIGH, False, timedelta(minutes=60)),
        (Priority.HIGH, True, timedelta(minutes=60)),
        (Priority.MODERATE, False, None),
        (Priority.MODERATE, True, timedelta(minutes=60)),
        (Priority.LOW, False, None),
        (Priority.LOW, True, timedelta(minutes=60)),
        (Priority.PLANNING, False, None),
        (Priority.PLANNING, True, timedelta(minutes=60)),
    ],
)
def test_update_interval_follows_the_policy_and_never_leaves_a_major_incident_silent(
    priority: Priority, major: bool, interval: timedelta | None
) -> None:
    assert update_interval(DEFAULT_POLICIES[priority], major=major) == interval


def test_major_incident_fallback_is_an_hour() -> None:
    assert timedelta(hours=1) == MAJOR_INCIDENT_FALLBACK_CADENCE


def test_next_update_is_due_one_interval_after_the_last() -> None:
    policy = DEFAULT_POLICIES[Priority.CRITICAL]
    assert next_update_due(policy, major=True, last_update_at=POSTED) == POSTED + timedelta(
        minutes=30
    )


def test_no_update_is_due_for_an_ordinary_p3() -> None:
    policy = DEFAULT_POLICIES[Priority.MODERATE]
    assert next_update_due(policy, major=False, last_update_at=POSTED) is None


def test_countdown_goes_negative_once_the_update_is_overdue() -> None:
    clock = ManualClock(POSTED)
    due = POSTED + timedelta(minutes=30)
    assert time_to_next_update(due, clock.advance(timedelta(minutes=20))) == timedelta(minutes=10)
    assert time_to_next_update(due, clock.advance(timedelta(minutes=15))) == timedelta(minutes=-5)


@pytest.mark.parametrize(
    ("left", "shown"),
    [
        (timedelta(minutes=12, seconds=30), "12:30"),
        (timedelta(0), "00:00"),
        (timedelta(seconds=59), "00:59"),
        (timedelta(minutes=59, seconds=59), "59:59"),
        (timedelta(hours=1), "1:00:00"),
        (timedelta(hours=1, minutes=2, seconds=5), "1:02:05"),
        (timedelta(hours=26, minutes=3), "26:03:00"),
        (timedelta(minutes=-3, seconds=-10), "-03:10"),
        (timedelta(hours=-1, seconds=-1), "-1:00:01"),
        (timedelta(seconds=12.9), "00:12"),
    ],
)
def test_format_countdown(left: timedelta, shown: str) -> None:
    assert format_countdown(left) == shown
