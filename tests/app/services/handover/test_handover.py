"""Shift handover: the report lists what the incoming supervisor must know (drills left out), the
outgoing lead annotates it, the incoming supervisor acknowledges it, and who and when are kept.
In the war room, command is handed over in one action that the timeline records."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.adapters.drill_scripts import shipped_script
from app.adapters.runbooks import load_runbook
from app.domain.clock import ManualClock
from app.domain.errors import RuleViolation
from app.domain.goodwill import GestureKind, Recipient
from app.domain.lifecycle import HoldReason, Status
from app.domain.roles import PermissionDenied, Role
from app.domain.status_update import UpdateBody
from app.services.calls.commands import CallCommands
from app.services.calls.drafts import new_client_uuid
from app.services.calls.dto import CallDraft
from app.services.context import ServiceContext
from app.services.drills.commands import DrillCommands
from app.services.errors import InvalidInput
from app.services.goodwill.commands import GoodwillCommands
from app.services.goodwill.dto import GestureDraft
from app.services.handover.commands import HandoverCommands, HandoverConflict
from app.services.handover.reads import HandoverReads
from app.services.incidents.commands import IncidentCommands
from app.services.incidents.reads import IncidentReads
from app.services.reports.post_incident_review import PostIncidentReviews
from app.services.war_room.command_handover import CommandHandover
from app.services.war_room.commands import WarRoomCommands
from app.services.war_room.dto import ResolutionDraft, VendorDraft
from app.services.war_room.resolution import MajorResolution
from tests.app.services.war_room.war_room_support import declare_outage
from tests.helpers import add_agent, as_actor, open_incident


def test_the_report_lists_majors_slas_callbacks_and_vendor_holds_but_no_drill(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    outage = declare_outage(ctx)
    late = open_incident(ctx, "Laptop will not boot", impact=1, urgency=2)  # P2: 4 h to resolve
    waiting = open_incident(ctx, "Plotter broken", impact=3, urgency=3)
    commands = IncidentCommands(ctx)
    moved = commands.transition(waiting.id, waiting.version, Status.IN_PROGRESS)
    WarRoomCommands(ctx).escalate_vendor(
        waiting.id,
        VendorDraft("PlotterCo", vendor_eta=clock.now() + timedelta(days=2)),
    )
    commands.transition(
        moved.id, moved.version, Status.ON_HOLD, hold_reason=HoldReason.AWAITING_VENDOR
    )
    CallCommands(ctx).log_call(
        CallDraft(
            client_uuid=new_client_uuid(),
            caller_name="Dana",
            symptom="No mail",
            callback_wanted=True,
            incident_id=outage.incident.id,
        )
    )
    GoodwillCommands(ctx).add(
        outage.incident.id,
        GestureDraft(
            GestureKind.SERVICE_CREDIT,
            Recipient.DEPARTMENT,
            "Finance",
            outage.commander.agent_id,
            date(2026, 1, 9),
        ),
    )
    DrillCommands(ctx).start(shipped_script("email-outage"), load_runbook("email-outage"))
    clock.advance(timedelta(hours=5))
    DrillCommands(ctx).play_due()  # the drill's callbacks are not owed to anyone real
    report = HandoverReads(ctx).report_now()
    assert [m.number for m in report.majors] == [outage.incident.number]
    assert report.majors[0].commander == "Sam Okafor"
    assert report.majors[0].next_update_due == outage.incident.next_update_due
    assert late.number in {s.number for s in report.breached}
    assert [c.caller for c in report.callbacks] == ["Dana"]
    assert [(v.number, v.vendor) for v in report.waiting_on_vendors] == [
        (waiting.number, "PlotterCo")
    ]
    assert report.gestures is not None
    assert [(g.number, g.kind, g.to_whom, g.owner) for g in report.gestures] == [
        (outage.incident.number, "Service credit", "Department Finance", "Sam Okafor")
    ]
    (credit,) = report.gestures
    assert credit.due is not None
    assert credit.due.astimezone().date() == date(2026, 1, 9)


def test_a_handover_is_annotated_then_acknowledged_by_someone_else(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    declare_outage(ctx)
    outgoing = HandoverCommands(ctx)
    drawn = outgoing.draw_up("Shift change 15:00", "Email outage: Microsoft promised 16:00.")
    annotated = outgoing.annotate(drawn.id, drawn.version, "Chase Microsoft at 15:30.")
    assert annotated.notes == "Chase Microsoft at 15:30."
    with pytest.raises(HandoverConflict):
        outgoing.annotate(drawn.id, drawn.version, "stale")
    with pytest.raises(RuleViolation, match="incoming supervisor acknowledges"):
        outgoing.acknowledge(annotated.id, annotated.version)
    incoming = as_actor(ctx, add_agent(ctx.db, "lee", "Lee Incoming", Role.SUPERVISOR))
    clock.advance(timedelta(minutes=5))
    acked = HandoverCommands(incoming).acknowledge(annotated.id, annotated.version)
    assert (acked.acknowledged_by, acked.acknowledged_at) == ("Lee Incoming", clock.now())
    assert acked.created_by == ctx.actor.name
    stored = HandoverReads(ctx).get(acked.id)
    assert stored.report.majors[0].title == "Email down for all users"
    assert stored.shift == "Shift change 15:00"
    with pytest.raises(RuleViolation, match="already acknowledged"):
        outgoing.annotate(stored.id, stored.version, "too late")
    agent = as_actor(ctx, add_agent(ctx.db, "pat", "Pat Agent", Role.AGENT))
    with pytest.raises(PermissionDenied):
        HandoverCommands(agent).draw_up()


def test_command_is_handed_over_in_one_action_recorded_on_the_timeline(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    outage = declare_outage(ctx)
    fresh = add_agent(ctx.db, "jo", "Jo Fresh", Role.SUPERVISOR)
    commander = as_actor(ctx, outage.commander)
    clock.advance(timedelta(hours=3, minutes=5))
    with pytest.raises(InvalidInput, match="brief"):
        CommandHandover(commander).hand_over(
            outage.incident.id, outage.incident.version, fresh.agent_id, " "
        )
    after = CommandHandover(commander).hand_over(
        outage.incident.id,
        outage.incident.version,
        fresh.agent_id,
        "Mail queues draining; next update 12:30; watch the mobile sync.",
    )
    assert (after.commander_id, after.commander_since) == (fresh.agent_id, clock.now())
    entry = IncidentReads(ctx).timeline(outage.incident.id)[-1]
    assert entry.kind == "commander_handover"
    assert entry.pinned
    assert entry.summary == (
        "Command handed over: Sam Okafor → Jo Fresh. "
        "Brief: Mail queues draining; next update 12:30; watch the mobile sync."
    )
    bystander = as_actor(ctx, outage.comms)  # an agent who is not the commander
    with pytest.raises(RuleViolation, match="Only the commander"):
        CommandHandover(bystander).hand_over(
            after.id, after.version, outage.commander.agent_id, "x"
        )


def test_a_command_handover_is_a_key_event_of_the_post_incident_review(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    outage = declare_outage(ctx)
    fresh = add_agent(ctx.db, "jo", "Jo Fresh", Role.SUPERVISOR)
    clock.advance(timedelta(hours=1))
    after = CommandHandover(ctx).hand_over(
        outage.incident.id, outage.incident.version, fresh.agent_id, "Vendor fix due 11:00."
    )
    clock.advance(timedelta(minutes=30))
    final = UpdateBody("Fixed.", "None.", "Watching.", "", None, None)
    MajorResolution(ctx).resolve(
        after.id, after.version, ResolutionDraft(resolution="Restarted.", final_update=final)
    )
    events = PostIncidentReviews(ctx).draft(after.id).key_events
    assert "Command handed over: Sam Okafor → Jo Fresh. Brief: Vendor fix due 11:00." in [
        e.summary for e in events
    ]
