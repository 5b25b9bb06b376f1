"""Status-update cadence: when the next update to users is due.

Silence is what users cannot bear, so a major incident always has a cadence, even at a priority
whose policy has none.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from app.domain.sla import SlaPolicy

MAJOR_INCIDENT_FALLBACK_CADENCE = timedelta(minutes=60)
DUE_SOON = timedelta(minutes=5)


def update_interval(policy: SlaPolicy, *, major: bool) -> timedelta | None:
    """How often updates go out for an incident under `policy`; None when none are expected."""
    if policy.update_every is not None:
        return policy.update_every
    return MAJOR_INCIDENT_FALLBACK_CADENCE if major else None


def next_update_due(policy: SlaPolicy, *, major: bool, last_update_at: datetime) -> datetime | None:
    """When the next update is due, after one went out (or the cadence began) at that time."""
    interval = update_interval(policy, major=major)
    return None if interval is None else last_update_at + interval


def time_to_next_update(due: datetime, now: datetime) -> timedelta:
    """Negative once the update is overdue."""
    return due - now


def format_countdown(left: timedelta) -> str:
    """'12:30' while time is left, '1:02:05' past an hour, '-03:10' once overdue."""
    seconds = int(left.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes:02d}:{secs:02d}"
