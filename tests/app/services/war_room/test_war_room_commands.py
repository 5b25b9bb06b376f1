"""Working the war room: checklist ticks, ad-hoc steps, vendor cases, children, calls and pins.
Every change lands on the timeline (who and when) and in the change feed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.domain.clock import ManualClock
from app.domain.roles import Role
from app.domain.vendor import VendorState
from app.services.context import ServiceContext
from app.services.errors import InvalidInput, NotFound
from app.services.feed.reads import ChangeFeed
from app.services.war_room.commands import VendorEditConflict, WarRoomCommands
from app.services.war_room.dto import VendorDraft, WarRoomCallDraft
from app.services.war_room.reads import WarRoomReads
from tests.app.services.war_room.war_room_support import Outage, declare_outage
from tests.helpers import add_agent, as_actor, open_incident


@pytest.fixture
def outage(ctx: ServiceContext) -> Outage:
    return declare_outage(ctx)


def test_ticking_records_who_and_when_on_the_timeline(
    ctx: ServiceContext, clock: ManualClock, outage: Outage
) -> None:
    priya = as_actor(ctx, outage.comms)
    first = WarRoomReads(ctx).snapshot(outage.incident.id).checklist[0]
    clock.advance(timedelta(minutes=4))
    ticked = WarRoomCommands(priya).set_item_done(first.id, True)
    assert ticked.done_at == clock.now()
    assert ticked.done_by == "Priya Nair"
    snapshot = WarRoomReads(ctx).snapshot(outage.incident.id)
    event = snapshot.timeline[0]
    assert (event.kind, event.actor, event.at) == ("checklist", "Priya Nair", clock.now())
    assert event.summary == f"Ticked: {first.text}"
    assert snapshot.checklist_done == 1


def test_ticking_twice_changes_nothing_and_unticking_says_who_had_ticked(
    ctx: ServiceContext, outage: Outage
) -> None:
    commands = WarRoomCommands(as_actor(ctx, outage.comms))
    item = WarRoomReads(ctx).snapshot(outage.incident.id).checklist[2]
    commands.set_item_done(item.id, True)
    before = len(WarRoomReads(ctx).snapshot(outage.incident.id).timeline)
    commands.set_item_done(item.id, True)  # a colleague's double tick
    assert len(WarRoomReads(ctx).snapshot(outage.incident.id).timeline) == before
    unticked = WarRoomCommands(ctx).set_item_done(item.id, False)
    assert not unticked.done
    assert unticked.done_by == ""
    latest = WarRoomReads(ctx).snapshot(outage.incident.id).timeline[0]
    assert latest.summary == f"Unticked: {item.text} (ticked by Priya Nair)"
    assert latest.actor == "Alice Admin"


def test_an_ad_hoc_step_goes_at_the_end_and_counts_in_progress(
    ctx: ServiceContext, outage: Outage
) -> None:
    commands = WarRoomCommands(ctx)
    added = commands.add_item(outage.incident.id, "  Ask Legal about   the lost mail ", "commander")
    snapshot = WarRoomReads(ctx).snapshot(outage.incident.id)
    assert snapshot.checklist[-1] == added
    assert (added.text, added.ad_hoc, added.position) == ("Ask Legal about the lost mail", True, 8)
    assert (snapshot.checklist_done, len(snapshot.checklist)) == (0, 8)
    with pytest.raises(InvalidInput) as empty:
        commands.add_item(outage.incident.id, "   ")
    assert empty.value.field == "checklist_text"
    with pytest.raises(InvalidInput, match="owner is one of"):
        commands.add_item(outage.incident.id, "Do it", "ceo")


def test_war_room_changes_reach_the_change_feed(ctx: ServiceContext, outage: Outage) -> None:
    feed = ChangeFeed(ctx.db)
    cursor = feed.head()
    item = WarRoomReads(ctx).snapshot(outage.incident.id).checklist[0]
    WarRoomCommands(ctx).set_item_done(item.id, True)
    batch = feed.since(cursor)
    assert outage.incident.id in batch.incident_ids
    assert "checklist_items" in batch.other_entities


def test_a_vendor_case_is_opened_edited_and_goes_overdue_with_the_clock(
    ctx: ServiceContext, clock: ManualClock, outage: Outage
) -> None:
    commands = WarRoomCommands(ctx)
    eta = clock.now() + timedelta(minutes=45)
    case = commands.escalate_vendor(
        outage.incident.id,
        VendorDraft("Microsoft 365 support", "MS-2611", "+44 800 026 0330", vendor_eta=eta),
    )
    assert (case.state, case.escalated_at, case.version) == (VendorState.OPEN, clock.now(), 1)
    assert not case.overdue(clock.now())
    clock.advance(timedelta(minutes=46))
    shown = WarRoomReads(ctx).snapshot(outage.incident.id).vendors[0]
    assert shown.overdue(clock.now())
    edited = commands.edit_vendor(
        case.id,
        case.version,
        VendorDraft(
            "Microsoft 365 support",
            "MS-2611",
            "+44 800 026 0330",
            vendor_eta=eta + timedelta(hours=1),
            state=VendorState.ACKNOWLEDGED,
            notes="Engineer assigned",
        ),
    )
    assert edited.version == 2
    assert not edited.overdue(clock.now())
    latest = WarRoomReads(ctx).snapshot(outage.incident.id).timeline[0]
    assert latest.kind == "vendor"
    assert latest.summary.startswith("Microsoft 365 support: Open → Acknowledged; ETA ")


def test_a_vendor_edit_from_a_stale_copy_is_refused(ctx: ServiceContext, outage: Outage) -> None:
    commands = WarRoomCommands(ctx)
    case = commands.escalate_vendor(outage.incident.id, VendorDraft("Carrier"))
    commands.edit_vendor(case.id, case.version, VendorDraft("Carrier", state=VendorState.FIXED))
    with pytest.raises(VendorEditConflict, match="Someone changed the Carrier case"):
        commands.edit_vendor(case.id, case.version, VendorDraft("Carrier", notes="mine"))
    assert WarRoomReads(ctx).snapshot(outage.incident.id).vendors[0].state == VendorState.FIXED


def test_a_vendor_needs_a_name(ctx: ServiceContext, outage: Outage) -> None:
    with pytest.raises(InvalidInput) as refused:
        WarRoomCommands(ctx).escalate_vendor(outage.incident.id, VendorDraft("  "))
    assert refused.value.field == "vendor"


def test_children_are_linked_by_number(ctx: ServiceContext, outage: Outage) -> None:
    commands = WarRoomCommands(ctx)
    child = open_incident(ctx, "Webmail hangs")
    linked = commands.link_child(outage.incident.id, child.number.lower().replace("inc000", ""))
    assert (linked.id, linked.number) == (child.id, child.number)
    snapshot = WarRoomReads(ctx).snapshot(outage.incident.id)
    assert [c.number for c in snapshot.children] == [child.number]
    with pytest.raises(InvalidInput, match="already linked here"):
        commands.link_child(outage.incident.id, child.number)
    with pytest.raises(InvalidInput, match="this incident itself"):
        commands.link_child(outage.incident.id, outage.incident.number)
    with pytest.raises(NotFound, match="no incident INC0000999"):
        commands.link_child(outage.incident.id, "999")


def test_a_call_taken_in_the_war_room_is_linked_here(ctx: ServiceContext, outage: Outage) -> None:
    call = WarRoomCommands(ctx).add_call(
        outage.incident.id,
        WarRoomCallDraft(
            "Anna Berg", "Outlook disconnected", callback_wanted=True, callback_number="123"
        ),
    )
    assert call.incident_id == outage.incident.id
    snapshot = WarRoomReads(ctx).snapshot(outage.incident.id)
    assert [(c.caller, c.callback_pending) for c in snapshot.calls] == [("Anna Berg", True)]
    assert [c.caller for c in snapshot.callbacks_pending] == ["Anna Berg"]
    assert snapshot.timeline[0].kind == "call"


def test_pinning_appends_to_the_timeline_and_marks_the_event(
    ctx: ServiceContext, outage: Outage
) -> None:
    commands = WarRoomCommands(ctx)
    note_id = commands.add_note(outage.incident.id, "Microsoft confirmed a tenant fault")
    commands.set_pinned(note_id, True)
    snapshot = WarRoomReads(ctx).snapshot(outage.incident.id)
    pin, note = snapshot.timeline[0], snapshot.timeline[1]
    assert (pin.kind, pin.summary) == ("pinned", "Pinned: Microsoft confirmed a tenant fault")
    assert (note.id, note.pinned) == (note_id, True)
    commands.set_pinned(note_id, False)
    snapshot = WarRoomReads(ctx).snapshot(outage.incident.id)
    assert not next(e for e in snapshot.timeline if e.id == note_id).pinned
    declared = next(e for e in snapshot.timeline if e.kind == "declared_major")
    assert declared.pinned  # pinned when written
    with pytest.raises(InvalidInput, match="not the note that pinned it"):
        commands.set_pinned(snapshot.timeline[0].id, True)


def test_what_callers_are_told_is_edited_with_the_version_check(
    ctx: ServiceContext, outage: Outage
) -> None:
    detail = WarRoomCommands(ctx).set_callers_message(
        outage.incident.id, outage.incident.version, "Email is down; use webmail.", "Webmail"
    )
    assert (detail.public_message, detail.workaround) == ("Email is down; use webmail.", "Webmail")


def test_an_agent_may_tick_and_a_vanished_item_is_reported(
    ctx: ServiceContext, outage: Outage
) -> None:
    olu = as_actor(ctx, add_agent(ctx.db, "olu", "Olu Adeyemi", Role.AGENT))
    item = WarRoomReads(ctx).snapshot(outage.incident.id).checklist[0]
    assert WarRoomCommands(olu).set_item_done(item.id, True).done_by == "Olu Adeyemi"
    with pytest.raises(NotFound):
        WarRoomCommands(olu).set_item_done(999_999, True)
