"""Clocks: where "now" comes from. Rules take `now` as an argument; services ask a clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The wall clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to: for tests, demos and benchmarks."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start time")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment.astimezone(UTC)


def as_utc(moment: datetime) -> datetime:
    """Stored times come back naive from SQLite; they are UTC by construction."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


class CorrectedClock:
    """A workstation's clock corrected by its offset to the database server's clock.

    On a team database every stored time is the server's, so every console must read the same
    "now" whatever its own clock says: the offset (server minus this workstation) is measured
    when connecting and every few minutes (app/services/server_time) and added here. Before
    the first measurement, and on a local SQLite file, the offset is zero."""

    def __init__(self, local: Clock, offset: timedelta = timedelta()) -> None:
        self._local = local
        self._offset = offset

    @property
    def local(self) -> Clock:
        return self._local

    @property
    def offset(self) -> timedelta:
        return self._offset

    def correct(self, offset: timedelta) -> None:
        self._offset = offset  # one reference swap: safe to read from other threads

    def now(self) -> datetime:
        return self._local.now() + self._offset


# A workstation further off than this says so in the status bar (its times are corrected anyway).
SKEW_WORTH_SAYING = timedelta(seconds=30)


def skew_note(offset: timedelta) -> str:
    """What the status bar says about a workstation whose clock is `offset` behind the server's
    (negative: ahead of it); empty when it is close enough not to mention."""
    if abs(offset) <= SKEW_WORTH_SAYING:
        return ""
    direction = "slow" if offset > timedelta() else "fast"
    return (
        f"This computer's clock is {_amount(abs(offset))} {direction}; "
        "Calmdesk uses the server's time"
    )


def _amount(span: timedelta) -> str:
    seconds = round(span.total_seconds())
    if seconds < 90:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    if minutes < 90:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{round(hours / 24)} days"


# A change kept offline and sent later shows when it was made, once that reads differently
# from when the database recorded it.
MADE_EARLIER_BY = timedelta(minutes=1)


def made_offline_note(made_at: datetime | None, recorded_at: datetime) -> str:
    """' (made 09:02, sent when back online)' for a change made well before it was recorded;
    empty otherwise."""
    if made_at is None or abs(recorded_at - made_at) < MADE_EARLIER_BY:
        return ""
    return f" (made {made_at.astimezone().strftime('%H:%M')}, sent when back online)"
