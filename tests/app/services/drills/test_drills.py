"""A drill played on a manual clock from the shipped email-outage script: its calls, vendor
answer and twist arrive at the scripted times, the scorecard has exact figures, and nothing it
made reaches the reports, the exports or the wallboard. Cleaning it away keeps the scorecard."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timedelta
from threading import Barrier

import pytest
from sqlalchemy import func, select

from app.adapters.drill_scripts import shipped_script
from app.adapters.runbooks import load_runbook
from app.db.engine import open_database
from app.db.models import Call, GoodwillGesture, Incident, Service, TimelineEvent
from app.domain.clock import ManualClock
from app.domain.errors import RuleViolation
from app.domain.goodwill import GestureKind, Recipient
from app.domain.roles import PermissionDenied, Role
from app.domain.services_state import ServiceState
from app.domain.status_update import Audience, UpdateBody
from app.services.context import ServiceContext
from app.services.drills.commands import DrillCommands
from app.services.drills.dto import DrillInfo
from app.services.drills.reads import DrillReads
from app.services.goodwill.commands import GoodwillCommands
from app.services.goodwill.dto import GestureDraft
from app.services.incidents.commands import AffectedService, IncidentCommands
from app.services.incidents.reads import IncidentReads
from app.services.reports.incident_exports import incident_records
from app.services.reports.reads import Reports, ReportScope
from app.services.reports.record_exports import call_records, queue_records
from app.services.reports.wallboard import WallboardReads
from app.services.war_room.commands import WarRoomCommands
from app.services.war_room.dto import UpdateDraft
from app.services.war_room.reads import WarRoomReads
from app.services.war_room.status_updates import StatusUpdates
from tests.helpers import add_agent, add_service, as_actor, open_incident

BODY = UpdateBody(
    what_happened="Outlook cannot connect.",
    current_impact="Most people cannot send or receive mail.",
    actions="The mail team is working with Microsoft.",
    workaround="Use webmail.",
    eta=None,
    next_update_at=None,
)


def at(clock: ManualClock, start: datetime, minute: int) -> None:
    clock.set(start + timedelta(minutes=minute))


def start_email_drill(ctx: ServiceContext) -> DrillInfo:
    return DrillCommands(ctx).start(shipped_script("email-outage"), load_runbook("email-outage"))


def rehearse(ctx: ServiceContext, clock: ManualClock) -> tuple[DrillInfo, int]:
    """The team's part: declare at minute 7, update all users at 10, tick two steps at 12 and
    15, miss the 40-minute promise and post internally at 50, end at 60."""
    start = clock.now()
    drill = start_email_drill(ctx)
    assert drill.incident_id is not None
    commands = DrillCommands(ctx)
    at(clock, start, 5)
    commands.play_due()
    at(clock, start, 7)
    incident = IncidentReads(ctx).detail(drill.incident_id)
    email = ctx.db.read
    with email() as session:
        email_id = session.scalar(select(Service.id).where(Service.name == "Email"))
    assert email_id is not None
    IncidentCommands(ctx).declare_major(
        incident.id,
        incident.version,
        commander_id=ctx.actor.agent_id,
        affected=[AffectedService(email_id, ServiceState.MAJOR_OUTAGE)],
        runbook=load_runbook("email-outage"),
    )
    at(clock, start, 10)
    commands.play_due()
    StatusUpdates(ctx).post(incident.id, UpdateDraft(Audience.ALL_USERS, BODY))
    steps = WarRoomReads(ctx).snapshot(incident.id).checklist
    at(clock, start, 12)
    WarRoomCommands(ctx).set_item_done(steps[0].id, True)
    at(clock, start, 15)
    WarRoomCommands(ctx).set_item_done(steps[1].id, True)
    at(clock, start, 25)
    commands.play_due()
    at(clock, start, 35)
    commands.play_due()
    at(clock, start, 50)
    commands.play_due()
    StatusUpdates(ctx).post(incident.id, UpdateDraft(Audience.INTERNAL, BODY))
    at(clock, start, 60)
    return commands.end(drill.id), incident.id


@pytest.fixture
def email_service(ctx: ServiceContext) -> int:
    return add_service(ctx.db, "Email")


def test_the_script_plays_its_calls_vendor_and_twist_at_the_scripted_times(
    ctx: ServiceContext, clock: ManualClock, email_service: int
) -> None:
    start = clock.now()
    drill = start_email_drill(ctx)
    commands = DrillCommands(ctx)
    assert drill.incident_number
    assert (drill.events, drill.played) == (9, 0)
    assert commands.play_due() == []  # nothing due at minute 0
    at(clock, start, 5)
    played = commands.play_due()
    assert [p.at for p in played] == [start + timedelta(minutes=m) for m in (2, 4)]
    assert commands.play_due() == []  # each event is played once
    at(clock, start, 31)
    played = commands.play_due()
    assert [(p.at - start) // timedelta(minutes=1) for p in played] == [6, 11, 20, 24, 30]
    assert played[2].summary.startswith("DRILL · Microsoft 365 support answers:")
    assert played[4].summary.startswith("DRILL twist: Webmail now fails too")
    with ctx.db.read() as session:
        calls = session.execute(
            select(Call.at, Call.caller_name, Call.drill_id, Call.service_id).order_by(Call.at)
        ).all()
        twist = session.scalar(
            select(TimelineEvent)
            .where(TimelineEvent.kind == "drill")
            .where(TimelineEvent.summary.like("DRILL twist%"))
        )
    assert [c.at - start for c in calls] == [timedelta(minutes=m) for m in (2, 4, 6, 11, 24)]
    assert calls[0].caller_name == "Dana Whitfield (Finance)"
    assert {c.drill_id for c in calls} == {drill.id}
    assert {c.service_id for c in calls} == {email_service}
    assert twist is not None
    assert twist.pinned
    assert twist.at == start + timedelta(minutes=30)
    vendor = WarRoomReads(ctx).snapshot(drill.incident_id or 0).vendors[0]
    assert vendor.vendor == "Microsoft 365 support"
    assert vendor.vendor_eta == start + timedelta(minutes=75)
    assert DrillReads(ctx).running()[0].next_event_at == start + timedelta(minutes=33)


def test_the_scorecard_has_exact_figures(
    ctx: ServiceContext, clock: ManualClock, email_service: int
) -> None:
    ended, _incident_id = rehearse(ctx, clock)
    card = DrillReads(ctx).scorecard(ended.id).drill.card
    assert card.minutes_to_declare == 7.0
    assert card.minutes_to_first_update == 3.0
    assert (card.updates_on_time, card.updates) == (1, 2)  # 3 min, then 40 min against 30
    assert card.longest_silence_minutes == 40.0
    assert [s.minute for s in card.steps] == [12.0, 15.0, None, None, None, None, None]
    # Calls at 2, 4, 6 came before any message; 11, 24 and 33 while the 9:10 one was current
    # (until 9:40); 41 after it went stale.
    assert (card.callers_given_message, card.calls) == (3, 7)
    assert card.length_minutes == 60.0


def test_a_drill_never_changes_a_real_service_and_its_end_cancels_what_it_left_open(
    ctx: ServiceContext, clock: ManualClock, email_service: int
) -> None:
    _ended, incident_id = rehearse(ctx, clock)
    with ctx.db.read() as session:
        assert session.get(Service, email_service).state == "operational"  # type: ignore[union-attr]
    detail = IncidentReads(ctx).detail(incident_id)
    assert detail.status.value == "cancelled"
    assert detail.drill_id is not None
    assert DrillReads(ctx).running() == []


def test_nothing_a_drill_made_reaches_reports_exports_or_the_wallboard(
    ctx: ServiceContext, clock: ManualClock, email_service: int
) -> None:
    start = clock.now()
    real = open_incident(ctx, "Printer jams on floor 2")
    drill = start_email_drill(ctx)
    at(clock, start, 20)
    DrillCommands(ctx).play_due()
    rows = IncidentReads(ctx).queue_rows()
    assert {r.number: r.drill for r in rows} == {real.number: False, drill.incident_number: True}
    assert [r["number"] for r in queue_records(rows, clock.now())] == [real.number]
    assert [r["number"] for r in incident_records(ctx)] == [real.number]
    assert {r["number"] for r in incident_records(ctx, include_drills=True)} == {
        real.number,
        drill.incident_number,
    }
    assert list(call_records(ctx)) == []
    assert len(list(call_records(ctx, include_drills=True))) == 4
    report = Reports(ctx).supervisor(
        ReportScope(start - timedelta(days=1), start + timedelta(days=1))
    )
    assert report.per_day.rows[0][1] == 1  # one incident opened: the real one
    assert report.majors.rows == ()
    board = WallboardReads(ctx).snapshot()
    assert (board.open_total, board.calls_last_hour, board.majors) == (1, 0, ())


def test_cleaning_away_deletes_what_the_drill_made_and_keeps_the_scorecards(
    ctx: ServiceContext, clock: ManualClock, email_service: int
) -> None:
    first, first_incident = rehearse(ctx, clock)
    GoodwillCommands(ctx).add(  # what the team promised in the drill goes with it
        first_incident,
        GestureDraft(GestureKind.APOLOGY, Recipient.DEPARTMENT, "Finance", None, None),
    )
    clock.advance(timedelta(days=1))
    second, second_incident = rehearse(ctx, clock)
    GoodwillCommands(ctx).add(  # a gesture rehearsed too: it goes with the drill's incident
        second_incident,
        GestureDraft(GestureKind.APOLOGY, Recipient.TEAM, "Payroll", None, None),
    )
    commands = DrillCommands(ctx)
    assert commands.clean(first.id) == 1
    assert commands.clean(second.id) == 1
    assert commands.clean(second.id) == 0  # already clean
    with ctx.db.read() as session:
        assert session.scalar(select(func.count(Incident.id))) == 0
        assert session.scalar(select(func.count(Call.id))) == 0
        assert session.scalar(select(func.count(TimelineEvent.id))) == 0
        assert session.scalar(select(func.count(GoodwillGesture.id))) == 0
    view = DrillReads(ctx).scorecard(second.id)
    assert view.runbook_title == "Email outage"
    assert [p.drill_id for p in view.previous] == [first.id]
    assert view.previous[0].card == view.drill.card  # the same rehearsal, the same figures
    assert [d.cleaned_at is not None for d in DrillReads(ctx).ended()] == [True, True]
    assert second_incident


def test_one_drill_at_a_time_and_only_supervisors_run_them(
    ctx: ServiceContext, clock: ManualClock, email_service: int
) -> None:
    drill = start_email_drill(ctx)
    with pytest.raises(RuleViolation, match="still running"):
        start_email_drill(ctx)
    with pytest.raises(RuleViolation, match="end it before cleaning"):
        DrillCommands(ctx).clean(drill.id)
    agent = as_actor(ctx, add_agent(ctx.db, "pat", "Pat Agent", Role.AGENT))
    with pytest.raises(PermissionDenied):
        DrillCommands(agent).end(drill.id)
    clock.advance(timedelta(minutes=3))
    assert len(DrillCommands(agent).play_due()) == 1  # any console taking part plays it


def test_two_workstations_playing_at_once_play_each_event_once(
    ctx: ServiceContext, clock: ManualClock, db_url: str, email_service: int
) -> None:
    drill = start_email_drill(ctx)
    clock.advance(timedelta(minutes=45))
    other = open_database(db_url)  # the second workstation's own connection
    try:
        consoles = [ctx, replace(ctx, db=other)]
        barrier = Barrier(2)

        def play(console: ServiceContext) -> int:
            barrier.wait()
            return len(DrillCommands(console).play_due())

        with ThreadPoolExecutor(2) as pool:
            played = list(pool.map(play, consoles))
    finally:
        other.dispose()
    assert sum(played) == 9
    with ctx.db.read() as session:
        assert session.scalar(select(func.count(Call.id)).where(Call.drill_id == drill.id)) == 7


def test_a_drills_status_update_says_drill_wherever_it_is_sent(
    ctx: ServiceContext, clock: ManualClock, email_service: int
) -> None:
    drill = start_email_drill(ctx)
    assert drill.incident_id is not None
    detail = IncidentReads(ctx).detail(drill.incident_id)
    IncidentCommands(ctx).declare_major(detail.id, detail.version, commander_id=ctx.actor.agent_id)
    posted = StatusUpdates(ctx).post(detail.id, UpdateDraft(Audience.ALL_USERS, BODY)).update
    assert posted.subject == f"[DRILL] [Update 1] {detail.number}: {detail.title}"
    assert posted.text.startswith("[DRILL] ")
    assert StatusUpdates(ctx).mailto(posted.id).url.count("DRILL") >= 1
