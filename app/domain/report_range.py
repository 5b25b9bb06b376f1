"""The days a supervisor report covers when none are chosen: the 30 UTC days that end today,
the same for `calmdesk report` and the console's reports window."""

from __future__ import annotations

from datetime import date, timedelta

DEFAULT_DAYS = 30


def default_range(today: date) -> tuple[date, date]:
    """(first day, last day), both included."""
    return today - timedelta(days=DEFAULT_DAYS - 1), today
