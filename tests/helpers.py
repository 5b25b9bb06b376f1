"""Shared fixtures and builders for the whole suite (conftest.py re-exports the fixtures)."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import make_url

from app.db.engine import Database, open_database
from app.db.migrate import upgrade
from app.db.models import Agent, Call, Service, Team
from app.domain.clock import ManualClock
from app.domain.roles import Role
from app.services.admin import team_setup
from app.services.admin.identity import identify
from app.services.context import Actor, ServiceContext
from app.services.directory.reads import sign_in
from app.services.incidents.commands import IncidentCommands, IncidentDraft
from app.services.incidents.dto import IncidentDetail
from app.settings import load_settings
from bench.servers import PgBouncer, ServerUnavailable
from tests.fault_proxy import FaultProxy
from tests.migrated_sqlite import start_from_migrated
from tests.postgres_databases import PostgresDatabases, throwaway
from ui.console_context import ConsoleContext
from ui.task_runner import TaskRunner

PG_ADMIN_URL = os.environ.get("CALMDESK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
MONDAY_MORNING = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _pg_admin_conninfo() -> str:
    return PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")


def postgres_available() -> str | None:
    """None when the test server answers, else the reason it does not."""
    try:
        with psycopg.connect(_pg_admin_conninfo(), connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]


@pytest.fixture(autouse=True)
def calmdesk_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own profile folder: nothing touches the user's real data."""
    home = tmp_path / "calmdesk-home"
    monkeypatch.setenv("CALMDESK_HOME", str(home))
    monkeypatch.delenv("CALMDESK_DB_URL", raising=False)
    # Nor the user's keyring: no password store unless a test chooses one (see file_keyring).
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    return home


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MONDAY_MORNING)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{(tmp_path / 'calmdesk.sqlite3').as_posix()}"


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[PostgresDatabases]:
    """This worker's test databases (tests/postgres_databases.py). Fails in CI, and skips
    elsewhere, without a server."""
    reason = postgres_available()
    if reason is not None:
        _unavailable("PostgreSQL", reason)
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    databases = PostgresDatabases(_pg_admin_conninfo(), base)
    yield databases
    databases.close()


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A database of the test's own on the running PostgreSQL server, as new: empty, or already
    at the migrations' head when the test's fixtures would migrate it before the test sees it
    (the same database either way, made faster). Afterwards it is put back as new for another
    test, or dropped (tests/postgres_databases.py)."""
    yield from throwaway_postgres_database(request, migrated=_migrated_by_fixtures(request))


def _migrated_by_fixtures(request: pytest.FixtureRequest) -> bool:
    """True when `team_server`, `pg_through_proxy` or `db` (on `db_url`'s PostgreSQL database)
    upgrade `postgres_url`'s database before the test runs."""
    names = request.fixturenames
    if "team_server" in names or "pg_through_proxy" in names:
        return True
    callspec = getattr(request.node, "callspec", None)
    route = callspec.params.get("db_url") if callspec is not None else None
    return "db" in names and route in ("postgres", "pgbouncer")


def throwaway_postgres_database(
    request: pytest.FixtureRequest, *, migrated: bool = False
) -> Iterator[str]:
    """Lend a database with a name of its own, yield its URL, take it back: the body of every
    fixture that needs one, whatever its scope."""
    databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
    yield from throwaway(databases, migrated=migrated)


def _unavailable(what: str, reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI but unavailable: {reason}")
    pytest.skip(f"{what} unavailable: {reason}")


@pytest.fixture(scope="session")
def pgbouncer() -> Iterator[PgBouncer]:
    """A real PgBouncer in transaction pooling mode in front of the test server, for the whole
    run: its own configuration in a temporary folder, a free port, every login as itself."""
    reason = postgres_available()
    if reason is not None:
        _unavailable("PostgreSQL", reason)
    server = make_url(PG_ADMIN_URL)
    try:
        bouncer = PgBouncer(server.host or "127.0.0.1", server.port or 5432)
    except ServerUnavailable as exc:
        _unavailable("PgBouncer", str(exc))
    yield bouncer
    bouncer.stop()


@pytest.fixture
def pgbouncer_url(postgres_url: str, pgbouncer: PgBouncer) -> str:
    """The throwaway database of `postgres_url`, reached through PgBouncer."""
    parsed = make_url(postgres_url).set(host="127.0.0.1", port=pgbouncer.port)
    return parsed.render_as_string(hide_password=False)


# Each test using `db_url` runs on a real SQLite file and a real PostgreSQL database; those that
# must also work through a pooler name these three (`@pytest.mark.parametrize("db_url",
# THROUGH_POOLER_TOO, indirect=True)`).
POSTGRES = pytest.param("postgres", marks=pytest.mark.postgres)
PGBOUNCER = pytest.param("pgbouncer", marks=pytest.mark.postgres)
THROUGH_POOLER_TOO = ["sqlite", POSTGRES, PGBOUNCER]
SERVERS = [POSTGRES, PGBOUNCER]
_URL_FIXTURES = {"sqlite": "sqlite_url", "postgres": "postgres_url", "pgbouncer": "pgbouncer_url"}


@pytest.fixture(params=["sqlite", POSTGRES])
def db_url(request: pytest.FixtureRequest) -> str:
    """Each test using this runs twice: on a real SQLite file and on a real PostgreSQL database
    (and a third time through PgBouncer where it asks, see THROUGH_POOLER_TOO)."""
    return str(request.getfixturevalue(_URL_FIXTURES[request.param]))


@pytest.fixture
def db(db_url: str, request: pytest.FixtureRequest) -> Iterator[Database]:
    start_from_migrated(db_url, request)
    database = open_database(db_url)
    upgrade(database)  # finds it at head
    yield database
    database.dispose()


@pytest.fixture
def ctx(db: Database, clock: ManualClock) -> ServiceContext:
    """Signed in as the database's first user, who becomes its admin."""
    return ServiceContext(db=db, clock=clock, actor=sign_in(db, "admin.alice", "Alice Admin"))


def add_agent(
    db: Database, login: str, name: str, role: Role = Role.AGENT, team_id: int | None = None
) -> Actor:
    with db.write() as session:
        agent = Agent(login=login, name=name, role=role.value, team_id=team_id, active=True)
        session.add(agent)
        session.flush()
        return Actor(agent.id, login, name, role)


def as_actor(ctx: ServiceContext, actor: Actor) -> ServiceContext:
    return replace(ctx, actor=actor)


def add_team(db: Database, name: str) -> int:
    with db.write() as session:
        team = Team(name=name)
        session.add(team)
        session.flush()
        return team.id


def add_service(db: Database, name: str, state: str = "operational") -> int:
    with db.write() as session:
        service = Service(name=name, state=state, manual_workaround="")
        session.add(service)
        session.flush()
        return service.id


def add_call(db: Database, incident_id: int | None, at: datetime, caller: str = "A Caller") -> int:
    """A call row written directly, for read-side tests that need calls at exact times."""
    with db.write() as session:
        call = Call(at=at, caller_name=caller, incident_id=incident_id, symptom="It is down")
        session.add(call)
        session.flush()
        return call.id


@pytest.fixture
def sqlite_ctx(
    sqlite_url: str, clock: ManualClock, request: pytest.FixtureRequest
) -> Iterator[ServiceContext]:
    """A context on a real SQLite file only: for UI tests, where the backend is not the point."""
    start_from_migrated(sqlite_url, request)
    database = open_database(sqlite_url)
    upgrade(database)
    yield ServiceContext(db=database, clock=clock, actor=sign_in(database, "admin.alice", "Alice"))
    database.dispose()


@pytest.fixture
def console(sqlite_ctx: ServiceContext, qtbot: QtBot) -> ConsoleContext:
    """The console's context with a synchronous task runner: each service call runs inline."""
    return ConsoleContext.build(load_settings(), sqlite_ctx, TaskRunner(synchronous=True))


def open_incident(
    ctx: ServiceContext, title: str = "Printer on floor 2 jams", impact: int = 2, urgency: int = 2
) -> IncidentDetail:
    return IncidentCommands(ctx).open(IncidentDraft(title=title, impact=impact, urgency=urgency))


@pytest.fixture
def file_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A real keyring backend, keyrings.alt's file store, chosen through keyring's configuration
    (PYTHON_KEYRING_BACKEND) and kept in the test's folder. Returns the folder it writes to."""
    folder = tmp_path / "keyring-data"
    monkeypatch.setenv("XDG_DATA_HOME", str(folder))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    return folder


class TeamServer:
    """A PostgreSQL database set up by `calmdesk db init-postgres`, with real login roles for
    agents (named with a per-test prefix, since roles belong to the whole server; dropped at the
    end). The test server trusts local connections, so a login needs no password here."""

    def __init__(self, url: str, clock: ManualClock, logins_through: str | None = None) -> None:
        """`logins_through`: the same database by another route (PgBouncer) for the logins."""
        self.url = url
        self._logins_url = logins_through or url
        self.prefix = f"ct{uuid.uuid4().hex[:8]}_"
        self.db = open_database(url)
        team_setup.init_postgres(self.db)
        self.owner = ServiceContext(self.db, clock, identify(self.db, "unused"))
        self._clock = clock
        self._opened: list[Database] = []

    def add_login(
        self, name: str, role: Role, *, display: str | None = None, password: str | None = None
    ) -> str:
        login = f"{self.prefix}{name}"
        team_setup.add_agent(self.owner, login, display or name.title(), role, password)
        return login

    def url_for(self, login: str) -> str:
        url = make_url(self._logins_url).set(username=login)
        return url.render_as_string(hide_password=False)

    def open_as(self, login: str) -> Database:
        database = open_database(self.url_for(login))
        self._opened.append(database)
        return database

    def ctx_as(self, login: str) -> ServiceContext:
        database = self.open_as(login)
        return ServiceContext(database, self._clock, identify(database, "unused"))

    def close(self) -> None:
        for database in [*self._opened, self.db]:
            database.dispose()
        with psycopg.connect(_pg_admin_conninfo(), autocommit=True) as admin:
            roles = admin.execute(
                "SELECT rolname FROM pg_roles WHERE rolname LIKE %s", (f"{self.prefix}%",)
            ).fetchall()
            for (role,) in roles:
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s",
                    (role,),
                )
                admin.execute(f'DROP ROLE IF EXISTS "{role}"')


@pytest.fixture
def team_server(
    request: pytest.FixtureRequest, postgres_url: str, clock: ManualClock
) -> Iterator[TeamServer]:
    """Set up directly; the logins connect directly, or through PgBouncer when parametrized
    with "pgbouncer" (`@pytest.mark.parametrize("team_server", ["pgbouncer"], indirect=True)`)."""
    route = getattr(request, "param", "postgres")
    logins = str(request.getfixturevalue("pgbouncer_url")) if route == "pgbouncer" else None
    server = TeamServer(postgres_url, clock, logins)
    yield server
    server.close()


# The real incident logs the tests and benchmarks read, kept in the repository (data/README.md).
DATA_DIR = Path(__file__).resolve().parents[1] / "data"
# Small files written for, or cut from those logs for, single tests (tests/fixtures/README.md).
FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"


@dataclass
class CutLine:
    """A PostgreSQL database reached through a proxy the test can cut (tests/fault_proxy.py),
    and a direct line to it, to count what arrived."""

    proxy: FaultProxy
    url: str  # through the proxy
    direct: Database


@pytest.fixture
def pg_through_proxy(postgres_url: str) -> Iterator[CutLine]:
    direct = open_database(postgres_url)
    upgrade(direct)
    parsed = make_url(postgres_url)
    proxy = FaultProxy(parsed.host or "127.0.0.1", parsed.port or 5432)
    through = parsed.set(host="127.0.0.1", port=proxy.port)
    yield CutLine(proxy, through.render_as_string(hide_password=False), direct)
    proxy.close()
    direct.dispose()


HANG_GUARD_SECONDS = 60  # far past every deadline: only a missing deadline reaches it


def outcome_of(work: Callable[[], Any]) -> BaseException | Any:
    """Run `work` on a thread; its result or exception. Fails (instead of hanging the suite) if
    it is still waiting long after every deadline has passed."""
    box: list[Any] = []

    def run() -> None:
        try:
            box.append(work())
        except BaseException as exc:
            box.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(HANG_GUARD_SECONDS)
    assert not thread.is_alive(), "a database call on a silent line never came back"
    return box[0]
