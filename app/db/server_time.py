"""How far this workstation's clock is from the database server's: one measurement.

The server is asked for its clock (clock_timestamp(), the time of the statement itself, not of
the transaction) a few times on one connection. Each answer was read somewhere within the round
trip, taken here as its middle; the answer with the shortest round trip is the most precise.
SQLite has no clock of its own: a local file keeps the workstation's time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import text

from app.db.engine import Database, translate_errors
from app.domain.clock import Clock, as_utc

SAMPLES = 3


@dataclass(frozen=True)
class ClockOffset:
    offset: timedelta  # the server's time minus this workstation's
    round_trip: timedelta  # of the sample used: the measurement is good to half of it


def measure_offset(db: Database, local: Clock, samples: int = SAMPLES) -> ClockOffset | None:
    """The offset of the server's clock from `local`; None for a database without a clock."""
    if db.backend != "postgresql":
        return None
    best: ClockOffset | None = None
    with translate_errors(db.engine.url), db.engine.connect() as connection:
        for _ in range(samples):
            sent = local.now()
            answer = connection.execute(text("SELECT clock_timestamp()")).scalar_one()
            received = local.now()
            assert isinstance(answer, datetime)
            trip = received - sent
            sample = ClockOffset(as_utc(answer) - (sent + trip / 2), trip)
            if best is None or sample.round_trip < best.round_trip:
                best = sample
    return best
