"""A console connected to one database shows the changes this computer kept for another (its
identity differs), in the status bar and the outbox window, and never sends them there."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.adapters.outbox_store import OutboxStore
from app.db.engine import open_database
from app.db.migrate import upgrade
from app.domain.clock import ManualClock
from app.services.calls.drafts import new_client_uuid
from app.services.calls.dto import CallDraft
from app.services.context import ServiceContext
from app.services.directory.reads import sign_in
from app.services.offline.operations import LogCall
from app.services.offline.outbox import Outbox
from app.settings import load_settings
from tests.ui.calls.conftest import show_console
from ui.console_context import OUTBOX_FILE, ConsoleContext
from ui.live.outbox_window import OutboxWindow
from ui.task_runner import TaskRunner


def test_changes_kept_for_another_database_are_shown_not_sent(
    qtbot: QtBot, ctx: ServiceContext, clock: ManualClock, tmp_path: Path
) -> None:
    settings = load_settings()
    other = open_database(f"sqlite:///{(tmp_path / 'other-team.sqlite3').as_posix()}")
    upgrade(other)
    theirs = ServiceContext(db=other, clock=clock, actor=sign_in(other, "admin.bo", "Bo"))
    outbox = Outbox(theirs, OutboxStore(settings.data_dir / OUTBOX_FILE))
    outbox.find_kept()
    outbox.note_unavailable("The share is gone")
    outbox.submit(LogCall(CallDraft(new_client_uuid(), caller_name="Other team caller")))

    console = ConsoleContext.build(settings, ctx, TaskRunner(synchronous=True))
    ui = show_console(qtbot, console)
    button = ui.window.offline_button
    qtbot.waitUntil(button.isVisible)
    assert button.text() == "⚠ 1 change kept for another database"
    assert ui.window.health_label.text().startswith("●")  # this database answers

    window = OutboxWindow(console.offline, ui.window)
    qtbot.addWidget(window)
    assert window.model.rowCount() == 1
    assert window.model.index(0, 1).data() == "Call from Other team caller"
    assert window.model.index(0, 2).data().startswith("Kept for another database (local file")
    assert not window.retry_button.isEnabled()  # it cannot be sent from here
    assert window.discard_button.isEnabled()
    assert window.copy_button.isEnabled()
    qtbot.mouseClick(window.try_button, Qt.MouseButton.LeftButton)
    assert window.model.rowCount() == 1  # still there: not sent to this database
    other.dispose()
