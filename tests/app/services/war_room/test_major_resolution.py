"""Resolving a major incident: final update, cadence stopped, services restored, children resolved
with the same resolution, callbacks listed, and the review's facts recorded. All or nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.db.models import TimelineEvent
from app.domain.clock import ManualClock
from app.domain.errors import RuleViolation
from app.domain.lifecycle import HoldReason, Status
from app.domain.roles import PermissionDenied
from app.domain.services_state import ServiceState
from app.domain.status_update import Audience, UpdateBody
from app.domain.vendor import VendorState
from app.services.context import ServiceContext
from app.services.errors import EditConflict, InvalidInput
from app.services.incidents.commands import AffectedService, IncidentCommands
from app.services.incidents.reads import IncidentReads
from app.services.war_room.commands import WarRoomCommands
from app.services.war_room.dto import ResolutionDraft, UpdateDraft, VendorDraft, WarRoomCallDraft
from app.services.war_room.reads import WarRoomReads
from app.services.war_room.resolution import MajorResolution
from app.services.war_room.status_updates import StatusUpdates
from tests.app.services.war_room.war_room_support import Outage, declare_outage
from tests.helpers import as_actor, open_incident

FINAL = UpdateBody(
    what_happened="Email is working again for everyone.",
    current_impact="None: mail sent during the outage has been delivered.",
    actions="Microsoft restored sign-in for our tenant.",
    workaround="",
    eta=None,
    next_update_at=None,
)


def draft(**changes: object) -> ResolutionDraft:
    base = ResolutionDraft(
        resolution="Microsoft rolled back a faulty sign-in change for our tenant.",
        final_update=FINAL,
        cause="A change to the tenant's authentication policy.",
        follow_ups="Ask Microsoft for their incident report.",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture
def outage(ctx: ServiceContext) -> Outage:
    return declare_outage(ctx)


def current(ctx: ServiceContext, outage: Outage) -> int:
    return IncidentReads(ctx).detail(outage.incident.id).version


def test_resolving_cascades_to_the_children(
    ctx: ServiceContext, clock: ManualClock, outage: Outage
) -> None:
    commands = IncidentCommands(ctx)
    new = open_incident(ctx, "Outlook disconnected")
    working = open_incident(ctx, "Cannot send to customers")
    working = commands.transition(working.id, working.version, Status.IN_PROGRESS)
    waiting = open_incident(ctx, "Webmail hangs")
    waiting = commands.transition(waiting.id, waiting.version, Status.IN_PROGRESS)
    waiting = commands.transition(
        waiting.id, waiting.version, Status.ON_HOLD, hold_reason=HoldReason.AWAITING_VENDOR
    )
    war_room = WarRoomCommands(ctx)
    for child in (new, working, waiting):
        war_room.link_child(outage.incident.id, child.number)
    clock.advance(timedelta(minutes=50))
    result = MajorResolution(ctx).resolve(outage.incident.id, current(ctx, outage), draft())
    assert result.children_resolved == (new.number, working.number, waiting.number)
    assert result.children_left == ()
    for child in (new, working, waiting):
        detail = IncidentReads(ctx).detail(child.id)
        assert detail.status == Status.RESOLVED
        assert detail.resolution == draft().resolution
        assert detail.resolved_at == clock.now()
    held = IncidentReads(ctx).detail(waiting.id)
    assert held.on_hold_since is None
    assert held.resolve_by == waiting.resolve_by + timedelta(minutes=50)  # the hold paused it
    child_timeline = IncidentReads(ctx).timeline(new.id)
    assert [e.summary for e in child_timeline[-2:]] == [
        "New → In progress",
        f"In progress → Resolved with {outage.incident.number}",
    ]


def test_resolving_posts_the_final_update_stops_the_cadence_and_restores_services(
    ctx: ServiceContext, clock: ManualClock, outage: Outage
) -> None:
    clock.advance(timedelta(minutes=72))
    result = MajorResolution(ctx).resolve(outage.incident.id, current(ctx, outage), draft())
    incident = result.incident
    assert incident.status == Status.RESOLVED
    assert incident.next_update_due is None
    assert incident.resolution == draft().resolution
    assert result.final_update.final
    assert result.final_update.subject.startswith("[Resolved] ")
    assert result.final_update.next_update_at is None
    assert result.services_restored == ("Email",)
    snapshot = WarRoomReads(ctx).snapshot(outage.incident.id)
    assert [(s.name, s.state) for s in snapshot.services] == [("Email", ServiceState.OPERATIONAL)]
    assert snapshot.updates[0].final
    assert incident.public_message.startswith("Email is working again for everyone.")


def test_resolving_lists_the_callers_still_owed_a_callback(
    ctx: ServiceContext, outage: Outage
) -> None:
    war_room = WarRoomCommands(ctx)
    child = open_incident(ctx, "Webmail hangs")
    war_room.link_child(outage.incident.id, child.number)
    war_room.add_call(outage.incident.id, WarRoomCallDraft("Anna Berg", callback_wanted=True))
    war_room.add_call(outage.incident.id, WarRoomCallDraft("Ben Okoro"))
    war_room.add_call(child.id, WarRoomCallDraft("Chloe Novak", callback_wanted=True))
    result = MajorResolution(ctx).resolve(outage.incident.id, current(ctx, outage), draft())
    assert [c.caller for c in result.callbacks] == ["Anna Berg", "Chloe Novak"]


def test_the_review_facts_are_recorded_on_the_timeline(
    ctx: ServiceContext, clock: ManualClock, outage: Outage
) -> None:
    war_room = WarRoomCommands(ctx)
    war_room.escalate_vendor(
        outage.incident.id,
        VendorDraft("Microsoft", "MS-1", vendor_eta=clock.now() + timedelta(minutes=20)),
    )
    items = WarRoomReads(ctx).snapshot(outage.incident.id).checklist
    war_room.set_item_done(items[0].id, True)
    clock.advance(timedelta(minutes=10))
    war_room.add_call(outage.incident.id, WarRoomCallDraft("Anna"))
    StatusUpdates(ctx).post(outage.incident.id, UpdateDraft(Audience.ALL_USERS, FINAL))
    clock.advance(timedelta(minutes=50))  # 50 minutes of silence: one late update
    MajorResolution(ctx).resolve(outage.incident.id, current(ctx, outage), draft())
    with ctx.db.read() as session:
        event = session.scalars(
            select(TimelineEvent).where(TimelineEvent.kind == "review_data")
        ).one()
        facts = event.details
    assert event.pinned
    assert facts is not None
    assert facts["duration_minutes"] == 60
    assert facts["minutes_to_first_update"] == 10
    assert facts["updates"] == 2
    assert facts["update_every_minutes"] == 30
    assert facts["late_updates"] == 1
    assert facts["calls"] == 1
    assert facts["checklist_done"] == 1
    assert facts["checklist_total"] == 7
    assert facts["commander"] == "Sam Okafor"
    assert facts["cause"] == draft().cause
    assert facts["services_restored"] == ["Email"]
    (vendor,) = facts["vendors"]  # type: ignore[misc]
    assert vendor["vendor"] == "Microsoft"
    assert vendor["missed_eta"] is True
    assert vendor["state"] == VendorState.OPEN.value


def test_children_can_be_left_open(ctx: ServiceContext, outage: Outage) -> None:
    child = open_incident(ctx, "Webmail hangs")
    WarRoomCommands(ctx).link_child(outage.incident.id, child.number)
    result = MajorResolution(ctx).resolve(
        outage.incident.id, current(ctx, outage), draft(resolve_children=False)
    )
    assert result.children_resolved == ()
    assert result.children_left == (child.number,)
    assert IncidentReads(ctx).detail(child.id).status == Status.NEW


def test_a_service_another_major_still_affects_stays_down(
    ctx: ServiceContext, outage: Outage
) -> None:
    other = open_incident(ctx, "Mail flow to partners broken", impact=1, urgency=1)
    IncidentCommands(ctx).declare_major(
        other.id,
        other.version,
        commander_id=outage.commander.agent_id,
        affected=[AffectedService(outage.email, ServiceState.PARTIAL_OUTAGE)],
    )
    result = MajorResolution(ctx).resolve(outage.incident.id, current(ctx, outage), draft())
    assert result.services_restored == ()
    states = WarRoomReads(ctx).snapshot(outage.incident.id).services
    assert [s.state for s in states] == [ServiceState.PARTIAL_OUTAGE]


def test_a_stale_resolution_changes_nothing(ctx: ServiceContext, outage: Outage) -> None:
    StatusUpdates(ctx).post(outage.incident.id, UpdateDraft(Audience.ALL_USERS, FINAL))
    with pytest.raises(EditConflict):
        MajorResolution(ctx).resolve(outage.incident.id, outage.incident.version, draft())
    detail = IncidentReads(ctx).detail(outage.incident.id)
    assert detail.status == Status.NEW
    assert detail.next_update_due is not None


def test_a_resolution_needs_words(ctx: ServiceContext, outage: Outage) -> None:
    with pytest.raises(InvalidInput, match="Write the resolution"):
        MajorResolution(ctx).resolve(outage.incident.id, current(ctx, outage), draft(resolution=""))


def test_only_a_supervisor_may_resolve(ctx: ServiceContext, outage: Outage) -> None:
    priya = as_actor(ctx, outage.comms)  # the comms lead, an agent
    with pytest.raises(PermissionDenied, match="Only a supervisor or above may resolve a major"):
        MajorResolution(priya).resolve(outage.incident.id, current(ctx, outage), draft())
    assert IncidentReads(ctx).detail(outage.incident.id).status == Status.NEW
    sam = as_actor(ctx, outage.commander)  # a supervisor
    result = MajorResolution(sam).resolve(outage.incident.id, current(ctx, outage), draft())
    assert result.incident.status == Status.RESOLVED
    with pytest.raises(RuleViolation, match="already resolved"):
        MajorResolution(ctx).resolve(outage.incident.id, current(ctx, outage), draft())
