"""Keeping a console's clock on the database server's time.

`ClockSync.sync()` measures the offset (app/db/server_time.py) and corrects the context's clock
(a CorrectedClock) by it. The console calls it when it connects and every SYNC_EVERY after; the
reading says, calmly, when this workstation's own clock is far off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from app.db.engine import Database
from app.db.server_time import measure_offset
from app.domain.clock import Clock, CorrectedClock, skew_note

SYNC_EVERY = timedelta(minutes=5)


@dataclass(frozen=True)
class ClockReading:
    offset: timedelta | None  # the server's time minus this workstation's; None: no server clock
    note: str  # for the status bar; empty when the workstation's clock is close enough


class ClockSync:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        # Only a corrected clock can be put right; any other (a test's manual clock) is left as is.
        self._clock = clock if isinstance(clock, CorrectedClock) else None

    def sync(self) -> ClockReading:
        """Measure and correct. Raises DatabaseUnavailable when the server cannot be reached."""
        if self._clock is None:
            return ClockReading(None, "")
        measured = measure_offset(self._db, self._clock.local)
        if measured is None:
            return ClockReading(None, "")
        self._clock.correct(measured.offset)
        return ClockReading(measured.offset, skew_note(measured.offset))
