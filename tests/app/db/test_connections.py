"""Few, named connections: consoles built as the console builds them hold at most two server
connections when idle (the listener and one pooled), three when busy, close the pooled one after
a short idle time, and name themselves to the server (application_name)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import psycopg
import pytest
from sqlalchemy import text

from app import __version__
from app.bootstrap import Session, start
from app.db.connection_name import MAX_BYTES, application_name, this_workstation
from app.db.live import ChangeWatcher, watcher_for
from app.db.pool import IdleClosingPool
from app.services.feed.reads import ChangeFeed
from app.services.incidents.reads import IncidentReads
from app.settings import load_settings
from tests.helpers import PG_ADMIN_URL

pytestmark = pytest.mark.postgres
WAIT = 10.0


@dataclass
class Console:
    session: Session
    watcher: ChangeWatcher


def _open_console(url: str) -> Console:
    """What ui/console.py does before the window: start (connect, migrate, sign in), the
    watcher, and the queue's first load."""
    settings = load_settings(db_url=url)
    session = start(settings)
    watcher = watcher_for(session.ctx.db, settings.live_updates)
    assert watcher is not None
    live = threading.Event()
    watcher.start(lambda: None, lambda up, _message: live.set() if up else None)
    assert live.wait(WAIT), "the listener never went live"
    ChangeFeed(session.ctx.db).head()
    IncidentReads(session.ctx).queue_rows()
    return Console(session, watcher)


@pytest.fixture
def consoles(postgres_url: str) -> Iterator[list[Console]]:
    opened: list[Console] = []
    yield opened
    for console in opened:
        console.watcher.stop()
        console.session.ctx.db.dispose()


def _activity(database: str) -> list[tuple[str, str]]:
    """(application_name, state) of every client connection to `database`."""
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT application_name, coalesce(state, '') FROM pg_stat_activity "
            "WHERE datname = %s AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
            (database,),
        ).fetchall()
    return [(str(name), str(state)) for name, state in rows]


def _database(url: str) -> str:
    return url.rsplit("/", 1)[1]


def _eventually(predicate: Callable[[], bool]) -> bool:
    stop = threading.Event()
    for _ in range(int(WAIT / 0.05)):
        if predicate():
            return True
        stop.wait(0.05)
    return predicate()


def test_three_idle_consoles_hold_at_most_six_connections_each_naming_calmdesk(
    postgres_url: str, consoles: list[Console]
) -> None:
    for _ in range(3):
        consoles.append(_open_console(postgres_url))
    activity = _activity(_database(postgres_url))
    assert 3 <= len(activity) <= 6, activity
    expected = f"Calmdesk {__version__} postgres@{this_workstation()}"[:MAX_BYTES]
    assert all(name == expected for name, _state in activity), activity


def test_a_busy_console_holds_at_most_three_and_the_pooled_one_closes_when_idle(
    postgres_url: str, consoles: list[Console]
) -> None:
    console = _open_console(postgres_url)
    consoles.append(console)
    db = console.session.ctx.db
    pool = db.engine.pool
    assert isinstance(pool, IdleClosingPool)
    database = _database(postgres_url)
    peak = 0
    working = threading.Event()
    working.set()

    def watch() -> None:
        nonlocal peak
        while working.is_set():
            peak = max(peak, len(_activity(database)))

    def busy(_n: int) -> None:
        with db.read() as session:
            session.execute(text("SELECT pg_sleep(0.2)"))

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with ThreadPoolExecutor(6) as workers:
            list(workers.map(busy, range(12)))
    finally:
        working.clear()
        watcher.join()
    assert 2 <= peak <= 3
    # Idle: the listener and at most the one kept connection; that one closes after a while.
    pool.idle_seconds = 0.2
    with db.read() as session:
        session.execute(text("SELECT 1"))
    assert len(_activity(database)) <= 2
    assert _eventually(lambda: len(_activity(database)) == 1)
    with db.read() as session:  # and the next use simply opens a new one
        assert session.execute(text("SELECT 1")).scalar_one() == 1


@pytest.mark.parametrize(
    ("login", "host"),
    [
        ("alice", "WS-042"),
        ("a" * 80, "b" * 80),
        ("ägent.jürgen", "poste-été"),
        ("x", "very-long-workstation-name-in-a-big-company-domain-forest-01"),
        ("", ""),
    ],
)
def test_the_connection_name_fits_postgresql_and_says_who_and_where(login: str, host: str) -> None:
    name = application_name(login, host, version="1.2.3")
    assert len(name.encode()) <= MAX_BYTES
    assert name.isascii()
    assert name.isprintable()
    assert name.startswith("Calmdesk 1.2.3 ")
    who, where = name.removeprefix("Calmdesk 1.2.3 ").split("@")
    assert who
    assert where
    if len(login) + len(host) < 40:
        assert (who, where) == (
            login.encode("ascii", "replace").decode() or "?",
            host.encode("ascii", "replace").decode() or "?",
        )


def test_a_name_in_the_url_is_kept(postgres_url: str) -> None:
    from app.db.engine import open_database

    db = open_database(f"{postgres_url}?application_name=reporting")
    try:
        with db.read() as session:
            assert session.execute(text("SHOW application_name")).scalar_one() == "reporting"
    finally:
        db.dispose()


def test_reads_can_go_through_a_pool_of_their_own_and_the_watcher_follows_them(
    postgres_url: str, pgbouncer_url: str
) -> None:
    """Behind PgBouncer, reads (and the watcher's look at the change log) may use a shared
    read-only entry while writes keep the agent's own login: here writes go direct, reads and
    the watcher through PgBouncer, which the watcher notices."""
    from app.db.engine import open_database
    from app.db.live import PostgresListener
    from app.db.migrate import upgrade

    db = open_database(postgres_url, read_url=pgbouncer_url)
    try:
        upgrade(db)
        with db.read() as session:
            assert session.execute(text("SELECT inet_server_port()")).scalar_one() is not None
            assert session.get_bind().url.port == db.reading_engine.url.port != db.engine.url.port
        with db.write() as session:
            assert session.get_bind().url.port == db.engine.url.port
        listener = watcher_for(db)
        assert isinstance(listener, PostgresListener)
        live = threading.Event()
        listener.start(lambda: None, lambda up, _m: live.set() if up else None)
        try:
            assert live.wait(WAIT)
            assert listener.polling
        finally:
            listener.stop()
    finally:
        db.dispose()


def test_reads_through_a_pool_of_their_own_run_each_statement_on_its_own(
    postgres_url: str, pgbouncer_url: str
) -> None:
    """In transaction pooling a transaction keeps its server connection from its first statement
    to its end, the console's own work in between included: reads through the shared entry are
    single statements (each its own transaction), while writes stay one transaction."""
    from app.db.engine import open_database

    db = open_database(postgres_url, read_url=pgbouncer_url)
    xact = text("SELECT pg_current_xact_id()::text")
    try:
        with db.read() as session:
            assert session.scalar(xact) != session.scalar(xact)
        with db.write() as session:
            assert session.scalar(xact) == session.scalar(xact)
    finally:
        db.dispose()
