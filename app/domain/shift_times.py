"""Shift changes: the times of day a handover report is due, as the team configures them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta

from app.domain.errors import CalmdeskError


class ShiftTimesError(CalmdeskError):
    """A shift time that cannot be read; the message says which and how to write it."""


def parse_shift_times(values: Iterable[object], source: str) -> tuple[time, ...]:
    """ "07:00", "15:00"... into times of day, sorted, each once."""
    found: set[time] = set()
    for value in values:
        if not isinstance(value, str):
            raise ShiftTimesError(f'{source}: write each shift change as "HH:MM", like "07:00".')
        try:
            moment = datetime.strptime(value.strip(), "%H:%M").time()
        except ValueError:
            raise ShiftTimesError(
                f'{source}: {value!r} is not a time of day; write it as "HH:MM", like "15:00".'
            ) from None
        found.add(moment)
    return tuple(sorted(found))


def shift_change_passed(times: Iterable[time], after: datetime, until: datetime) -> datetime | None:
    """The latest shift change in (after, until], in the zone of `after` (local time), if any."""
    latest: datetime | None = None
    day = after.date()
    while day <= until.date():
        for moment in times:
            at = datetime.combine(day, moment, tzinfo=after.tzinfo)
            if after < at <= until and (latest is None or at > latest):
                latest = at
        day += timedelta(days=1)
    return latest
