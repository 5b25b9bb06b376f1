"""Working the war room with clicks and keys: ticking steps, taking a call, escalating to a
vendor, noting and pinning on the timeline, linking children, and what callers are told."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from app.domain.clock import ManualClock
from app.services.context import ServiceContext
from tests.helpers import open_incident
from tests.ui.war_room.conftest import press_ok
from ui.war_room import WarRoomWindow
from ui.war_room.dialogs import AddCallDialog, CallersMessageDialog, VendorDialog


def check_box_centre(war_room: WarRoomWindow, row: int) -> QPoint:
    view = war_room.panels.checklist.view
    index = view.model().index(row, 0)
    option = QStyleOptionViewItem()
    option.rect = view.visualRect(index)
    option.features = QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
    box = view.style().subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, view)
    return box.center()


def test_a_step_is_ticked_with_a_click_and_unticked_with_space(
    qtbot: QtBot, war_room: WarRoomWindow
) -> None:
    panel = war_room.panels.checklist
    assert panel.count.text() == "0/7 done"
    with qtbot.waitSignal(war_room.snapshot_applied):
        qtbot.mouseClick(
            panel.view.viewport(), Qt.MouseButton.LeftButton, pos=check_box_centre(war_room, 0)
        )
    assert panel.count.text() == "1/7 done"
    assert panel.model.row_at(0).done_by == "Alice"
    assert war_room.panels.timeline.model.row_at(0).summary.startswith("Ticked: ")
    panel.view.setFocus()
    panel.view.setCurrentIndex(panel.model.index(0, 1))  # on the text, not the box
    with qtbot.waitSignal(war_room.snapshot_applied):
        qtbot.keyClick(panel.view, Qt.Key.Key_Space)
    assert panel.count.text() == "0/7 done"
    assert panel.view.currentIndex().row() == 0  # the refresh kept the place
    panel.view.setCurrentIndex(panel.model.index(3, 1))
    with qtbot.waitSignal(war_room.snapshot_applied):
        qtbot.keyClick(panel.view, Qt.Key.Key_Space)
    assert panel.model.row_at(3).done


def test_an_ad_hoc_step_is_added(qtbot: QtBot, war_room: WarRoomWindow) -> None:
    panel = war_room.panels.checklist
    qtbot.keyClicks(panel.new_step, "Ask Legal about lost mail")
    with qtbot.waitSignal(war_room.snapshot_applied):
        qtbot.keyClick(panel.new_step, Qt.Key.Key_Return)
    assert panel.count.text() == "0/8 done"
    assert panel.model.row_at(7).text == "Ask Legal about lost mail"
    assert panel.new_step.text() == ""


def test_a_call_is_taken_and_linked_from_the_call_log(
    qtbot: QtBot, war_room: WarRoomWindow, clock: ManualClock
) -> None:
    panel = war_room.panels.calls
    clock.advance(timedelta(minutes=3))
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    dialog = war_room.operations.dialog
    assert isinstance(dialog, AddCallDialog)
    qtbot.keyClicks(dialog.caller, "Anna Berg")
    qtbot.keyClicks(dialog.symptom, "Outlook says disconnected")
    qtbot.mouseClick(dialog.callback, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.callback_number, "+44 20 7946 0001")
    with qtbot.waitSignal(war_room.snapshot_applied):
        press_ok(qtbot, dialog)
    assert panel.model.rowCount() == 1
    row = panel.model.row_at(0)
    assert (row.caller, row.symptom, row.callback_number) == (
        "Anna Berg",
        "Outlook says disconnected",
        "+44 20 7946 0001",
    )
    assert panel.count.text().startswith("1 call · 1 since ")
    assert panel.count.text().endswith("· 1 to call back")
    assert sum(w.calls for w in panel.chart.windows) == 1
    assert "Calls per 15 minutes" in panel.chart.accessibleDescription()


def test_a_vendor_is_escalated_then_shows_overdue_when_its_eta_passes(
    qtbot: QtBot, war_room: WarRoomWindow, clock: ManualClock
) -> None:
    panel = war_room.panels.vendors
    qtbot.mouseClick(panel.escalate_button, Qt.MouseButton.LeftButton)
    dialog = war_room.operations.dialog
    assert isinstance(dialog, VendorDialog)
    qtbot.keyClicks(dialog.vendor, "Microsoft 365 support")
    qtbot.keyClicks(dialog.reference, "MS-2611-48213")
    with qtbot.waitSignal(war_room.snapshot_applied):
        press_ok(qtbot, dialog)
    state = panel.model.index(0, 1)
    assert panel.model.index(0, 0).data() == "Microsoft 365 support"
    assert state.data() == "Open"  # the form offers an ETA an hour out
    clock.advance(timedelta(hours=1, minutes=1))
    war_room.controller.tick()
    assert state.data() == "Overdue (open)"
    assert panel.count.text() == "1 case · 1 overdue"
    # Edit: the vendor acknowledged and gave a new ETA.
    panel.view.selectRow(0)
    qtbot.mouseClick(panel.edit_button, Qt.MouseButton.LeftButton)
    dialog = war_room.operations.dialog
    assert isinstance(dialog, VendorDialog)
    dialog.state.setCurrentIndex(dialog.state.findData("acknowledged"))
    dialog.eta.setDateTime(dialog.eta.dateTime().addSecs(3600))
    with qtbot.waitSignal(war_room.snapshot_applied):
        press_ok(qtbot, dialog)
    assert state.data() == "Acknowledged"
    assert panel.count.text() == "1 case"


def test_a_note_is_added_pinned_and_found_by_filter(qtbot: QtBot, war_room: WarRoomWindow) -> None:
    panel = war_room.panels.timeline
    qtbot.keyClicks(panel.note, "Bridge call open on +44 20 0000")
    with qtbot.waitSignal(war_room.snapshot_applied):
        qtbot.mouseClick(panel.add_note, Qt.MouseButton.LeftButton)
    assert panel.model.row_at(0).summary == "Bridge call open on +44 20 0000"
    assert not panel.model.row_at(0).pinned
    panel.view.selectRow(0)
    assert panel.pin_button.text() == "Pin"
    with qtbot.waitSignal(war_room.snapshot_applied):
        qtbot.mouseClick(panel.pin_button, Qt.MouseButton.LeftButton)
    panel.set_filter("pinned")
    summaries = [panel.model.row_at(n).summary for n in range(panel.model.rowCount())]
    assert "Bridge call open on +44 20 0000" in summaries
    panel.set_filter("notes")
    assert [panel.model.row_at(n).summary for n in range(panel.model.rowCount())] == [
        "Bridge call open on +44 20 0000"
    ]


def test_children_are_linked_by_number(
    qtbot: QtBot, war_room: WarRoomWindow, sqlite_ctx: ServiceContext
) -> None:
    duplicate = open_incident(sqlite_ctx, "Webmail hangs")
    panel = war_room.panels.children
    qtbot.keyClicks(panel.number, duplicate.number.removeprefix("INC").lstrip("0"))
    with qtbot.waitSignal(war_room.snapshot_applied):
        qtbot.mouseClick(panel.link_button, Qt.MouseButton.LeftButton)
    numbers = [panel.model.row_at(n).number for n in range(panel.model.rowCount())]
    assert numbers == [duplicate.number]
    assert panel.count.text() == "1 linked · 1 open"
    assert panel.number.text() == ""


def test_a_number_that_does_not_exist_is_explained_in_the_banner(
    qtbot: QtBot, war_room: WarRoomWindow
) -> None:
    panel = war_room.panels.children
    qtbot.keyClicks(panel.number, "9999")
    with qtbot.waitSignal(war_room.operations.failed):
        qtbot.keyClick(panel.number, Qt.Key.Key_Return)
    assert war_room.panels.banner.isVisible()
    assert "There is no incident INC0009999" in war_room.panels.banner.message.text()
    assert panel.number.text() == "9999"  # nothing typed is lost


def test_what_to_tell_callers_is_edited_and_copied_in_one_click(
    qtbot: QtBot, war_room: WarRoomWindow
) -> None:
    panel = war_room.panels.callers
    assert panel.message.text() == "Nothing agreed yet: post an update to all users."
    qtbot.mouseClick(panel.edit_button, Qt.MouseButton.LeftButton)
    dialog = war_room.operations.dialog
    assert isinstance(dialog, CallersMessageDialog)
    qtbot.keyClicks(dialog.message, "Email is down for everyone; we are on it.")
    qtbot.keyClicks(dialog.workaround, "Use Teams chat.")
    with qtbot.waitSignal(war_room.snapshot_applied):
        press_ok(qtbot, dialog)
    assert panel.message.text() == "Email is down for everyone; we are on it."
    assert panel.workaround.text() == "Workaround: Use Teams chat."
    qtbot.mouseClick(panel.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == (
        "Email is down for everyone; we are on it.\nWorkaround: Use Teams chat."
    )
