"""The console when the shared database goes away mid-shift, for real (the network to PostgreSQL
is cut by a proxy): the queue stays readable, calls and notes are still taken and kept, the
status bar says so plainly, and everything arrives once when the line is back."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.adapters.outbox_store import OutboxStore
from app.db.engine import open_database
from app.db.models import Call, TimelineEvent
from app.domain.clock import ManualClock, SystemClock
from app.services.context import ServiceContext
from app.services.directory.reads import sign_in
from app.services.offline.outbox import Outbox
from app.settings import load_settings
from tests.helpers import CutLine, open_incident
from tests.ui.calls.conftest import open_form_with_keys, press, show_console, type_here
from ui.console_context import OUTBOX_FILE, ConsoleContext
from ui.live.outbox_window import OutboxWindow
from ui.task_runner import TaskRunner

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[3]


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


def test_a_silent_line_is_shown_as_offline_and_the_call_is_kept_with_its_time(
    qtbot: QtBot, cut_console: ConsoleContext, pg_through_proxy: CutLine, clock: ManualClock
) -> None:
    """Packets dropped, no reset (Wi-Fi gone): the console notices within its deadlines, the
    status bar says so, the health line never claims "Connected", and the call arrives later
    as of when it was taken."""
    line = pg_through_proxy
    ui = show_console(qtbot, cut_console)
    window, form = ui.window, ui.calls.form
    line.proxy.silence()
    open_form_with_keys(qtbot, ui)
    taken_at = clock.now()
    type_here(qtbot, "Silent caller")
    press(qtbot, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: "saved on this computer" in form.status.text())
    assert form.is_blank()
    qtbot.waitUntil(window.offline_button.isVisible)
    assert "1 change waiting" in window.offline_button.text()
    assert window.health_label.text().startswith("○ Offline")
    assert "Connected" not in window.health_label.text()

    clock.advance(timedelta(minutes=15))
    line.proxy.restore()
    with qtbot.waitSignal(cut_console.offline.reconnected):
        cut_console.offline.try_now()
    with line.direct.read() as session:
        times = session.execute(
            select(Call.at, Call.made_at).where(Call.caller_name == "Silent caller")
        ).one()
    assert tuple(times) == (clock.now(), taken_at)  # recorded then, taken at taken_at


def test_a_call_is_on_disk_before_the_form_clears_even_if_the_console_is_killed_right_then(
    pg_through_proxy: CutLine, tmp_path: Path
) -> None:
    """The real call form in its own process, the line silent so the call cannot be sent: the
    process is killed with SIGKILL the moment the form clears. The call is in the outbox file,
    and a console started afterwards sends it."""
    line = pg_through_proxy
    sign_in(line.direct, "admin.alice", "Alice")
    home = tmp_path / "home"
    env = {**os.environ, "CALMDESK_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.ui.live.call_form_driver", line.url, "Killed caller"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stdin is not None
    assert process.stdout is not None
    try:
        assert process.stdout.readline().strip() == "READY"
        line.proxy.silence()
        process.stdin.write("GO\n")
        process.stdin.flush()
        assert process.stdout.readline().strip() == "CLEARED"
        process.send_signal(signal.SIGKILL)  # right after the form cleared: no clean-up at all
    finally:
        process.kill()
        process.wait(timeout=30)
        process.stdout.close()
        process.stdin.close()
    assert process.returncode == -signal.SIGKILL
    line.proxy.restore()

    outbox_file = load_settings({"CALMDESK_HOME": str(home)}).data_dir / OUTBOX_FILE
    db = open_database(line.url)
    ctx = ServiceContext(db=db, clock=SystemClock(), actor=sign_in(db, "admin.alice", "Alice"))
    restarted = Outbox(ctx, OutboxStore(outbox_file))
    assert [e.summary for e in restarted.entries()] == ["Call from Killed caller: Cannot print"]
    restarted.reconnect()
    assert calls_named(line, "Killed caller") == 1
    db.dispose()
