"""Clocks: a workstation's clock corrected to the server's, what the status bar says about a
clock that is off, and when a change made offline shows the moment it was made."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.clock import CorrectedClock, ManualClock, made_offline_note, skew_note

NINE = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_a_corrected_clock_reads_the_local_clock_plus_the_measured_offset() -> None:
    local = ManualClock(NINE)
    clock = CorrectedClock(local)
    assert clock.now() == NINE  # before any measurement
    clock.correct(timedelta(minutes=-10))  # this workstation is ten minutes fast
    local.advance(timedelta(seconds=5))
    assert clock.now() == NINE + timedelta(seconds=5) - timedelta(minutes=10)
    assert clock.local is local
    assert clock.offset == timedelta(minutes=-10)


SAYS = "This computer's clock is {}; Calmdesk uses the server's time"


@pytest.mark.parametrize(
    ("offset", "note"),
    [
        (timedelta(0), ""),
        (timedelta(seconds=30), ""),
        (timedelta(seconds=-29), ""),
        (timedelta(seconds=31), SAYS.format("31 s slow")),
        (timedelta(minutes=-10), SAYS.format("10 min fast")),
        (timedelta(hours=3, minutes=5), SAYS.format("3 h 5 min slow")),
        (timedelta(days=-400), SAYS.format("400 days fast")),
    ],
)
def test_the_status_bar_mentions_a_clock_only_when_it_is_more_than_30_seconds_off(
    offset: timedelta, note: str
) -> None:
    assert skew_note(offset) == note


def test_a_change_made_offline_shows_when_it_was_made_once_that_reads_differently() -> None:
    made = NINE
    local = made.astimezone().strftime("%H:%M")
    assert made_offline_note(None, NINE) == ""
    assert made_offline_note(made, made + timedelta(seconds=59)) == ""
    assert made_offline_note(made, made + timedelta(minutes=12)) == (
        f" (made {local}, sent when back online)"
    )
