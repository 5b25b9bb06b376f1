"""The console starting on a damaged or locked local file: the dialog names the file and the last
backup, and its buttons restore, start empty, retry or quit; the console then opens."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QPushButton
from pytestqt.qtbot import QtBot

from app.adapters.secrets import PasswordVault
from app.bootstrap import Session, start
from app.services.admin.local_file_recovery import LocalFileDamaged, LocalFileLocked, backup_if_due
from app.services.incidents.reads import IncidentReads
from app.settings import Settings
from tests.local_files import (  # noqa: F401  (fixtures)
    NOW,
    Locker,
    damage,
    local_database,
    short_busy_timeout,
)
from ui.console import _open
from ui.local_file_dialog import LocalFileDialog
from ui.task_runner import TaskRunner


@pytest.fixture
def open_console(qtbot: QtBot) -> Iterator[Callable[[Settings], Session | None]]:
    """The console's start-up (`ui.console._open`), as `calmdesk` runs it."""
    opened: list[Session] = []

    def run(settings: Settings) -> Session | None:
        args = argparse.Namespace(exit_when_ready=False)
        result = _open(args, settings, PasswordVault(), TaskRunner(synchronous=True))
        if result is None:
            return None
        opened.append(result[0])
        return result[0]

    yield run
    for session in opened:
        session.ctx.db.dispose()


@dataclass
class Seen:
    """What the dialog showed, read before the click (it is deleted once it closed)."""

    problem: object = None
    text: str = ""
    advice: str = ""
    buttons: set[str] = field(default_factory=set)


def click_in_dialog(
    qtbot: QtBot, button: Callable[[LocalFileDialog], QPushButton], shot: str = ""
) -> Seen:
    """Once the start-up dialog is up, click one of its buttons (as the user would)."""
    seen = Seen()

    def click() -> None:
        qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), LocalFileDialog))
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, LocalFileDialog)
        seen.problem = dialog.problem
        seen.text = " ".join(label.text() for label in dialog.findChildren(QLabel))
        seen.advice = dialog.advice.text()
        seen.buttons = {
            b.text().replace("&", "") for b in dialog.findChildren(QPushButton) if b.isVisible()
        }
        if shot and os.environ.get("CALMDESK_SCREENSHOTS"):
            dialog.grab().save(os.path.join(os.environ["CALMDESK_SCREENSHOTS"], shot))
        qtbot.mouseClick(button(dialog), Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, click)
    return seen


def _incidents(session: Session | None) -> int:
    assert session is not None
    return IncidentReads(session.ctx).count()


def test_the_console_restores_the_last_backup_of_a_damaged_file(
    qtbot: QtBot, open_console: Callable[[Settings], Session | None]
) -> None:
    settings, file = local_database(3)
    backup = backup_if_due(file, settings.backup_dir, NOW)
    garbage = damage(file)

    seen = click_in_dialog(qtbot, lambda d: d.restore_button, "local-file-damaged.png")
    session = open_console(settings)

    assert "The database file is damaged." in seen.text
    assert str(file) in seen.text
    assert str(backup) in seen.text
    assert "from 5 Jan 2026 09:00" in seen.text
    assert seen.buttons == {"Restore the last backup", "Start with an empty database", "Quit"}
    assert _incidents(session) == 3  # the backup's data
    (kept,) = file.parent.glob("calmdesk-damaged-*.sqlite3")
    assert kept.read_bytes() == garbage
    assert kept.name in seen.advice


def test_without_a_backup_the_console_can_start_empty_and_keeps_the_damaged_file(
    qtbot: QtBot, open_console: Callable[[Settings], Session | None]
) -> None:
    settings, file = local_database(3)
    garbage = damage(file)

    seen = click_in_dialog(qtbot, lambda d: d.empty_button, "local-file-no-backup.png")
    session = open_console(settings)

    assert seen.buttons == {"Start with an empty database", "Quit"}
    assert "No backup yet." in seen.text
    assert _incidents(session) == 0
    (kept,) = file.parent.glob("calmdesk-damaged-*.sqlite3")
    assert kept.read_bytes() == garbage


def test_quit_leaves_the_damaged_file_where_it_was(
    qtbot: QtBot, open_console: Callable[[Settings], Session | None]
) -> None:
    settings, file = local_database(1)
    garbage = damage(file)
    click_in_dialog(qtbot, lambda d: d.quit_button)
    assert open_console(settings) is None
    assert file.read_bytes() == garbage
    assert list(file.parent.glob("calmdesk-damaged-*")) == []


@pytest.mark.usefixtures("short_busy_timeout")
def test_a_locked_file_offers_retry_and_opens_once_the_other_program_lets_go(
    qtbot: QtBot, open_console: Callable[[Settings], Session | None]
) -> None:
    settings, file = local_database(2)
    locker = Locker(file)
    try:

        def release_then_retry(dialog: LocalFileDialog) -> QPushButton:
            locker.release()  # the user closed the other program
            return dialog.retry_button

        seen = click_in_dialog(qtbot, release_then_retry, "local-file-locked.png")
        session = open_console(settings)
    finally:
        locker.release()

    assert isinstance(seen.problem, LocalFileLocked)
    assert "Another program is using the database file." in seen.text
    assert str(file) in seen.text
    assert f"process {locker.process.pid}" in seen.text or not Path("/proc/locks").exists()
    assert "choose Retry" in seen.advice
    assert seen.buttons == {"Retry", "Quit"}
    assert _incidents(session) == 2


def test_a_failed_restore_is_said_in_the_dialog_which_stays_open(
    qtbot: QtBot, tmp_path: Path
) -> None:
    settings, file = local_database(1)
    backup = backup_if_due(file, settings.backup_dir, NOW)
    damage(file)
    with pytest.raises(LocalFileDamaged) as raised:
        start(settings)
    assert backup is not None
    backup.unlink()  # gone between the message and the click
    dialog = LocalFileDialog(raised.value)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.error.isVisible()
    assert "could not read the backup" in dialog.error.text()
