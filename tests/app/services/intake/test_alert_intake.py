"""The intake's writes over time (a manual clock): reopening within the window or not, flapping
that calms down, a closed incident, two deliveries racing for one new group, and the Monitoring
agent that never becomes a database's first admin."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta

import psycopg
import pytest
from sqlalchemy import func, select

from app.db.engine import Database
from app.db.grants import AGENT_GROUP
from app.db.models import AlertGroup, ChangeLogEntry, Incident, TimelineEvent
from app.domain.alerts import AlertMapping, AlertNotice, AlertStatus
from app.domain.clock import ManualClock
from app.domain.lifecycle import Status
from app.domain.roles import PermissionDenied, Role
from app.services.context import ServiceContext
from app.services.directory.reads import sign_in
from app.services.incidents.commands import IncidentCommands
from app.services.incidents.reads import IncidentReads
from app.services.intake.commands import AlertIntake, monitoring_actor
from tests.helpers import TeamServer, _pg_admin_conninfo

MAPPING = AlertMapping(reopen_window=timedelta(minutes=30), flap_changes=4)


def _intake(db: Database, clock: ManualClock) -> AlertIntake:
    return AlertIntake(ServiceContext(db, clock, monitoring_actor(db)), MAPPING)


def _notice(status: AlertStatus = AlertStatus.FIRING, name: str = "QueueDepth") -> AlertNotice:
    firing = 1 if status == AlertStatus.FIRING else 0
    return AlertNotice("generic", name, status, {"service": "Email"}, firing)


def _lines(db: Database, number: str) -> list[str]:
    with db.read() as session:
        return list(
            session.scalars(
                select(TimelineEvent.summary)
                .join(Incident)
                .where(Incident.number == number, TimelineEvent.kind == "alert")
                .order_by(TimelineEvent.id)
            )
        )


def test_firing_again_after_the_reopen_window_opens_a_new_incident(
    db: Database, clock: ManualClock
) -> None:
    intake = _intake(db, clock)
    first = intake.receive(_notice())
    intake.receive(_notice(AlertStatus.RESOLVED))
    clock.advance(timedelta(minutes=31))

    later = intake.receive(_notice())

    assert later.action == "open"
    assert later.incident_number != first.incident_number
    with db.read() as session:
        rows = session.execute(
            select(AlertGroup.incident_id, AlertGroup.current_key).order_by(AlertGroup.id)
        ).all()
    assert len(rows) == 2
    assert rows[0].current_key is None
    assert rows[1].current_key is not None


def test_a_group_whose_incident_was_closed_opens_a_new_one(
    db: Database, clock: ManualClock, ctx: ServiceContext
) -> None:
    intake = _intake(db, clock)
    first = intake.receive(_notice(name="Closed"))
    commands = IncidentCommands(ctx)
    incident = IncidentReads(ctx).find_by_number(first.incident_number or "")
    commands.transition(incident.id, incident.version, Status.CANCELLED)

    again = intake.receive(_notice(name="Closed"))

    assert again.action == "open"
    assert again.incident_number != first.incident_number


def test_flapping_that_calms_down_is_summarised_once(db: Database, clock: ManualClock) -> None:
    intake = _intake(db, clock)
    opened = intake.receive(_notice())
    for n in range(8):
        clock.advance(timedelta(minutes=2))
        intake.receive(_notice(AlertStatus.RESOLVED if n % 2 == 0 else AlertStatus.FIRING))
    clock.advance(timedelta(hours=1, minutes=1))

    calm = intake.receive(_notice())  # still firing, an hour without a change

    lines = _lines(db, opened.incident_number or "")
    assert calm.action == "repeat"
    assert sum("is flapping" in line for line in lines) == 1
    assert "stopped flapping: 8 changes since 09:08 UTC; now firing." in lines[-2]
    assert lines[-1].startswith("Alert QueueDepth still firing")


def test_two_deliveries_racing_for_one_new_group_make_one_incident(
    db: Database, clock: ManualClock
) -> None:
    actor = monitoring_actor(db)
    start = threading.Barrier(4)
    numbers: list[str | None] = []

    def deliver() -> None:
        intake = AlertIntake(ServiceContext(db, clock, actor), MAPPING)
        start.wait()
        numbers.append(intake.receive(_notice(name="Racing")).incident_number)

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(numbers) == 4
    assert len(set(numbers)) == 1
    with db.read() as session:
        assert session.scalar(select(func.count(AlertGroup.id))) == 1
        assert session.scalar(select(AlertGroup.alert_count)) == 4


def test_the_monitoring_agent_never_becomes_the_first_admin(db: Database) -> None:
    actor = monitoring_actor(db)
    person = sign_in(db, "first.person", "First Person")

    assert actor.role == Role.AGENT
    assert person.role == Role.ADMIN
    assert replace(monitoring_actor(db), name="") == replace(actor, name="")  # made once


@pytest.mark.postgres
def test_on_a_team_database_the_intake_writes_as_its_own_agent_login(
    team_server: TeamServer, clock: ManualClock
) -> None:
    login = team_server.add_login("intake", Role.AGENT, display="Monitoring")
    db = team_server.open_as(login)
    actor = monitoring_actor(db)
    intake = AlertIntake(
        ServiceContext(db, clock, actor), replace(MAPPING, resolve_on_recovery=True)
    )

    opened = intake.receive(_notice(name="TeamDb"))
    intake.receive(_notice(AlertStatus.RESOLVED, name="TeamDb"))  # resolves: agent grants do

    assert actor.login == login
    with db.read() as session:
        incident = session.scalar(select(Incident).where(Incident.number == opened.incident_number))
        assert incident is not None
        actors = set(
            session.scalars(
                select(TimelineEvent.actor_id).where(TimelineEvent.incident_id == incident.id)
            )
        )
    assert incident.status == Status.RESOLVED.value
    assert actors == {actor.agent_id}


@pytest.mark.postgres
def test_a_team_login_that_is_no_agent_is_told_what_to_run(team_server: TeamServer) -> None:
    login = f"{team_server.prefix}bare"
    with psycopg.connect(_pg_admin_conninfo(), autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{login}" LOGIN')
        admin.execute(f'GRANT "{AGENT_GROUP}" TO "{login}"')

    with pytest.raises(PermissionDenied, match=f"calmdesk db add-agent --login {login}"):
        monitoring_actor(team_server.open_as(login))


def test_a_repeated_recovery_writes_nothing(db: Database, clock: ManualClock) -> None:
    intake = _intake(db, clock)
    intake.receive(_notice(name="Twice"))
    intake.receive(_notice(AlertStatus.RESOLVED, name="Twice"))
    with db.read() as session:
        before = session.scalar(select(func.count()).select_from(ChangeLogEntry))

    again = intake.receive(_notice(AlertStatus.RESOLVED, name="Twice"))

    with db.read() as session:
        after = session.scalar(select(func.count()).select_from(ChangeLogEntry))
    assert (again.action, again.note) == ("ignore", "Already recovered: nothing to record.")
    assert after == before
