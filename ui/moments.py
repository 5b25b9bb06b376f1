"""Moments as the console shows them: in the workstation's time zone, with the year when it is
not this year's (imported history goes back years)."""

from __future__ import annotations

from datetime import datetime

from app.domain.clock import as_utc


def local_time(moment: datetime) -> datetime:
    return as_utc(moment).astimezone()


def day_and_time(moment: datetime, now: datetime) -> str:
    """'29 Feb 01:16' this year, '29 Feb 2016 01:16' in another."""
    local = local_time(moment)
    if local.year == local_time(now).year:
        return f"{local:%d %b %H:%M}"
    return f"{local:%d %b %Y %H:%M}"
