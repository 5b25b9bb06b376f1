"""Resolving from the war room: the summary dialog, the cascade to the children, the callers to
call back, and a window that then says there is nothing more to send."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.domain.lifecycle import Status
from app.services.context import ServiceContext
from app.services.incidents.reads import IncidentReads
from app.services.war_room.commands import WarRoomCommands
from app.services.war_room.dto import WarRoomCallDraft
from app.settings import load_settings
from tests.app.services.war_room.war_room_support import Outage
from tests.helpers import open_incident
from tests.ui.war_room.conftest import press_ok, show_war_room
from ui.console_context import ConsoleContext
from ui.task_runner import TaskRunner
from ui.war_room import WarRoomWindow
from ui.war_room.resolve_dialog import ResolveDialog


def test_resolving_cascades_to_the_children_and_lists_the_callbacks(
    qtbot: QtBot, console: ConsoleContext, sqlite_ctx: ServiceContext, outage: Outage
) -> None:
    commands = WarRoomCommands(sqlite_ctx)
    children = [open_incident(sqlite_ctx, title) for title in ("Outlook down", "Webmail hangs")]
    for child in children:
        commands.link_child(outage.incident.id, child.number)
    commands.add_call(
        outage.incident.id,
        WarRoomCallDraft("Anna Berg", callback_wanted=True, callback_number="+44 1"),
    )
    war_room = show_war_room(qtbot, console, outage.incident.id)
    qtbot.mouseClick(war_room.header.resolve_button, Qt.MouseButton.LeftButton)
    dialog = war_room.operations.dialog
    assert isinstance(dialog, ResolveDialog)
    assert dialog.resolve_children.isChecked()
    assert dialog.resolve_children.text() == (
        "Also resolve the 2 open child incidents with the same resolution"
    )
    assert dialog.callbacks.rowCount() == 1
    assert dialog.callbacks.index(0, 0).data().startswith("Anna Berg: +44 1, called ")
    assert not dialog.ok.isEnabled()  # no resolution typed yet
    qtbot.keyClicks(dialog.resolution, "Microsoft rolled back the faulty sign-in change.")
    with qtbot.waitSignal(war_room.snapshot_applied):
        press_ok(qtbot, dialog)
    header = war_room.header
    assert header.status.text() == "Major · Resolved"
    assert header.countdown.text() == "No more updates due"
    assert [chip.text() for chip in header.service_chips] == ["Email: Operational"]
    assert header.resolve_button.text() == "Post-incident &review…"  # the next step
    assert not war_room.resolve_action.isEnabled()
    assert war_room.review_action.isEnabled()
    assert not war_room.panels.composer.post_button.isEnabled()
    statuses = [war_room.panels.children.model.row_at(n).status for n in range(2)]
    assert statuses == [Status.RESOLVED, Status.RESOLVED]
    for child in children:
        detail = IncidentReads(sqlite_ctx).detail(child.id)
        assert detail.resolution == "Microsoft rolled back the faulty sign-in change."
    final = war_room.panels.history.model.row_at(0)
    assert final.final
    assert final.actions == "Microsoft rolled back the faulty sign-in change."
    box = war_room.operations.result_box
    assert box is not None
    assert box.isVisible()
    text = box.text()
    assert "Back to Operational: Email." in text
    assert f"Resolved with it: {children[0].number}, {children[1].number}." in text
    assert "Call these 1 callers back:" in text
    assert "Anna Berg: +44 1" in text
    box.close()
    war_room.stop()


def test_cancelling_the_summary_changes_nothing(
    qtbot: QtBot, war_room: WarRoomWindow, sqlite_ctx: ServiceContext, outage: Outage
) -> None:
    qtbot.mouseClick(war_room.header.resolve_button, Qt.MouseButton.LeftButton)
    dialog = war_room.operations.dialog
    assert isinstance(dialog, ResolveDialog)
    dialog.reject()
    assert IncidentReads(sqlite_ctx).detail(outage.incident.id).status == Status.NEW
    assert war_room.header.resolve_button.isEnabled()


def test_an_agent_sees_resolve_but_may_not_press_it(
    qtbot: QtBot, sqlite_ctx: ServiceContext, outage: Outage
) -> None:
    as_comms = replace(sqlite_ctx, actor=outage.comms)  # Priya, an agent
    console = ConsoleContext.build(load_settings(), as_comms, TaskRunner(synchronous=True))
    war_room = show_war_room(qtbot, console, outage.incident.id)
    assert not war_room.header.resolve_button.isEnabled()
    assert "Only a supervisor" in war_room.header.resolve_button.toolTip()
    assert war_room.panels.composer.post_button.isEnabled()  # the comms lead posts updates
    war_room.stop()
