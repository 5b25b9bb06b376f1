"""What the queue holds and reads first: every open incident and those resolved since yesterday's
local midnight, the first FIRST_PAGE_ROWS of them in triage order read first. Shared by the
queue's controller and the console's first screen (ui/console.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

# The first load reads this many rows in triage order first (more than any screen shows), paints
# them, then reads the whole queue; a queue this short or shorter is read once.
FIRST_PAGE_ROWS = 300


def local_midnight_utc(now: datetime) -> datetime:
    local = now.astimezone()
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(now.tzinfo)


def resolved_since(now: datetime) -> datetime:
    """Incidents resolved since then are still in the queue ("Resolved today" and yesterday's)."""
    return local_midnight_utc(now) - timedelta(days=1)
