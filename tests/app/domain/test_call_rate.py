"""Calls per quarter hour, aligned on the clock, quiet quarters included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.domain.call_rate import CallWindow, calls_per_window, window_start

NINE = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return NINE + timedelta(minutes=minutes)


def test_windows_start_on_the_quarter() -> None:
    assert window_start(at(14.99)) == NINE
    assert window_start(at(15)) == at(15)


def test_calls_are_counted_per_quarter_with_empty_quarters_kept() -> None:
    windows = calls_per_window([at(1), at(2), at(40), at(44)], since=at(5), now=at(50))
    assert windows == (
        CallWindow(at(0), 2),
        CallWindow(at(15), 0),
        CallWindow(at(30), 2),
        CallWindow(at(45), 0),
    )


def test_a_long_incident_shows_its_latest_windows() -> None:
    windows = calls_per_window([at(0), at(600)], since=at(0), now=at(600), max_windows=4)
    assert [w.start for w in windows] == [at(555), at(570), at(585), at(600)]
    assert [w.calls for w in windows] == [0, 0, 0, 1]


def test_no_calls_still_draws_the_time_axis() -> None:
    assert calls_per_window([], since=at(0), now=at(20)) == (
        CallWindow(at(0), 0),
        CallWindow(at(15), 0),
    )
