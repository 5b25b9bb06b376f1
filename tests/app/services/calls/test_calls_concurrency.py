"""Fifty agents logging calls into one PostgreSQL at the same moment: every call is saved once,
none is lost, and the same draft submitted by racing retries is saved once."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from app.db.engine import Database, open_database
from app.db.migrate import upgrade
from app.db.models import Call, ChangeLogEntry, TimelineEvent
from app.domain.clock import ManualClock
from app.domain.roles import Role
from app.services.calls.commands import CallCommands
from app.services.calls.dto import CallDraft, LoggedCall
from app.services.context import ServiceContext
from app.services.directory.reads import sign_in
from app.services.incidents.reads import IncidentReads
from tests.app.services.calls.test_calls import declare_outage
from tests.helpers import SERVERS, add_agent, add_service

AGENTS = 50


@pytest.fixture(params=SERVERS)
def server_url(request: pytest.FixtureRequest) -> str:
    """The test database, directly and through PgBouncer in transaction mode."""
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def pg_ctx(server_url: str, clock: ManualClock) -> Iterator[ServiceContext]:
    database = open_database(server_url)
    upgrade(database)
    yield ServiceContext(database, clock, sign_in(database, "admin.alice", "Alice Admin"))
    database.dispose()


def _at_once(count: int, work: Callable[[int], LoggedCall]) -> list[LoggedCall]:
    """Run `work(n)` on `count` threads released together by a barrier."""
    barrier = threading.Barrier(count)

    def start(n: int) -> LoggedCall:
        barrier.wait(timeout=60)
        return work(n)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(start, range(count)))


def _count(db: Database, query: object) -> int:
    with db.read() as session:
        return int(session.scalar(query) or 0)  # type: ignore[call-overload]


def test_fifty_agents_log_calls_at_the_same_moment_and_none_is_lost(
    pg_ctx: ServiceContext, server_url: str
) -> None:
    email = add_service(pg_ctx.db, "Email")
    outage = declare_outage(pg_ctx, email, "Email down for all users")
    agents = [add_agent(pg_ctx.db, f"agent{n}", f"Agent {n}", Role.AGENT) for n in range(AGENTS)]
    # One engine per agent, as if each sat at their own workstation.
    databases = [open_database(server_url) for _ in range(AGENTS)]
    try:
        drafts = [
            CallDraft(
                client_uuid=str(uuid.uuid4()),
                caller_name=f"Caller {n}",
                service_id=email,
                symptom="Outlook says disconnected",
                incident_id=outage.id if n % 2 == 0 else None,
                callback_wanted=n % 5 == 0,
                callback_number=f"+44 {n}",
            )
            for n in range(AGENTS)
        ]

        def log(n: int) -> LoggedCall:
            ctx = replace(pg_ctx, db=databases[n], actor=agents[n])
            return CallCommands(ctx).log_call(drafts[n])

        results = _at_once(AGENTS, log)
    finally:
        for database in databases:
            database.dispose()

    assert all(r.created for r in results)
    assert len({r.call.id for r in results}) == AGENTS
    db = pg_ctx.db
    assert _count(db, select(func.count(Call.id))) == AGENTS
    assert _count(db, select(func.count(func.distinct(Call.client_uuid)))) == AGENTS
    with db.read() as session:
        saved = {(c.caller_name, c.agent_id) for c in session.scalars(select(Call))}
    assert saved == {(f"Caller {n}", agents[n].agent_id) for n in range(AGENTS)}
    linked = AGENTS // 2
    assert IncidentReads(pg_ctx).rows([outage.id])[0].calls == linked
    # Each saver saw the count as of its own commit: at least its own call, never more than all.
    assert all(1 <= (r.incident_calls or 0) <= linked for r in results if r.call.incident_id)
    call_events = select(func.count(TimelineEvent.id)).where(
        TimelineEvent.incident_id == outage.id, TimelineEvent.kind == "call"
    )
    assert _count(db, call_events) == linked
    inserts = select(func.count(ChangeLogEntry.id)).where(
        ChangeLogEntry.entity == "calls", ChangeLogEntry.action == "insert"
    )
    assert _count(db, inserts) == AGENTS


def test_racing_retries_of_one_draft_save_one_call(pg_ctx: ServiceContext, server_url: str) -> None:
    email = add_service(pg_ctx.db, "Email")
    outage = declare_outage(pg_ctx, email, "Email down for all users")
    same = CallDraft(
        client_uuid=str(uuid.uuid4()), caller_name="Double Enter", incident_id=outage.id
    )
    retries = 12
    databases = [open_database(server_url) for _ in range(retries)]
    try:
        results = _at_once(
            retries, lambda n: CallCommands(replace(pg_ctx, db=databases[n])).log_call(same)
        )
    finally:
        for database in databases:
            database.dispose()
    assert sum(r.created for r in results) == 1
    assert {r.call.id for r in results} == {results[0].call.id}
    assert _count(pg_ctx.db, select(func.count(Call.id))) == 1
    assert IncidentReads(pg_ctx).rows([outage.id])[0].calls == 1
    call_events = select(func.count(TimelineEvent.id)).where(TimelineEvent.kind == "call")
    assert _count(pg_ctx.db, call_events) == 1
