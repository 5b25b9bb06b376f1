"""The main window, driven like an agent would: keys, clicks, real dialogs."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QMessageBox,
)
from pytestqt.qtbot import QtBot

from app.services.imports.commands import import_servicenow
from app.services.incidents.commands import IncidentCommands, IncidentDraft
from app.services.incidents.queue_filters import COLUMNS, Column, QuickFilter
from app.services.incidents.reads import IncidentReads
from tests.demo_sample import LoadDemo
from tests.helpers import FIXTURES_DIR
from ui.connection.connection_dialog import ConnectionDialog
from ui.console_context import ConsoleContext
from ui.dialogs.link_major_dialog import LinkMajorDialog
from ui.import_dialog.import_dialog import ImportDialog
from ui.main_window import MainWindow
from ui.queue import queue_controller

FIRST50 = FIXTURES_DIR / "servicenow_first50.csv"


def _window(qtbot: QtBot, console: ConsoleContext) -> MainWindow:
    window = MainWindow(console)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # activation is asynchronous, even offscreen
    with qtbot.waitSignal(window.queue_loaded):
        window.start()
    return window


def _answer_next_modal(qtbot: QtBot, handle: Callable[[QDialog], None]) -> None:
    """Deal with the next modal dialog as soon as it opens (dialogs block in exec())."""

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, act)
            return
        assert isinstance(dialog, QDialog)
        handle(dialog)

    QTimer.singleShot(0, act)


def test_window_is_titled_and_every_key_control_is_named(
    qtbot: QtBot,
    console: ConsoleContext,
    demo: LoadDemo,
) -> None:
    demo(console.services)
    window = _window(qtbot, console)
    assert window.windowTitle() == "Calmdesk"
    assert window.table.accessibleName() == "Incident queue"
    assert window.panel.search.accessibleName() == "Search incidents"
    assert window.panel.filters.accessibleName() == "Quick filters"
    assert "Local file" in window.database_label.text()
    assert console.services.actor.name in window.agent_label.text()
    assert "Connected" in window.health_label.text()
    assert window.menus.new_action.toolTip() == "New incident (Ctrl+N)"


def test_major_filter_finds_the_email_outage_with_one_click(
    qtbot: QtBot,
    console: ConsoleContext,
    demo: LoadDemo,
) -> None:
    demo(console.services)
    window = _window(qtbot, console)
    qtbot.mouseClick(window.panel.filters.buttons[QuickFilter.MAJOR], Qt.MouseButton.LeftButton)
    model = window.queue.model
    assert model.rowCount() == 1
    assert model.row_at(0).number == "INC0000201"
    assert model.row_at(0).calls == 30


def test_ctrl_f_then_typing_filters_the_queue(
    qtbot: QtBot, console: ConsoleContext, demo: LoadDemo
) -> None:
    demo(console.services)
    window = _window(qtbot, console)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.panel.search.hasFocus()
    qtbot.keyClicks(window.panel.search, "webmail hangs")
    qtbot.waitUntil(lambda: window.queue.model.rowCount() == 1)
    qtbot.keyClick(window.panel.search, Qt.Key.Key_Return)
    assert window.table.hasFocus()
    assert window.table.current_incident_id() == window.queue.model.row_at(0).id


def test_filter_and_column_layout_are_remembered_per_agent(
    qtbot: QtBot,
    console: ConsoleContext,
    demo: LoadDemo,
) -> None:
    demo(console.services)
    window = _window(qtbot, console)
    qtbot.mouseClick(window.panel.filters.buttons[QuickFilter.ON_HOLD], Qt.MouseButton.LeftButton)
    service = COLUMNS.index(Column.SERVICE)
    window.table.setColumnWidth(service, 222)
    window.table.horizontalHeader().moveSection(COLUMNS.index(Column.TEAM), 0)
    window.close()
    again = _window(qtbot, console)
    assert again.queue.model.quick_filter == QuickFilter.ON_HOLD
    assert again.panel.filters.buttons[QuickFilter.ON_HOLD].isChecked()
    assert again.table.columnWidth(service) == 222
    assert again.table.horizontalHeader().logicalIndex(0) == COLUMNS.index(Column.TEAM)


def test_empty_database_offers_a_welcome_and_loads_the_sample(
    qtbot: QtBot, console: ConsoleContext
) -> None:
    window = _window(qtbot, console)
    assert window.stack.currentWidget() is window.welcome
    for name in ("Load the sample data", "Connect to a team database", "Start empty"):
        assert any(
            b.accessibleName() == name
            for b in window.welcome.findChildren(type(window.welcome.sample_button))
        )
    with qtbot.waitSignal(window.queue_loaded, timeout=20_000):
        qtbot.mouseClick(window.welcome.sample_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.panel
    assert window.queue.model.rowCount() > 100


def test_welcome_start_empty_goes_to_the_queue_and_is_remembered(
    qtbot: QtBot, console: ConsoleContext
) -> None:
    window = _window(qtbot, console)
    qtbot.mouseClick(window.welcome.empty_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.panel
    window.close()
    again = _window(qtbot, console)
    assert again.stack.currentWidget() is again.panel


def test_welcome_connect_with_a_bad_server_says_why_and_stays(
    qtbot: QtBot, console: ConsoleContext
) -> None:
    window = _window(qtbot, console)
    said: list[str] = []

    def try_a_bad_server(dialog: QDialog) -> None:
        assert isinstance(dialog, ConnectionDialog)
        dialog.server_choice.setChecked(True)
        for field, value in ((dialog.host, "127.0.0.1"), (dialog.user, "nobody")):
            field.clear()
            qtbot.keyClicks(field, value)
        dialog.port.setValue(1)
        qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
        said.append(dialog.result_label.text())
        dialog.reject()

    _answer_next_modal(qtbot, try_a_bad_server)
    with qtbot.assertNotEmitted(window.database_switch_requested):
        qtbot.mouseClick(window.welcome.connect_button, Qt.MouseButton.LeftButton)
    assert "Cannot reach" in said[0]
    assert window.stack.currentWidget() is window.welcome


def test_bulk_link_to_the_major_incident_through_the_dialog(
    qtbot: QtBot,
    console: ConsoleContext,
    demo: LoadDemo,
) -> None:
    demo(console.services)
    commands = IncidentCommands(console.services)
    a = commands.open(IncidentDraft(title="Outlook keeps crashing today", impact=3, urgency=3))
    b = commands.open(IncidentDraft(title="Outlook keeps crashing again", impact=3, urgency=3))
    window = _window(qtbot, console)
    qtbot.keyClicks(window.panel.search, "outlook keeps crashing")
    window.panel.apply_search_now()
    assert window.queue.model.rowCount() == 2
    window.table.selectAll()

    def pick_major(dialog: QDialog) -> None:
        assert isinstance(dialog, LinkMajorDialog)
        dialog.major.select_id(IncidentReads(console.services).find_by_number("INC0000201").id)
        ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        _answer_next_modal(qtbot, confirm)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    def confirm(box: QDialog) -> None:
        assert isinstance(box, QMessageBox)
        assert "Link 2 incidents?" in box.text()
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)

    _answer_next_modal(qtbot, pick_major)
    window.menus.link_action.trigger()
    reads = IncidentReads(console.services)
    assert reads.detail(a.id).parent_number == "INC0000201"
    assert reads.detail(b.id).parent_number == "INC0000201"
    assert {window.queue.model.row_for_id(i).parent_id for i in (a.id, b.id)} == {  # type: ignore[union-attr]
        reads.find_by_number("INC0000201").id
    }


def test_a_change_from_another_window_updates_the_row_and_keeps_the_selection(
    qtbot: QtBot,
    console: ConsoleContext,
    demo: LoadDemo,
) -> None:
    demo(console.services)
    window = _window(qtbot, console)
    window.table.selectRow(5)
    selected = window.table.current_incident_id()
    assert selected is not None
    other = _window(qtbot, console)  # a second window of the same console
    detail = IncidentReads(console.services).detail(selected)
    IncidentCommands(console.services).edit(
        selected, detail.version, {"title": "Renamed elsewhere"}
    )
    with qtbot.waitSignal(window.queue.changes_applied):
        console.hub.poll_now()
    assert window.queue.model.row_for_id(selected).title == "Renamed elsewhere"  # type: ignore[union-attr]
    assert window.table.current_incident_id() == selected
    assert window.table.selectionModel().isRowSelected(window.table.currentIndex().row())
    other.close()


def test_assign_to_me_on_the_selection(
    qtbot: QtBot, console: ConsoleContext, demo: LoadDemo
) -> None:
    demo(console.services)
    window = _window(qtbot, console)
    qtbot.mouseClick(
        window.panel.filters.buttons[QuickFilter.UNASSIGNED], Qt.MouseButton.LeftButton
    )
    first = window.queue.model.row_at(0)
    window.table.selectionModel().select(
        window.queue.model.index(0, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    qtbot.keyClick(window.table, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert (
        IncidentReads(console.services).detail(first.id).assignee_id
        == console.services.actor.agent_id
    )
    assert window.queue.model.row_for_id(first.id).assignee_id == console.services.actor.agent_id  # type: ignore[union-attr]


def test_exit_when_ready_prints_the_time_and_count(tmp_path: Path) -> None:
    env = {**os.environ, "CALMDESK_HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    subprocess.run(
        [sys.executable, "-m", "app.cli", "demo"], env=env, check=True, capture_output=True
    )
    result = subprocess.run(
        [sys.executable, "-m", "ui.launcher", "--exit-when-ready"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    ready, complete = result.stdout.strip().splitlines()  # first rows painted, then all in
    assert ready.startswith("ready in "), ready
    assert complete.startswith("complete in "), complete
    counts = [int(line.split(": ")[1].removesuffix(" incidents")) for line in (ready, complete)]
    assert counts[1] > 100
    assert counts[0] == min(counts[1], queue_controller.FIRST_PAGE_ROWS)


def test_f9_opens_one_wallboard(qtbot: QtBot, console: ConsoleContext, demo: LoadDemo) -> None:
    demo(console.services)
    window = _window(qtbot, console)
    qtbot.keyClick(window.table, Qt.Key.Key_F9)
    board = window.windows.wallboard
    assert board is not None
    assert board.accessibleName() == "Wallboard"
    qtbot.keyClick(window.table, Qt.Key.Key_F9)
    assert window.windows.wallboard is board  # raised, not opened twice
    board.close()
    qtbot.waitUntil(lambda: window.windows.wallboard is None)


def test_enter_opens_the_selected_incident_in_the_editor_and_saving_updates_the_row(
    qtbot: QtBot,
    console: ConsoleContext,
    demo: LoadDemo,
) -> None:
    demo(console.services)
    window = _window(qtbot, console)
    window.table.selectRow(3)
    row = window.queue.model.row_at(3)
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    assert window.editor_dock.isVisible()
    assert window.editor.incident_id() == row.id
    title = window.editor.form.title
    title.selectAll()
    qtbot.keyClicks(title, "Renamed from the editor")
    qtbot.keyClick(title, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: window.queue.model.row_for_id(row.id).title == "Renamed from the editor"
    )  # type: ignore[union-attr]
    assert window.table.current_incident_id() == row.id


def test_ctrl_n_opens_an_empty_editor_with_the_title_focused(
    qtbot: QtBot,
    console: ConsoleContext,
    demo: LoadDemo,
) -> None:
    demo(console.services)
    window = _window(qtbot, console)
    qtbot.keyClick(window.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.editor_dock.isVisible()
    assert window.editor.incident_id() is None
    assert window.editor.form.title.hasFocus()
    assert window.editor.form.title.text() == ""


def _history(console: ConsoleContext) -> int:
    """The ServiceNow fixture's 50 incidents, every one closed or resolved long ago; the id of
    INC0000045."""
    import_servicenow(console.services, FIRST50)
    return IncidentReads(console.services).find_by_number("INC0000045").id


def test_a_database_of_closed_history_opens_on_its_queue_not_the_welcome(
    qtbot: QtBot, console: ConsoleContext
) -> None:
    _history(console)
    window = _window(qtbot, console)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.panel)
    assert window.queue.model.rowCount() == 0
    assert (
        "50 in the history: Ctrl+G opens one by its number" in window.statusBar().currentMessage()
    )


def test_ctrl_g_opens_any_incident_by_its_number_closed_ones_too(
    qtbot: QtBot, console: ConsoleContext
) -> None:
    closed = _history(console)
    window = _window(qtbot, console)

    def type_45(dialog: QDialog) -> None:
        assert isinstance(dialog, QInputDialog)
        dialog.setTextValue("45")
        dialog.accept()

    _answer_next_modal(qtbot, type_45)
    qtbot.keyClick(window.table, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.editor_dock.isVisible())
    assert window.editor.incident_id() == closed
    assert window.queue.model.row_for_id(closed) is None  # not in the queue: closed in 2016
    assert "opened 29 Feb 2016" in window.editor.header.meta.text()  # another year: said

    def type_unknown(dialog: QDialog) -> None:
        assert isinstance(dialog, QInputDialog)
        dialog.setTextValue("inc 999999")
        dialog.accept()

    window.activateWindow()  # as the desktop does when the dialog closes (offscreen: by hand)
    qtbot.waitUntil(window.isActiveWindow)
    _answer_next_modal(qtbot, type_unknown)
    qtbot.keyClick(window.editor.form.title, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: window.statusBar().currentMessage() == "There is no incident INC0999999."
    )
    assert window.editor.incident_id() == closed


def test_the_welcome_imports_history_then_shows_the_queue(
    qtbot: QtBot, console: ConsoleContext
) -> None:
    window = _window(qtbot, console)
    assert window.stack.currentWidget() is window.welcome
    assert window.welcome.import_button.isVisible()
    qtbot.mouseClick(window.welcome.import_button, Qt.MouseButton.LeftButton)
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ImportDialog))
    qtbot.addWidget(dialog)
    dialog.file_edit.setText(str(FIRST50))
    with qtbot.waitSignal(window.windows.imported) as imported:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert imported.args == [50]
    assert window.stack.currentWidget() is window.panel
