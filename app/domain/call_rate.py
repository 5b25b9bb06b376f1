"""Calls per quarter of an hour: how the phones are behaving during an incident."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

WINDOW = timedelta(minutes=15)
MAX_WINDOWS = 24  # six hours; a longer incident shows its latest six


@dataclass(frozen=True, slots=True)
class CallWindow:
    start: datetime
    calls: int


def window_start(moment: datetime, width: timedelta = WINDOW) -> datetime:
    """The start of the window holding `moment`, aligned on the clock (09:00, 09:15...)."""
    moment = moment.astimezone(UTC)
    midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight + ((moment - midnight) // width) * width


def calls_per_window(
    times: Iterable[datetime],
    since: datetime,
    now: datetime,
    width: timedelta = WINDOW,
    max_windows: int = MAX_WINDOWS,
) -> tuple[CallWindow, ...]:
    """One window for every quarter from `since` (or the first call, if earlier) up to `now`,
    including the empty ones, so a chart shows quiet spells as well as spikes."""
    moments = [t.astimezone(UTC) for t in times]
    first = min([since.astimezone(UTC), *moments])
    last = max([now.astimezone(UTC), *moments])
    start = window_start(first, width)
    end = window_start(last, width)
    count = int((end - start) / width) + 1
    if count > max_windows:
        start = end - (max_windows - 1) * width
        count = max_windows
    tallies = [0] * count
    for moment in moments:
        slot = int((window_start(moment, width) - start) / width)
        if 0 <= slot < count:
            tallies[slot] += 1
    return tuple(CallWindow(start + n * width, tallies[n]) for n in range(count))
