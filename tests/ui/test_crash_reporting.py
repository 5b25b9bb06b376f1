"""A bug in the console: a report in the log folder without secrets, one calm dialog per burst,
and a Restart that starts the console again."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from app import __version__
from app.settings import load_settings
from ui.crash_dialog import CrashDialog
from ui.crash_log import CrashReporter, Restarter, install_crash_reporting, restart_command
from ui.task_runner import TaskRunner, UnexpectedError

SECRET = "Zq7-planted-password"
TEAM_URL = f"postgresql://agent:{SECRET}@db.example.com:5432/calmdesk"

# The reporter takes over sys.excepthook; pytest-qt's own capture would take the error first.
pytestmark = pytest.mark.qt_no_exception_capture


class Restarts:
    def __init__(self) -> None:
        self.asked = 0

    def __call__(self) -> None:
        self.asked += 1


@pytest.fixture
def restarts() -> Restarts:
    return Restarts()


@pytest.fixture
def reporter(qtbot: QtBot, restarts: Restarts) -> Iterator[CrashReporter]:
    settings = load_settings(db_url=TEAM_URL)
    runner = TaskRunner(synchronous=True)
    installed = install_crash_reporting(settings.log_dir, settings.db_url, runner, restarts)
    installed.runner = runner  # type: ignore[attr-defined]
    yield installed
    installed.uninstall()
    if installed.dialog is not None:
        installed.dialog.close()


def _crashing_button(qtbot: QtBot) -> QPushButton:
    button = QPushButton("Refresh")
    qtbot.addWidget(button)

    def _on_refresh_clicked() -> None:
        raise RuntimeError(f"cannot refresh: password={SECRET} for {TEAM_URL}")

    button.clicked.connect(_on_refresh_clicked)
    button.show()
    return button


def _shown_dialog(qtbot: QtBot, reporter: CrashReporter) -> CrashDialog:
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    assert reporter.dialog is not None
    return reporter.dialog


def test_an_error_in_a_slot_writes_a_report_without_secrets_and_offers_restart(
    qtbot: QtBot, reporter: CrashReporter, restarts: Restarts, tmp_path: Path
) -> None:
    button = _crashing_button(qtbot)
    with qtbot.waitSignal(reporter.report_written) as written:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    report = Path(written.args[0])
    assert report.parent == load_settings().log_dir
    assert report.name.startswith("crash-")
    text = report.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text
    assert "_on_refresh_clicked" in text
    assert "RuntimeError: cannot refresh: password=***" in text
    assert f"Version:   {__version__}" in text
    assert "Database:  postgresql: PostgreSQL calmdesk on db.example.com:5432" in text
    for folder in (load_settings().log_dir, tmp_path):
        for file in folder.rglob("*"):
            if file.is_file():
                assert SECRET not in file.read_text(encoding="utf-8", errors="replace"), file

    dialog = _shown_dialog(qtbot, reporter)
    assert dialog.headline.text() == (
        "Calmdesk hit a problem it did not expect. Your saved work is safe."
    )
    assert str(report) in dialog.message.text()
    dialog.grab().save(str(tmp_path / "crash-dialog.png"))
    if os.environ.get("CALMDESK_SCREENSHOTS"):
        dialog.grab().save(os.path.join(os.environ["CALMDESK_SCREENSHOTS"], "crash-dialog.png"))

    qtbot.mouseClick(dialog.restart_button, Qt.MouseButton.LeftButton)
    assert restarts.asked == 1
    assert not dialog.isVisible()


def test_a_burst_of_errors_shows_one_dialog_and_one_report(
    qtbot: QtBot, reporter: CrashReporter, restarts: Restarts
) -> None:
    button = _crashing_button(qtbot)
    shown: list[object] = []
    reporter.dialog_shown.connect(shown.append)
    for _ in range(5):
        with qtbot.waitSignal(reporter.report_written):
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = _shown_dialog(qtbot, reporter)
    assert len(shown) == 1
    assert len(list(load_settings().log_dir.glob("crash-*.txt"))) == 1
    assert dialog.report.read_text(encoding="utf-8").count("another error at") == 4

    qtbot.mouseClick(dialog.keep_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert restarts.asked == 0


def test_an_error_in_a_thread_or_a_background_task_is_reported_too(
    qtbot: QtBot, reporter: CrashReporter
) -> None:
    def broken_watcher() -> None:
        raise ValueError(f"watcher fell over near {TEAM_URL}")

    with qtbot.waitSignal(reporter.report_written) as written:
        thread = threading.Thread(target=broken_watcher, name="live-watcher")
        thread.start()
        thread.join()
    text = Path(written.args[0]).read_text(encoding="utf-8")
    assert "Where: thread 'live-watcher'" in text
    assert "ValueError: watcher fell over" in text
    assert SECRET not in text

    errors: list[Exception] = []
    runner: TaskRunner = reporter.runner  # type: ignore[attr-defined]
    with qtbot.waitSignal(reporter.report_written) as written:
        runner.submit(lambda: 1 / 0, on_error=errors.append)
    assert isinstance(errors[0], UnexpectedError)
    assert "ZeroDivisionError" in Path(written.args[0]).read_text(encoding="utf-8")
    assert len(list(load_settings().log_dir.glob("crash-*.txt"))) == 1  # the same burst
    _shown_dialog(qtbot, reporter)


def test_show_report_folder_opens_the_log_folder_and_keeps_the_dialog(
    qtbot: QtBot, tmp_path: Path
) -> None:
    opened: list[Path] = []
    report = tmp_path / "logs" / "crash-20260105-090000.txt"
    dialog = CrashDialog(report, restart=lambda: None, show_folder=opened.append)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.folder_button, Qt.MouseButton.LeftButton)
    assert opened == [tmp_path / "logs"]
    assert dialog.isVisible()


def test_the_restart_command_starts_the_same_console_with_the_same_arguments(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "argv", ["calmdesk", "--version"])
    program, arguments = restart_command()
    assert arguments[-1] == "--version"
    started = subprocess.run(
        [program, *arguments], capture_output=True, text=True, timeout=60, check=True
    )
    assert started.stdout.strip() == f"calmdesk {__version__}"

    # A PyInstaller bundle: the executable is calmdesk itself.
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/opt/calmdesk/calmdesk")
    assert restart_command() == ("/opt/calmdesk/calmdesk", ["--version"])


class _StubbornWindow(QWidget):
    """A window with an unsaved edit whose user chose to stay."""

    def closeEvent(self, event: QCloseEvent) -> None:
        event.ignore()


def test_restart_closes_the_windows_first_and_stays_when_one_refuses(qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    quits: list[bool] = []
    restarter = Restarter(quit_loop=lambda: quits.append(True))
    restarter.request()
    assert restarter.requested
    assert quits == [True]
    assert not window.isVisible()

    stubborn = _StubbornWindow()
    qtbot.addWidget(stubborn)
    stubborn.show()
    staying = Restarter(quit_loop=lambda: quits.append(True))
    staying.request()
    assert not staying.requested
    assert stubborn.isVisible()
    stubborn.hide()
