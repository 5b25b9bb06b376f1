"""The first page's bound parameters (triage_page.py): their names and values. Free of
SQLAlchemy, so the console's first screen binds the same values to the same statement kept as
text (app/services/first_screen)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

NOW = "now_micros"  # the moment the SLA time left is counted at, in microseconds since 1970
RESOLVED_SINCE = "resolved_since"  # incidents resolved since then are in the queue too
LIMIT = "page_limit"  # the page's size

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def micros(moment: datetime) -> int:
    """An aware datetime as whole microseconds since 1970, exactly."""
    return (moment - _EPOCH) // _MICROSECOND


def first_page_params(
    now: datetime, resolved_since: datetime | None, limit: int
) -> dict[str, object]:
    """The values of the first page's bound parameters."""
    return {NOW: micros(now), RESOLVED_SINCE: resolved_since, LIMIT: limit}
