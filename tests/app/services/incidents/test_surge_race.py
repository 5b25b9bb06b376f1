"""Two or three supervisors click "Declare major incident" on the same surge at the same moment,
from different workstations: one major incident comes out, every surge call is linked to it, and
the others are told who declared it. Real concurrent writers on PostgreSQL logins and on one
shared SQLite file."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.db.engine import open_database
from app.domain.roles import Role
from app.services.calls.commands import CallCommands
from app.services.calls.dto import CallDraft, SurgeDeclared
from app.services.calls.reads import CallReads
from app.services.context import ServiceContext
from tests.helpers import TeamServer, add_agent, add_service

ROUNDS = 8
CALLS = 5


def _surge(owner: ServiceContext, name: str) -> tuple[int, list[int]]:
    service = add_service(owner.db, name)
    calls = [
        CallCommands(owner)
        .log_call(
            CallDraft(
                client_uuid=str(uuid.uuid4()),
                caller_name=f"Caller {n}",
                service_id=service,
                symptom=f"{name} is down",
            )
        )
        .call.id
        for n in range(CALLS)
    ]
    return service, calls


def _race(contexts: list[ServiceContext], service: int, calls: list[int]) -> list[SurgeDeclared]:
    start = threading.Barrier(len(contexts))

    def click(ctx: ServiceContext) -> SurgeDeclared:
        start.wait()
        return CallCommands(ctx).declare_major_from_surge(service, calls)

    with ThreadPoolExecutor(len(contexts)) as pool:
        return list(pool.map(click, contexts))


def _check_one_major(owner: ServiceContext, results: list[SurgeDeclared], name: str) -> None:
    assert len({r.incident.id for r in results}) == 1, [r.message for r in results]
    winners = [r for r in results if not r.declared_by]
    assert len(winners) == 1, [r.message for r in results]
    commander = winners[0].incident.commander
    assert all(r.declared_by == commander for r in results if r.declared_by)
    covering = [m for m in CallReads(owner).active_majors() if name in m.services]
    assert [m.id for m in covering] == [winners[0].incident.id]
    assert covering[0].calls == CALLS  # every call linked once, to the one major incident


@pytest.mark.postgres
def test_supervisors_racing_on_postgres_declare_one_major_incident(
    team_server: TeamServer,
) -> None:
    contexts = [
        team_server.ctx_as(team_server.add_login(name, Role.SUPERVISOR, display=name.title()))
        for name in ("ana", "ben", "cy")
    ]
    for round_ in range(ROUNDS):
        name = f"Service {round_}"
        service, calls = _surge(team_server.owner, name)
        _check_one_major(team_server.owner, _race(contexts, service, calls), name)


def test_supervisors_racing_on_a_shared_sqlite_file_declare_one_major_incident(
    sqlite_ctx: ServiceContext,
) -> None:
    url = sqlite_ctx.db.engine.url
    contexts = []
    for name in ("ana", "ben", "cy"):
        actor = add_agent(sqlite_ctx.db, name, name.title(), Role.SUPERVISOR)
        contexts.append(ServiceContext(open_database(url), sqlite_ctx.clock, actor))
    try:
        for round_ in range(ROUNDS):
            name = f"Service {round_}"
            service, calls = _surge(sqlite_ctx, name)
            _check_one_major(sqlite_ctx, _race(contexts, service, calls), name)
    finally:
        for ctx in contexts:
            ctx.db.dispose()
