"""A team database's least privilege, checked by logging in as real PostgreSQL logins: the server
itself refuses what an agent may not do, and the timeline is append-only even for its owner."""

from __future__ import annotations

from datetime import timedelta

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.adapters.drill_scripts import shipped_script
from app.adapters.runbooks import load_runbook
from app.db.grants import GROUPS
from app.db.models import Base
from app.db.team_roles import TABLE_GRANTS, ServerSetupError, check_login
from app.domain.clock import ManualClock
from app.domain.lifecycle import Status
from app.domain.roles import Action, PermissionDenied, Role
from app.services.admin.identity import NotAnAgent, identify
from app.services.admin.team_setup import add_agent, init_postgres
from app.services.context import ServiceContext
from app.services.drills.commands import DrillCommands
from app.services.incidents.commands import IncidentCommands
from tests.helpers import PG_ADMIN_URL, TeamServer, open_incident


def test_every_table_has_its_grants_decided() -> None:
    assert set(TABLE_GRANTS) == set(Base.metadata.tables) | {"alembic_version"}
    for table, (for_agents, for_supervisors) in TABLE_GRANTS.items():
        assert "DELETE" not in for_agents + for_supervisors, table
        assert "TRUNCATE" not in for_agents + for_supervisors, table
    assert TABLE_GRANTS["timeline_events"] == (("INSERT",), ())


@pytest.mark.parametrize("bad", ["", "Robert'); DROP", "pg_monitor", "calmdesk_agent", "a b"])
def test_a_login_name_is_checked_before_it_reaches_the_server(bad: str) -> None:
    with pytest.raises(ServerSetupError):
        check_login(bad)


def test_a_login_name_is_lowercased() -> None:
    assert check_login(" Sam.Okafor ") == "sam.okafor"


def _refused(ctx: ServiceContext, statement: str) -> str:
    with pytest.raises(DBAPIError) as refused, ctx.db.write() as session:
        session.execute(text(statement))
    return str(refused.value.orig)


@pytest.mark.postgres
def test_init_postgres_creates_the_groups_and_can_run_again(team_server: TeamServer) -> None:
    again = init_postgres(team_server.db)
    assert not again.upgrade.changed
    assert again.tables == len(TABLE_GRANTS)
    with psycopg.connect(PG_ADMIN_URL) as admin:
        found = {r[0] for r in admin.execute("SELECT rolname FROM pg_roles WHERE rolcanlogin")}
    assert not set(GROUPS) & found  # groups, not logins


@pytest.mark.postgres
def test_an_agent_login_works_the_queue_but_cannot_delete_or_rewrite_history(
    team_server: TeamServer,
) -> None:
    agent = team_server.ctx_as(team_server.add_login("pat", Role.AGENT, display="Pat Agent"))
    assert (agent.actor.name, agent.actor.role) == ("Pat Agent", Role.AGENT)
    commands = IncidentCommands(agent)
    incident = open_incident(agent, "Printer jams")
    incident = commands.edit(incident.id, incident.version, {"title": "Printer jams on floor 2"})
    incident = commands.assign(incident.id, incident.version, assignee_id=agent.actor.agent_id)
    commands.add_note(incident.id, "Asked the caller to power-cycle it")
    commands.transition(incident.id, incident.version, Status.IN_PROGRESS)

    assert "permission denied" in _refused(agent, f"DELETE FROM incidents WHERE id = {incident.id}")
    assert "permission denied" in _refused(
        agent, "UPDATE timeline_events SET summary = 'rewritten'"
    )
    assert "permission denied" in _refused(agent, "DELETE FROM timeline_events")
    assert "permission denied" in _refused(agent, "DELETE FROM change_log")
    assert "permission denied" in _refused(agent, "UPDATE agents SET role = 'admin'")
    assert "must be owner" in _refused(agent, "DROP TABLE calls")


@pytest.mark.postgres
def test_the_timeline_is_append_only_even_for_the_owner(team_server: TeamServer) -> None:
    owner = team_server.owner
    incident = open_incident(owner)
    assert "append-only" in _refused(owner, "UPDATE timeline_events SET summary = 'rewritten'")
    assert "append-only" in _refused(owner, f"DELETE FROM timeline_events WHERE id > 0 AND {1}=1")
    assert "append-only" in _refused(owner, "TRUNCATE timeline_events CASCADE")
    with owner.db.read() as session:
        count = session.scalar(
            text(f"SELECT count(*) FROM timeline_events WHERE incident_id = {incident.id}")
        )
    assert count == 1


@pytest.mark.postgres
def test_only_a_supervisor_login_may_close_even_bypassing_the_console(
    team_server: TeamServer,
) -> None:
    agent = team_server.ctx_as(team_server.add_login("pat", Role.AGENT))
    supervisor = team_server.ctx_as(team_server.add_login("sam", Role.SUPERVISOR))
    incident = open_incident(agent)
    commands = IncidentCommands(supervisor)
    incident = commands.transition(incident.id, incident.version, Status.IN_PROGRESS)
    incident = commands.transition(
        incident.id, incident.version, Status.RESOLVED, resolution="Replaced the toner"
    )
    refused = _refused(agent, f"UPDATE incidents SET status = 'closed' WHERE id = {incident.id}")
    assert "Only a supervisor may close" in refused
    closed = commands.transition(incident.id, incident.version, Status.CLOSED)
    assert closed.status == Status.CLOSED


@pytest.mark.postgres
def test_a_supervisor_manages_agents_but_deletes_nothing(team_server: TeamServer) -> None:
    supervisor = team_server.ctx_as(team_server.add_login("sam", Role.SUPERVISOR))
    with supervisor.db.write() as session:
        session.execute(text("UPDATE agents SET name = 'Samuel' WHERE login = :l"), {"l": "x"})
        session.execute(text("UPDATE sla_policies SET respond_minutes = 20 WHERE priority = 1"))
    assert "permission denied" in _refused(supervisor, "DELETE FROM agents")
    assert "permission denied" in _refused(supervisor, "DELETE FROM incidents")


@pytest.mark.postgres
def test_the_console_role_never_exceeds_what_the_server_grants(team_server: TeamServer) -> None:
    login = team_server.add_login("lee", Role.AGENT)
    with team_server.db.write() as session:  # promoted in the app only, not on the server
        session.execute(
            text("UPDATE agents SET role = 'supervisor' WHERE login = :l"), {"l": login}
        )
    ctx = team_server.ctx_as(login)
    assert ctx.actor.role == Role.AGENT
    with pytest.raises(PermissionDenied):
        ctx.actor.require(Action.CLOSE)


@pytest.mark.postgres
def test_a_login_without_an_agent_record_is_told_whom_to_ask(team_server: TeamServer) -> None:
    login = f"{team_server.prefix}ghost"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{login}" LOGIN IN ROLE calmdesk_agent')
    with pytest.raises(NotAnAgent, match=f"add-agent --login {login}"):
        identify(team_server.open_as(login), "unused")


@pytest.mark.postgres
def test_a_login_with_no_calmdesk_rights_is_told_so(team_server: TeamServer) -> None:
    login = f"{team_server.prefix}stranger"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{login}" LOGIN')
    with pytest.raises(PermissionDenied, match="no Calmdesk rights"):
        identify(team_server.open_as(login), "unused")


@pytest.mark.postgres
def test_changing_an_agents_role_moves_their_login_to_the_other_group(
    team_server: TeamServer,
) -> None:
    login = team_server.add_login("kim", Role.AGENT)
    add_agent(team_server.owner, login, "Kim", Role.SUPERVISOR)
    with psycopg.connect(PG_ADMIN_URL) as admin:
        groups = {
            row[0]
            for row in admin.execute(
                "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
                "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = %s",
                (login,),
            )
        }
    assert groups == {"calmdesk_supervisor"}
    assert team_server.ctx_as(login).actor.role == Role.SUPERVISOR


@pytest.mark.postgres
def test_a_password_reaches_the_server_only_as_a_scram_verifier(team_server: TeamServer) -> None:
    secret = "Correct-Horse-9"
    login = team_server.add_login("ana", Role.AGENT, password=secret)
    with psycopg.connect(PG_ADMIN_URL) as admin:
        stored = admin.execute(
            "SELECT rolpassword FROM pg_authid WHERE rolname = %s", (login,)
        ).fetchone()
    assert stored is not None
    assert stored[0].startswith("SCRAM-SHA-256$")
    assert secret not in stored[0]


@pytest.mark.postgres
def test_an_agent_login_cannot_add_agents(team_server: TeamServer) -> None:
    agent = team_server.ctx_as(team_server.add_login("pat", Role.AGENT))
    with pytest.raises(PermissionDenied):
        add_agent(agent, f"{team_server.prefix}eve", "Eve", Role.ADMIN)


@pytest.mark.postgres
def test_drills_on_a_team_database_agents_play_supervisors_clean_away(
    team_server: TeamServer, clock: ManualClock
) -> None:
    agent = team_server.ctx_as(team_server.add_login("pat", Role.AGENT))
    supervisor = team_server.ctx_as(team_server.add_login("sam", Role.SUPERVISOR))
    drill = DrillCommands(supervisor).start(
        shipped_script("email-outage"), load_runbook("email-outage")
    )
    clock.advance(timedelta(minutes=45))
    assert len(DrillCommands(agent).play_due()) == 9  # an agent's console plays the script
    DrillCommands(supervisor).end(drill.id)
    assert "permission denied" in _refused(agent, f"SELECT calmdesk_clean_drill({drill.id})")
    assert DrillCommands(supervisor).clean(drill.id) == 1
    with supervisor.db.read() as session:
        left = session.scalar(text("SELECT count(*) FROM incidents WHERE drill_id IS NOT NULL"))
        kept = session.scalar(text("SELECT count(*) FROM drills WHERE scorecard IS NOT NULL"))
    assert (left, kept) == (0, 1)
