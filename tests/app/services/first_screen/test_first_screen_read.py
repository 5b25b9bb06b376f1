"""The first screen read with the sqlite3 driver alone gives exactly what the full read gives, and
declines (None) whenever only the full start can answer."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.db.engine import Database, open_database
from app.db.location import sqlite_path
from app.db.migrate import upgrade
from app.db.models import Incident
from app.db.utc_text import from_utc_text, utc_text
from app.domain.alerts import AlertMapping, AlertNotice, AlertStatus
from app.domain.clock import ManualClock
from app.domain.roles import Role
from app.services.admin.local_file_recovery import sqlite_file
from app.services.context import ServiceContext
from app.services.directory.reads import sign_in
from app.services.first_screen import statements
from app.services.first_screen.compile_sql import compiled_statements
from app.services.first_screen.read import FirstScreen, read_first_screen
from app.services.incidents.reads import IncidentReads
from app.services.intake.commands import AlertIntake, monitoring_actor
from tests.app.services.incidents.test_triage_page import _awkward_queue
from tests.migrated_sqlite import start_from_migrated


@pytest.fixture
def file_db(sqlite_url: str, request: pytest.FixtureRequest) -> Iterator[Database]:
    start_from_migrated(sqlite_url, request)
    database = open_database(sqlite_url)
    upgrade(database)
    yield database
    database.dispose()


@pytest.fixture
def file_ctx(file_db: Database, clock: ManualClock) -> ServiceContext:
    return ServiceContext(file_db, clock, sign_in(file_db, "admin.alice", "Alice Admin"))


def _first_screen(
    url: str, clock: ManualClock, limit: int, login: str = "admin.alice"
) -> FirstScreen | None:
    since = clock.now() - timedelta(days=1)
    return read_first_screen(url, clock.now(), since, limit, login)


def test_it_reads_the_rows_the_full_read_gives_in_triage_order(
    sqlite_url: str, file_ctx: ServiceContext, clock: ManualClock
) -> None:
    clock.advance(timedelta(microseconds=123_457))  # a now that is not a round second
    since = clock.now() - timedelta(days=1)
    _awkward_queue(file_ctx, since)
    intake = AlertIntake(
        ServiceContext(file_ctx.db, clock, monitoring_actor(file_ctx.db)),
        AlertMapping(reopen_window=timedelta(minutes=30), flap_changes=4),
    )
    intake.receive(AlertNotice("generic", "QueueDepth", AlertStatus.FIRING, {"svc": "Email"}, 1))
    reads = IncidentReads(file_ctx)
    whole = reads.first_page(1000, resolved_since=since)
    for limit in (37, 1000):
        screen = _first_screen(sqlite_url, clock, limit)
        assert screen is not None
        assert screen.rows == whole[:limit]  # every field, the datetimes to the microsecond
        assert screen.whole_queue == (limit == 1000)
    marked = [row for row in whole if row.alert is not None]
    assert [row.alert.name for row in marked] == ["QueueDepth"]  # the alert came through too
    assert screen.actor == file_ctx.actor


def test_it_names_the_agent_as_signing_in_does(
    sqlite_url: str, file_ctx: ServiceContext, clock: ManualClock
) -> None:
    screen = _first_screen(sqlite_url, clock, 300, login="  Admin.Alice ")
    assert screen is not None
    assert (screen.actor.login, screen.actor.name, screen.actor.role) == (
        "admin.alice",
        "Alice Admin",
        Role.ADMIN,
    )
    assert screen.rows == []


def test_it_declines_a_first_sign_in_which_the_full_start_makes(
    sqlite_url: str, file_ctx: ServiceContext, clock: ManualClock
) -> None:
    assert _first_screen(sqlite_url, clock, 300, login="new.person") is None
    assert _first_screen(sqlite_url, clock, 300, login="   ") is None


def test_it_declines_a_schema_that_is_not_this_versions(
    sqlite_url: str, file_ctx: ServiceContext, clock: ManualClock
) -> None:
    with file_ctx.db.write() as session:
        session.execute(text("UPDATE alembic_version SET version_num = '0013'"))
    assert _first_screen(sqlite_url, clock, 300) is None


def test_it_declines_a_file_that_is_missing_damaged_or_not_a_database(
    tmp_path: Path, clock: ManualClock
) -> None:
    missing = tmp_path / "missing.sqlite3"
    assert _first_screen(f"sqlite:///{missing}", clock, 300) is None
    assert not missing.exists()  # and it made none: creating one is the full start's
    notes = tmp_path / "notes.sqlite3"
    notes.write_text("not a database at all, but long enough to fill a header " * 4)
    assert _first_screen(f"sqlite:///{notes}", clock, 300) is None
    empty_db = tmp_path / "other.sqlite3"  # a SQLite file, but not Calmdesk's
    with closing(sqlite3.connect(empty_db)) as other:
        other.execute("CREATE TABLE t (x)")
        other.commit()
    assert _first_screen(f"sqlite:///{empty_db}", clock, 300) is None


def test_it_declines_what_is_not_a_plain_local_file(clock: ManualClock) -> None:
    for url in (
        "postgresql+psycopg://agent@db.example/calmdesk",
        "sqlite://",
        "sqlite:///:memory:",
        "sqlite:////tmp/calmdesk.sqlite3?mode=ro",
        "not a url",
    ):
        assert _first_screen(url, clock, 300) is None


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///relative/calmdesk.sqlite3",
        "sqlite:////tmp/with space/calmdesk.sqlite3",
        "sqlite:////tmp/percent%20encoded.sqlite3",
        "sqlite:///~/calmdesk.sqlite3",
        "sqlite+pysqlite:////srv/desk.db",
        "sqlite:///C:\\Users\\sam\\calmdesk.sqlite3",
    ],
)
def test_its_file_is_the_one_sqlalchemy_opens(url: str) -> None:
    assert sqlite_path(url) == sqlite_file(url)


def test_the_statements_kept_as_text_are_the_queues_own() -> None:
    """statements.py is generated (compile_sql.py): after a change to the queue's statements or
    a new migration, this fails until `python -m app.services.first_screen.compile_sql` runs."""
    assert {
        name: getattr(statements, name) for name in compiled_statements()
    } == compiled_statements()


def test_moments_are_stored_and_read_as_sqlalchemy_does(file_ctx: ServiceContext) -> None:
    moment = datetime(2026, 12, 3, 9, 5, 7, 123, tzinfo=UTC)
    with file_ctx.db.write() as session:
        incident = Incident(
            number="INC1",
            title="t",
            impact=1,
            urgency=1,
            priority=1,
            status="new",
            opened_at=moment,
            updated_at=moment.astimezone(timezone(timedelta(hours=5, minutes=30))),
            respond_by=moment,
            resolve_by=moment,
        )
        session.add(incident)
    with file_ctx.db.read() as session:
        stored = session.execute(text("SELECT opened_at, updated_at FROM incidents")).one()
        read_back = session.scalar(select(Incident.updated_at))
    assert tuple(stored) == (utc_text(moment), utc_text(moment))
    assert from_utc_text(stored[1]) == read_back == moment
