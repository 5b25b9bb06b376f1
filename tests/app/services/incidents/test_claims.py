"""Assign-to-me from several workstations at once: exactly one agent gets the incident, every
time, and the others are told who took it."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.db.engine import open_database
from app.domain.roles import Role
from app.services.context import ServiceContext
from app.services.incidents.claims import AlreadyTaken, Claims
from app.services.incidents.commands import IncidentCommands
from app.services.incidents.dto import IncidentDetail
from app.services.incidents.reads import IncidentReads
from tests.helpers import TeamServer, add_agent, as_actor, open_incident

ROUNDS = 40


def test_assign_to_me_takes_an_unassigned_incident(ctx: ServiceContext) -> None:
    incident = open_incident(ctx)
    taken = Claims(ctx).assign_to_me(incident.id, incident.version)
    assert taken.assignee_id == ctx.actor.agent_id


def test_a_second_click_is_told_who_took_it(ctx: ServiceContext) -> None:
    sam = as_actor(ctx, add_agent(ctx.db, "sam", "Sam Okafor"))
    incident = open_incident(ctx)
    Claims(sam).assign_to_me(incident.id, incident.version)
    with pytest.raises(AlreadyTaken, match="Sam Okafor took INC") as lost:
        Claims(ctx).assign_to_me(incident.id, incident.version)
    assert lost.value.by == "Sam Okafor"
    assert IncidentReads(ctx).detail(incident.id).assignee_id == sam.actor.agent_id


def test_an_unrelated_edit_meanwhile_does_not_stop_assign_to_me(ctx: ServiceContext) -> None:
    incident = open_incident(ctx)
    IncidentCommands(ctx).edit(incident.id, incident.version, {"title": "Printer on fire"})
    taken = Claims(ctx).assign_to_me(incident.id, incident.version)  # the older version
    assert taken.assignee_id == ctx.actor.agent_id
    assert taken.title == "Printer on fire"


def test_clicking_again_on_my_own_incident_is_harmless(ctx: ServiceContext) -> None:
    incident = open_incident(ctx)
    Claims(ctx).assign_to_me(incident.id, incident.version)
    again = Claims(ctx).assign_to_me(incident.id, incident.version)
    assert again.assignee_id == ctx.actor.agent_id


def _race(contexts: list[ServiceContext], incident: IncidentDetail) -> list[object]:
    start = threading.Barrier(len(contexts))

    def click(ctx: ServiceContext) -> object:
        start.wait()
        try:
            return Claims(ctx).assign_to_me(incident.id, incident.version)
        except AlreadyTaken as lost:
            return lost

    with ThreadPoolExecutor(len(contexts)) as pool:
        return list(pool.map(click, contexts))


def _check_one_winner(results: list[object], contexts: list[ServiceContext]) -> None:
    winners = [r for r in results if isinstance(r, IncidentDetail)]
    losers = [r for r in results if isinstance(r, AlreadyTaken)]
    assert len(winners) == 1, results
    assert len(losers) == len(contexts) - 1, results
    names = {c.actor.agent_id: c.actor.name for c in contexts}
    winner = names[winners[0].assignee_id or 0]
    assert all(lost.by == winner for lost in losers)


@pytest.mark.postgres
@pytest.mark.parametrize("team_server", ["postgres", "pgbouncer"], indirect=True)
def test_racing_real_logins_on_postgres_always_leaves_exactly_one_winner(
    team_server: TeamServer,
) -> None:
    contexts = [
        team_server.ctx_as(team_server.add_login(name, Role.AGENT, display=name.title()))
        for name in ("ana", "ben", "cy", "dee")
    ]
    for _ in range(ROUNDS):
        incident = open_incident(team_server.owner)
        _check_one_winner(_race(contexts, incident), contexts)


def test_racing_on_a_shared_sqlite_file_leaves_exactly_one_winner(
    sqlite_ctx: ServiceContext,
) -> None:
    url = sqlite_ctx.db.engine.url
    contexts = []
    for name in ("ana", "ben", "cy"):
        actor = add_agent(sqlite_ctx.db, name, name.title(), Role.AGENT)
        contexts.append(ServiceContext(open_database(url), sqlite_ctx.clock, actor))
    try:
        for _ in range(ROUNDS // 2):
            incident = open_incident(sqlite_ctx)
            _check_one_winner(_race(contexts, incident), contexts)
    finally:
        for ctx in contexts:
            ctx.db.dispose()
