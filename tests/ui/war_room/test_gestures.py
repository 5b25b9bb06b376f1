"""Making it right in the war room, by keyboard: Alt+K reaches the list, Insert opens the form,
Ctrl+M marks a gesture made, Delete drops one; a callback asked for on a call is in the list
and is made by calling back."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.domain.clock import ManualClock
from app.domain.goodwill import GestureKind, GestureStatus
from app.services.context import ServiceContext
from app.services.goodwill.reads import GoodwillReads
from app.services.war_room.commands import WarRoomCommands
from app.services.war_room.dto import WarRoomCallDraft
from tests.app.services.war_room.war_room_support import Outage
from tests.ui.war_room.conftest import press_ok
from ui.war_room import WarRoomWindow
from ui.war_room.gesture_dialog import GestureDialog


def test_gestures_are_added_made_and_dropped_from_the_keyboard(
    qtbot: QtBot,
    war_room: WarRoomWindow,
    outage: Outage,
    sqlite_ctx: ServiceContext,
    clock: ManualClock,
) -> None:
    panel = war_room.panels.gestures
    assert panel.count.text() == "0 owed"
    qtbot.keyClick(war_room, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is panel.table
    qtbot.keyClick(panel.table, Qt.Key.Key_Insert)
    qtbot.waitUntil(lambda: isinstance(war_room.operations.dialog, GestureDialog))
    dialog = war_room.operations.dialog
    assert isinstance(dialog, GestureDialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData(GestureKind.SERVICE_CREDIT.value))
    dialog.recipient.setCurrentIndex(dialog.recipient.findData("department"))
    qtbot.keyClicks(dialog.name, "Finance")
    dialog.owner.setCurrentIndex(dialog.owner.findText("Sam Okafor"))
    qtbot.keyClicks(dialog.details, "One month of the mail plan")
    with qtbot.waitSignal(war_room.snapshot_applied):
        press_ok(qtbot, dialog)
    assert panel.count.text() == "1 owed"
    assert panel.table.item(0, 0).text() == "Service credit"
    assert panel.table.item(0, 1).text() == "Department Finance"
    assert panel.table.item(0, 2).text() == "Sam Okafor"
    assert panel.table.item(0, 3).text().startswith("Owed, due ")
    # A callback asked for on a call is owed too, in the same list.
    WarRoomCommands(sqlite_ctx).add_call(
        outage.incident.id, WarRoomCallDraft("Dana Reyes", callback_wanted=True)
    )
    with qtbot.waitSignal(war_room.snapshot_applied):
        war_room.controller.wrote()
    assert panel.count.text() == "2 owed"
    assert panel.table.item(1, 0).text() == "Priority callback"
    assert panel.table.item(1, 1).text() == "Caller Dana Reyes"
    clock.advance(timedelta(minutes=2))
    panel.table.setFocus()
    panel.table.selectRow(0)
    with qtbot.waitSignal(war_room.snapshot_applied):
        qtbot.keyClick(panel.table, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert panel.table.item(0, 3).text().startswith("Made ")
    assert panel.count.text() == "1 owed"
    panel.table.selectRow(1)
    assert not panel.drop_button.isEnabled()  # a callback is made by calling back, not dropped
    with qtbot.waitSignal(war_room.snapshot_applied):
        qtbot.keyClick(panel.table, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert panel.count.text() == "0 owed"
    statuses = [
        r.gesture.status for r in GoodwillReads(sqlite_ctx).for_incident(outage.incident.id)
    ]
    assert statuses == [GestureStatus.MADE, GestureStatus.MADE]
    assert war_room.statusBar().currentMessage().startswith("Called back")


def test_an_empty_name_is_refused_and_the_form_can_be_sent_again(
    qtbot: QtBot, war_room: WarRoomWindow
) -> None:
    panel = war_room.panels.gestures
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(war_room.operations.dialog, GestureDialog))
    dialog = war_room.operations.dialog
    assert dialog is not None
    with qtbot.waitSignal(war_room.operations.failed) as failed:
        press_ok(qtbot, dialog)
    assert "which caller" in str(failed.args[0])
    assert panel.count.text() == "0 owed"
