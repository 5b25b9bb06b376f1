"""The war room's snapshot: one read with everything the window shows, on both backends."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from app.adapters.runbooks import load_runbook_file
from app.domain.clock import ManualClock
from app.domain.lifecycle import Status
from app.domain.runbook import RunbookError
from app.domain.services_state import ServiceState
from app.domain.status_update import Audience, UpdateBody
from app.services.context import ServiceContext
from app.services.incidents.reads import IncidentReads
from app.services.war_room.commands import WarRoomCommands
from app.services.war_room.dto import UpdateDraft, VendorDraft, WarRoomCallDraft
from app.services.war_room.reads import WarRoomReads
from app.services.war_room.status_updates import StatusUpdates, compose_defaults
from tests.app.services.war_room.war_room_support import declare_outage
from tests.helpers import open_incident

PRINTERS = """\
title = "Printer fleet down"

[[items]]
text = "Check the print server"
owner = "tech"

[[items]]
text = "Tell callers to print on another floor"
owner = "comms"

[[items]]
text = "Confirm printing works again"
owner = "service_desk"
"""


def test_declaring_instantiates_the_checklist_from_a_runbook_file(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    runbook = tmp_path / "printers.toml"
    runbook.write_text(PRINTERS, encoding="utf-8")
    outage = declare_outage(ctx, runbook)
    snapshot = WarRoomReads(ctx).snapshot(outage.incident.id)
    assert snapshot.incident.runbook_key == "printers"
    assert [(i.position, i.text, i.owner_role, i.done, i.ad_hoc) for i in snapshot.checklist] == [
        (1, "Check the print server", "tech", False, False),
        (2, "Tell callers to print on another floor", "comms", False, False),
        (3, "Confirm printing works again", "service_desk", False, False),
    ]
    assert snapshot.checklist_done == 0
    assert any("runbook Printer fleet down" in e.summary for e in snapshot.timeline)


def test_a_broken_runbook_file_is_refused_naming_the_file_and_line(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    runbook = tmp_path / "printers.toml"
    runbook.write_text(PRINTERS.replace('owner = "comms"', 'owner = "the boss"'), encoding="utf-8")
    incident = open_incident(ctx, "Printers down", impact=1, urgency=1)
    with pytest.raises(RunbookError) as refused:
        load_runbook_file(runbook)
    message = str(refused.value)
    assert str(runbook) in message
    assert "item 2 (line 7)" in message
    assert "'the boss'" in message
    assert not IncidentReads(ctx).detail(incident.id).major  # nothing was declared


def test_the_snapshot_holds_header_services_and_cadence(ctx: ServiceContext) -> None:
    outage = declare_outage(ctx)
    snapshot = WarRoomReads(ctx).snapshot(outage.incident.id)
    assert snapshot.incident.number == outage.incident.number
    assert snapshot.incident.commander == "Sam Okafor"
    assert snapshot.incident.comms_lead == "Priya Nair"
    assert [(s.name, s.state) for s in snapshot.services] == [("Email", ServiceState.MAJOR_OUTAGE)]
    assert snapshot.update_interval == timedelta(minutes=30)  # P1 policy
    assert snapshot.incident.next_update_due == ctx.clock.now() + timedelta(minutes=30)
    assert len(snapshot.checklist) == 7  # the shipped email runbook


def test_calls_come_newest_first_with_counts_per_quarter_hour(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    outage = declare_outage(ctx)
    commands = WarRoomCommands(ctx)
    declared = clock.now()
    for minutes, caller in ((2, "Anna"), (5, "Ben"), (20, "Chloe")):
        clock.set(declared + timedelta(minutes=minutes))
        commands.add_call(outage.incident.id, WarRoomCallDraft(caller, "Outlook disconnected"))
    snapshot = WarRoomReads(ctx).snapshot(outage.incident.id)
    assert [c.caller for c in snapshot.calls] == ["Chloe", "Ben", "Anna"]
    assert [w.calls for w in snapshot.call_windows] == [2, 1]
    assert sum(w.calls for w in snapshot.call_windows) == len(snapshot.calls)


def test_updates_vendors_children_and_timeline_are_all_there(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    outage = declare_outage(ctx)
    incident_id = outage.incident.id
    child = open_incident(ctx, "Outlook disconnected")
    commands = WarRoomCommands(ctx)
    commands.link_child(incident_id, child.number)
    commands.escalate_vendor(incident_id, VendorDraft("Microsoft 365 support", "MS-1"))
    updates = StatusUpdates(ctx)
    body = UpdateBody("Mail is down.", "Everyone.", "Working on it.", "Use webmail.", None, None)
    updates.post(incident_id, UpdateDraft(Audience.INTERNAL, body))
    clock.advance(timedelta(minutes=10))
    updates.post(incident_id, UpdateDraft(Audience.ALL_USERS, body))
    snapshot = WarRoomReads(ctx).snapshot(incident_id)
    assert [(u.sequence, u.audience) for u in snapshot.updates] == [
        (2, Audience.ALL_USERS),
        (1, Audience.INTERNAL),
    ]
    assert snapshot.updates[0].subject.startswith("[Update 2] ")
    assert [v.vendor for v in snapshot.vendors] == ["Microsoft 365 support"]
    assert [(c.number, c.status) for c in snapshot.children] == [(child.number, Status.NEW)]
    times = [(e.at, e.id) for e in snapshot.timeline]
    assert times == sorted(times, reverse=True)  # newest first
    kinds = {e.kind for e in snapshot.timeline}
    assert {"declared_major", "child_linked", "vendor", "status_update"} <= kinds


def test_the_composer_starts_from_the_last_update(ctx: ServiceContext, clock: ManualClock) -> None:
    outage = declare_outage(ctx)
    snapshot = WarRoomReads(ctx).snapshot(outage.incident.id)
    first = compose_defaults(snapshot, clock.now())
    assert first.audience == Audience.ALL_USERS
    assert first.body.what_happened == outage.incident.title
    assert first.body.current_impact == "Email: major outage"
    assert first.body.next_update_at == clock.now() + timedelta(minutes=30)
    body = UpdateBody("Sign-in fails.", "All staff.", "Vendor engaged.", "Webmail.", None, None)
    StatusUpdates(ctx).post(outage.incident.id, UpdateDraft(Audience.STAKEHOLDERS, body))
    clock.advance(timedelta(minutes=7))
    again = compose_defaults(WarRoomReads(ctx).snapshot(outage.incident.id), clock.now())
    assert again.audience == Audience.STAKEHOLDERS
    assert (again.body.what_happened, again.body.actions) == ("Sign-in fails.", "Vendor engaged.")
    assert again.body.workaround == "Webmail."
    assert again.body.next_update_at == clock.now() + timedelta(minutes=30)
