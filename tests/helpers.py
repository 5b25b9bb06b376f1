"""Shared fixtures and builders for the whole suite (conftest.py re-exports the fixtures)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from pytestqt.qtbot import QtBot

from app.db.engine import Database, open_database
from app.db.migrate import upgrade
from app.db.models import Agent, Call, Service, Team
from app.domain.clock import ManualClock
from app.domain.roles import Role
from app.services.context import Actor, ServiceContext
from app.services.directory import sign_in
from app.settings import load_settings
from ui.console_context import ConsoleContext
from ui.task_runner import TaskRunner
from app.services.dto import IncidentDetail
from app.services.incidents import IncidentCommands, IncidentDraft

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
    return home


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MONDAY_MORNING)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{(tmp_path / 'calmdesk.sqlite3').as_posix()}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A throwaway database on the running PostgreSQL server, dropped afterwards."""
    reason = postgres_available()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI but unreachable: {reason}")
        pytest.skip(f"PostgreSQL unreachable: {reason}")
    name = f"calmdesk_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_pg_admin_conninfo(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    yield f"{base}/{name}"
    with psycopg.connect(_pg_admin_conninfo(), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """Each test using this runs twice: on a real SQLite file and on a real PostgreSQL database."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(fixture))


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = open_database(db_url)
    upgrade(database)
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
    """A call logged against an incident (calls have no use case of their own yet)."""
    with db.write() as session:
        call = Call(at=at, caller_name=caller, incident_id=incident_id, symptom="It is down")
        session.add(call)
        session.flush()
        return call.id


@pytest.fixture
def sqlite_ctx(sqlite_url: str, clock: ManualClock) -> Iterator[ServiceContext]:
    """A context on a real SQLite file only: for UI tests, where the backend is not the point."""
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
