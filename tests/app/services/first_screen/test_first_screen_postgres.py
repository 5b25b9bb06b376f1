"""The first screen from a team's PostgreSQL server, read with psycopg alone: the rows the full read
gives, the agent the full sign-in gives (with the role the server grants), and None whenever the
full start must decide (real server, real logins; directly and through PgBouncer)."""

from __future__ import annotations

from datetime import timedelta

import psycopg
import pytest
from sqlalchemy import text, update
from sqlalchemy.engine import make_url

from app.db.location import describe_location
from app.db.models import Agent
from app.domain.alerts import AlertMapping, AlertNotice, AlertStatus
from app.domain.clock import ManualClock
from app.domain.roles import Role
from app.services.context import ServiceContext
from app.services.first_screen.read import FirstScreen, read_first_screen
from app.services.incidents.reads import IncidentReads
from app.services.intake.commands import AlertIntake, monitoring_actor
from tests.app.services.incidents.test_triage_page import _awkward_queue
from tests.helpers import TeamServer, _pg_admin_conninfo

pytestmark = pytest.mark.postgres


def _first_screen(url: str, clock: ManualClock, limit: int = 300) -> FirstScreen | None:
    return read_first_screen(url, clock.now(), clock.now() - timedelta(days=1), limit)


def test_it_reads_the_rows_and_the_agent_the_full_start_gives(
    team_server: TeamServer, clock: ManualClock
) -> None:
    owner = team_server.owner
    clock.advance(timedelta(microseconds=654_321))
    since = clock.now() - timedelta(days=1)
    _awkward_queue(owner, since)
    intake = AlertIntake(
        ServiceContext(owner.db, clock, monitoring_actor(owner.db)),
        AlertMapping(reopen_window=timedelta(minutes=30), flap_changes=4),
    )
    intake.receive(AlertNotice("generic", "DiskFull", AlertStatus.FIRING, {"host": "db1"}, 1))
    login = team_server.add_login("sam", Role.AGENT, display="Sam Okafor")
    sam = team_server.ctx_as(login)  # signed in the full way
    whole = IncidentReads(sam).first_page(1000, resolved_since=since)
    assert any(row.alert is not None for row in whole)
    for limit in (25, 1000):
        screen = _first_screen(team_server.url_for(login), clock, limit)
        assert screen is not None
        assert screen.rows == whole[:limit]  # every field; the moments in UTC, as the full read
        assert screen.actor == sam.actor
    parsed = make_url(team_server.url)
    assert screen.backend == "postgresql"
    assert screen.description == describe_location(
        "postgresql", parsed.database, parsed.host, parsed.port
    )


@pytest.mark.parametrize("team_server", ["postgres", "pgbouncer"], indirect=True)
def test_the_role_is_the_one_the_server_grants_at_most(
    team_server: TeamServer, clock: ManualClock
) -> None:
    login = team_server.add_login("pat", Role.AGENT)
    with team_server.db.write() as session:  # the record says more than the server grants
        session.execute(update(Agent).where(Agent.login == login).values(role="admin"))
    screen = _first_screen(team_server.url_for(login), clock)
    assert screen is not None
    assert screen.actor.role == Role.AGENT == team_server.ctx_as(login).actor.role


def test_it_declines_a_deactivated_agent_or_a_login_that_is_no_agent(
    team_server: TeamServer, clock: ManualClock
) -> None:
    gone = team_server.add_login("gone", Role.AGENT)
    with team_server.db.write() as session:
        session.execute(update(Agent).where(Agent.login == gone).values(active=False))
    assert _first_screen(team_server.url_for(gone), clock) is None
    stranger = f"{team_server.prefix}stranger"  # a login with no Calmdesk rights, no agent
    with psycopg.connect(_pg_admin_conninfo(), autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{stranger}" LOGIN')
    assert _first_screen(team_server.url_for(stranger), clock) is None


def test_it_declines_a_schema_that_is_not_this_versions(
    team_server: TeamServer, clock: ManualClock
) -> None:
    with team_server.db.write() as session:
        session.execute(text("UPDATE alembic_version SET version_num = '0013'"))
    assert _first_screen(team_server.url, clock) is None


def test_it_declines_a_server_that_does_not_answer(clock: ManualClock) -> None:
    with psycopg.connect(_pg_admin_conninfo()) as probe:  # a port nothing listens on
        port = int(probe.info.port) + 17
    assert _first_screen(f"postgresql://nobody@127.0.0.1:{port}/calmdesk", clock) is None
