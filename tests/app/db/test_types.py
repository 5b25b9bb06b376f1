"""UtcDateTime: times go in timezone-aware and come back as aware UTC, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import StatementError

from app.db.engine import Database, open_database
from app.db.migrate import upgrade
from app.db.models import ChangeLogEntry
from app.db.types import UtcDateTime

PARIS_WINTER = timezone(timedelta(hours=1))


def _log(at: datetime) -> ChangeLogEntry:
    return ChangeLogEntry(at=at, entity="teams", entity_id=1, action="insert")


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()])
def test_naive_datetimes_are_refused_before_they_reach_the_database(dialect: Dialect) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        UtcDateTime().process_bind_param(datetime(2026, 1, 5, 9, 0), dialect)


def test_writing_a_naive_datetime_fails_and_stores_nothing(db: Database) -> None:

    def write_naive() -> None:
        with db.write() as session:
            session.add(_log(datetime(2026, 1, 5, 9, 0)))
            session.flush()

    with pytest.raises(StatementError, match="timezone-aware"):
        write_naive()
    with db.read() as session:
        assert session.scalars(select(ChangeLogEntry)).all() == []


def test_times_come_back_as_aware_utc(db: Database) -> None:
    local = datetime(2026, 1, 5, 10, 30, tzinfo=PARIS_WINTER)
    with db.write() as session:
        session.add(_log(local))
    with db.read() as session:
        stored = session.scalars(select(ChangeLogEntry.at)).one()
    assert stored.tzinfo == UTC
    assert stored == local
    assert (stored.hour, stored.minute) == (9, 30)


def test_sqlite_keeps_the_utc_wall_time_in_the_file(sqlite_url: str) -> None:
    db = open_database(sqlite_url)
    try:
        upgrade(db)
        with db.write() as session:
            session.add(_log(datetime(2026, 1, 5, 10, 30, tzinfo=PARIS_WINTER)))
        with db.read() as session:
            raw = session.execute(text("SELECT at FROM change_log")).scalar_one()
    finally:
        db.dispose()
    assert raw.startswith("2026-01-05 09:30:00")


def test_none_stays_none() -> None:
    column = UtcDateTime()
    assert column.process_bind_param(None, sqlite.dialect()) is None
    assert column.process_result_value(None, sqlite.dialect()) is None
