"""The wallboard snapshot, on SQLite and PostgreSQL, with time moved by a manual clock."""

from __future__ import annotations

from datetime import timedelta

from app.db.models import Call, Team
from app.domain.clock import ManualClock
from app.domain.lifecycle import HoldReason, Status
from app.domain.priority import Priority
from app.domain.roles import Role
from app.services.context import ServiceContext
from app.services.incidents.commands import IncidentCommands, IncidentDraft
from app.services.reports.wallboard import (
    NO_TEAM,
    CountdownState,
    TeamLoad,
    WallboardReads,
    update_countdown,
)
from tests.helpers import MONDAY_MORNING, add_agent


def _open(
    ctx: ServiceContext,
    title: str,
    impact: int,
    urgency: int,
    *,
    assignee_id: int | None = None,
    team_id: int | None = None,
) -> int:
    draft = IncidentDraft(
        title, impact=impact, urgency=urgency, assignee_id=assignee_id, team_id=team_id
    )
    return IncidentCommands(ctx).open(draft).id


def _add_team(ctx: ServiceContext, name: str) -> int:
    with ctx.db.write() as session:
        team = Team(name=name)
        session.add(team)
        session.flush()
        return team.id


def test_an_empty_desk_shows_zeros(ctx: ServiceContext) -> None:
    snapshot = WallboardReads(ctx).snapshot()
    assert [load.priority for load in snapshot.priorities] == list(Priority)
    assert snapshot.open_total == snapshot.breached_total == snapshot.at_risk_total == 0
    assert snapshot.majors == ()
    assert snapshot.teams == ()
    assert snapshot.calls_last_hour == snapshot.unassigned == 0
    assert snapshot.taken_at == MONDAY_MORNING


def test_open_incidents_are_counted_per_priority(ctx: ServiceContext) -> None:
    commands = IncidentCommands(ctx)
    _open(ctx, "Payroll down", 1, 1)
    _open(ctx, "VPN flaky", 1, 2)
    _open(ctx, "Printer jam", 2, 2)
    done = commands.open(IncidentDraft("Password reset", 2, 2))
    done = commands.transition(done.id, done.version, Status.IN_PROGRESS)
    commands.transition(done.id, done.version, Status.RESOLVED, resolution="Reset it.")
    _open(ctx, "New laptop", 3, 3)

    snapshot = WallboardReads(ctx).snapshot()

    assert [load.open for load in snapshot.priorities] == [1, 1, 1, 0, 1]
    assert snapshot.open_total == 4
    assert snapshot.load(Priority.MODERATE).open == 1


def test_response_clock_turns_at_risk_then_breached(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    _open(ctx, "Payroll down", 1, 1)  # P1: respond within 15 minutes
    reads = WallboardReads(ctx)

    clock.advance(timedelta(minutes=5))
    p1 = reads.snapshot().load(Priority.CRITICAL)
    assert (p1.breached, p1.at_risk) == (0, 0)

    clock.advance(timedelta(minutes=8))  # 2 of 15 minutes left: within the last 20%
    p1 = reads.snapshot().load(Priority.CRITICAL)
    assert (p1.breached, p1.at_risk) == (0, 1)

    clock.advance(timedelta(minutes=3))
    snapshot = reads.snapshot()
    p1 = snapshot.load(Priority.CRITICAL)
    assert (p1.breached, p1.at_risk) == (1, 0)
    assert (snapshot.breached_total, snapshot.at_risk_total) == (1, 0)


def test_acknowledging_moves_the_incident_onto_the_resolve_clock(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    commands = IncidentCommands(ctx)
    incident = commands.open(IncidentDraft("Payroll down", 1, 1))
    clock.advance(timedelta(minutes=10))
    commands.transition(incident.id, incident.version, Status.IN_PROGRESS)
    clock.advance(timedelta(minutes=10))  # past the response time, but it was met

    p1 = WallboardReads(ctx).snapshot().load(Priority.CRITICAL)

    assert (p1.open, p1.breached, p1.at_risk) == (1, 0, 0)


def test_on_hold_incidents_are_paused_not_breached(ctx: ServiceContext, clock: ManualClock) -> None:
    commands = IncidentCommands(ctx)
    incident = commands.open(IncidentDraft("Payroll down", 1, 1))
    incident = commands.transition(incident.id, incident.version, Status.IN_PROGRESS)
    commands.transition(
        incident.id, incident.version, Status.ON_HOLD, hold_reason=HoldReason.AWAITING_VENDOR
    )
    clock.advance(timedelta(hours=5))  # beyond the 4 h resolve time, but the clock is paused

    p1 = WallboardReads(ctx).snapshot().load(Priority.CRITICAL)

    assert (p1.open, p1.breached, p1.at_risk) == (1, 0, 0)


def test_calls_in_the_last_hour_count_only_recent_calls(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    now = clock.now()
    with ctx.db.write() as session:
        for minutes_ago in (90, 61, 59, 30, 0):
            session.add(Call(at=now - timedelta(minutes=minutes_ago), caller_name="Anna"))

    reads = WallboardReads(ctx)
    assert reads.snapshot().calls_last_hour == 3

    clock.advance(timedelta(minutes=30))
    assert reads.snapshot().calls_last_hour == 2


def test_unassigned_count_and_team_load_busiest_first(ctx: ServiceContext) -> None:
    network = _add_team(ctx, "Network")
    messaging = _add_team(ctx, "Messaging")
    marco = add_agent(ctx.db, "marco", "Marco Rossi", team_id=network)
    _open(ctx, "VPN down", 1, 2, assignee_id=marco.agent_id)
    _open(ctx, "Wi-Fi slow", 2, 2, team_id=network)
    _open(ctx, "Shared mailbox", 2, 2, team_id=messaging)
    _open(ctx, "Wi-Fi floor 3", 2, 3, assignee_id=marco.agent_id)
    _open(ctx, "Nobody's yet", 3, 3)

    snapshot = WallboardReads(ctx).snapshot()

    assert snapshot.unassigned == 3
    assert snapshot.teams == (
        TeamLoad("Network", 3),
        TeamLoad("Messaging", 1),
        TeamLoad(NO_TEAM, 1),
    )


def test_active_major_incidents_show_commander_calls_and_next_update(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    commands = IncidentCommands(ctx)
    sam = add_agent(ctx.db, "sam", "Sam Okafor", Role.SUPERVISOR)
    outage = commands.open(IncidentDraft("Email down for everyone", 1, 1))
    clock.advance(timedelta(minutes=5))
    declared_at = clock.now()
    outage = commands.declare_major(outage.id, outage.version, commander_id=sam.agent_id)
    child = commands.open(IncidentDraft("Outlook disconnected", 2, 1))
    commands.link_to_parent(child.id, child.version, outage.id)
    with ctx.db.write() as session:
        for n in range(4):
            session.add(Call(at=clock.now(), caller_name=f"Caller {n}", incident_id=outage.id))
    ended = commands.open(IncidentDraft("Old outage", 1, 1))
    ended = commands.declare_major(ended.id, ended.version, commander_id=sam.agent_id)
    ended = commands.transition(ended.id, ended.version, Status.IN_PROGRESS)
    commands.transition(ended.id, ended.version, Status.RESOLVED, resolution="Fixed.")
    clock.advance(timedelta(minutes=10))

    (major,) = WallboardReads(ctx).snapshot().majors

    assert major.number == outage.number
    assert major.title == "Email down for everyone"
    assert major.priority == Priority.CRITICAL
    assert major.commander == "Sam Okafor"
    assert major.since == declared_at
    assert major.next_update_due == declared_at + timedelta(minutes=30)  # the P1 cadence
    assert (major.calls, major.linked) == (4, 1)
    assert major.elapsed(clock.now()) == timedelta(minutes=10)


def test_countdown_reads_next_update_then_overdue() -> None:
    due = MONDAY_MORNING + timedelta(minutes=30)

    running = update_countdown(due, MONDAY_MORNING + timedelta(minutes=17, seconds=30))
    soon = update_countdown(due, MONDAY_MORNING + timedelta(minutes=26))
    overdue = update_countdown(due, MONDAY_MORNING + timedelta(minutes=33, seconds=10))

    assert (running.text, running.state) == ("Next update in 12:30", CountdownState.RUNNING)
    assert (soon.text, soon.state) == ("Next update in 04:00", CountdownState.DUE_SOON)
    assert (overdue.text, overdue.state) == ("Update overdue 03:10", CountdownState.OVERDUE)
    assert update_countdown(None, MONDAY_MORNING).state == CountdownState.NONE
