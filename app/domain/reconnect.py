"""When to try the database again after it stopped answering: soon at first, then less often,
so forty workstations do not hammer a server that is coming back up."""

from __future__ import annotations

from datetime import timedelta

FIRST_DELAY_SECONDS = 2.0
LONGEST_DELAY_SECONDS = 30.0
JITTER = 0.2  # up to 20% more, so workstations cut at the same moment spread their retries


def reconnect_delay(attempt: int, spread: float = 0.0) -> timedelta:
    """The wait before try number `attempt` (0 for the first), doubling up to the longest.
    `spread` in [0, 1) comes from the caller's random source (0 in tests)."""
    if attempt < 0:
        raise ValueError("attempt counts from 0")
    if not 0.0 <= spread < 1.0:
        raise ValueError("spread is in [0, 1)")
    base = min(FIRST_DELAY_SECONDS * 2 ** min(attempt, 16), LONGEST_DELAY_SECONDS)
    return timedelta(seconds=base * (1 + JITTER * spread))
