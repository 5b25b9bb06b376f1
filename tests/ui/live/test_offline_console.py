"""The console when the shared database goes away mid-shift, for real (the network to PostgreSQL
is cut by a proxy): the queue stays readable, calls and notes are still taken and kept, the
status bar says so plainly, and everything arrives once when the line is back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.db.engine import open_database
from app.db.models import Call, TimelineEvent
from app.domain.clock import ManualClock
from app.services.context import ServiceContext
from app.services.directory.reads import sign_in
from app.settings import load_settings
from tests.helpers import CutLine, open_incident
from tests.ui.calls.conftest import open_form_with_keys, press, show_console, type_here
from ui.console_context import ConsoleContext
from ui.live.outbox_window import OutboxWindow
from ui.task_runner import TaskRunner

pytestmark = pytest.mark.postgres


def calls_named(line: CutLine, prefix: str) -> int:
    with line.direct.read() as session:
        query = select(func.count()).select_from(Call).where(Call.caller_name.like(f"{prefix}%"))
        return int(session.scalar(query) or 0)


def notes_saying(line: CutLine, text: str) -> int:
    with line.direct.read() as session:
        query = select(func.count()).select_from(TimelineEvent)
        return int(session.scalar(query.where(TimelineEvent.summary == text)) or 0)


@pytest.fixture
def cut_console(
    pg_through_proxy: CutLine, clock: ManualClock, qtbot: QtBot
) -> Iterator[ConsoleContext]:
    db = open_database(pg_through_proxy.url)
    ctx = ServiceContext(db=db, clock=clock, actor=sign_in(db, "admin.alice", "Alice Admin"))
    open_incident(ctx, "Printers on floor 3 offline")
    yield ConsoleContext.build(load_settings(), ctx, TaskRunner(synchronous=True))
    db.dispose()


def test_calls_and_notes_taken_while_the_database_is_cut_arrive_once_when_it_is_back(
    qtbot: QtBot, cut_console: ConsoleContext, pg_through_proxy: CutLine, tmp_path: Path
) -> None:
    line = pg_through_proxy
    ui = show_console(qtbot, cut_console)
    window = ui.window
    assert window.queue.model.rowCount() == 1
    assert window.offline_button.isHidden()

    window.table.setFocus()
    window.table.selectRow(0)
    qtbot.keyClick(window.table, Qt.Key.Key_Return)  # the agent opens the incident...
    qtbot.waitUntil(window.editor.notes.add_note.isEnabled)

    line.proxy.cut()  # ...and the network to the server goes
    form = ui.calls.form
    open_form_with_keys(qtbot, ui)
    for n in range(1, 4):
        type_here(qtbot, f"Offline caller {n}")
        press(qtbot, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "saved on this computer" in form.status.text())
        assert form.is_blank(), "the form is ready for the next caller"
    form.hide()

    assert calls_named(line, "Offline caller") == 0  # nothing could reach the server
    qtbot.waitUntil(window.offline_button.isVisible)
    assert window.offline_button.text().startswith("⚠ Offline since 09:00")
    assert "3 changes waiting" in window.offline_button.text()
    assert window.queue.model.rowCount() == 1, "the last known queue stays readable"

    # A note on the incident the agent had open when the line went, typed while it is cut.
    notes = window.editor.notes
    qtbot.keyClicks(notes.note, "Vendor says the print server is rebooting")
    qtbot.mouseClick(notes.add_note, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "4 changes waiting" in window.offline_button.text())
    assert notes.note.toPlainText() == ""

    outbox = OutboxWindow(cut_console.offline, window)
    qtbot.addWidget(outbox)
    assert outbox.model.rowCount() == 4
    assert outbox.model.index(0, 1).data() == "Call from Offline caller 1"
    assert outbox.model.index(3, 2).data() == "Waiting to send"

    line.proxy.restore()
    with qtbot.waitSignal(cut_console.offline.reconnected):
        qtbot.mouseClick(outbox.try_button, Qt.MouseButton.LeftButton)

    assert calls_named(line, "Offline caller") == 3
    assert notes_saying(line, "Vendor says the print server is rebooting") == 1
    qtbot.waitUntil(window.offline_button.isHidden)
    assert outbox.model.rowCount() == 0
    assert "Nothing is waiting" in outbox.headline.text()


def test_an_incident_first_opened_while_offline_shows_the_queue_copy_and_takes_notes(
    qtbot: QtBot, cut_console: ConsoleContext, pg_through_proxy: CutLine
) -> None:
    line = pg_through_proxy
    ui = show_console(qtbot, cut_console)
    window, editor = ui.window, ui.window.editor
    line.proxy.cut()
    window.table.setFocus()
    window.table.selectRow(0)
    qtbot.keyClick(window.table, Qt.Key.Key_Return)  # never opened before the line went
    qtbot.waitUntil(editor.message_banner.isVisible)
    assert editor.heading.text().endswith("Printers on floor 3 offline")
    assert "the queue's copy" in editor.meta.text()
    assert "Offline: this is the queue's copy" in editor.message_banner.message.text()
    assert editor.form.isHidden()  # not an empty form that reads as an empty incident
    assert not editor.save_button.isEnabled()  # nothing to save over: Ctrl+S does nothing either

    notes = editor.notes
    assert notes.add_note.isEnabled()
    qtbot.keyClicks(notes.note, "Caller says floor 4 printers are fine")
    qtbot.mouseClick(notes.add_note, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "1 change waiting" in window.offline_button.text())

    line.proxy.restore()
    with qtbot.waitSignal(cut_console.offline.reconnected):
        cut_console.offline.try_now()
    assert notes_saying(line, "Caller says floor 4 printers are fine") == 1
    qtbot.keyClick(window.table, Qt.Key.Key_Return)  # back online: the whole form opens
    qtbot.waitUntil(editor.form.isVisible)
    assert editor.save_button.isEnabled()
    assert not editor.message_banner.isVisible()
