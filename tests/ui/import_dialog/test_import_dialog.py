"""The import dialog: a real file through the real service, progress, cancel, errors."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.db.models import Incident
from app.services.context import ServiceContext
from app.settings import load_settings
from ui.console_context import ConsoleContext
from ui.import_dialog.import_dialog import ImportDialog, open_import_dialog
from ui.task_runner import TaskRunner

FIRST50 = Path(__file__).resolve().parents[2] / "fixtures" / "servicenow_first50.csv"


def _incidents(ctx: ServiceContext) -> int:
    with ctx.db.read() as session:
        return int(session.scalar(select(func.count(Incident.id))) or 0)


def _dialog(context: ConsoleContext, qtbot: QtBot) -> ImportDialog:
    dialog = open_import_dialog(context)
    qtbot.addWidget(dialog)
    return dialog


def test_importing_a_servicenow_log_fills_the_bar_and_reports_counts(
    console: ConsoleContext, qtbot: QtBot
) -> None:
    dialog = _dialog(console, qtbot)
    dialog.file_edit.setText(str(FIRST50))
    with qtbot.waitSignal(dialog.import_finished) as finished:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert finished.args[0].incidents_created == 50
    assert dialog.progress.value() == dialog.progress.maximum()
    assert "50 incidents created" in dialog.status.text()
    assert _incidents(console.services) == 50


def test_a_wrong_file_says_what_is_wrong(console: ConsoleContext, qtbot: QtBot) -> None:
    dialog = _dialog(console, qtbot)
    dialog.file_edit.setText(str(FIRST50.with_name("README.md")))
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert "not a CSV file" in dialog.status.text()
    assert dialog.import_button.isEnabled()


def _big_file(tmp_path: Path) -> Path:
    """3,000 incidents: several batches, so the bar moves and a cancel lands in between."""
    lines = FIRST50.read_text(encoding="utf-8").splitlines()
    body = []
    for copy in range(60):
        for line in lines[1:]:
            number = int(line[3:10]) + copy * 10_000
            body.append(f"INC{number:07d}{line[10:]}")
    big = tmp_path / "big.csv"
    big.write_text("\n".join([lines[0], *body]) + "\n", encoding="utf-8")
    return big


def test_the_bar_moves_while_a_long_import_runs(
    console: ConsoleContext, qtbot: QtBot, tmp_path: Path
) -> None:
    dialog = _dialog(console, qtbot)
    dialog.file_edit.setText(str(_big_file(tmp_path)))
    shown: list[int] = []
    dialog.progress.valueChanged.connect(shown.append)
    with qtbot.waitSignal(dialog.import_finished, timeout=30_000) as finished:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert finished.args[0].incidents_created == 3_000
    on_the_way = [value for value in shown if 0 < value < dialog.progress.maximum()]
    assert len(on_the_way) >= 2, shown
    assert on_the_way == sorted(on_the_way)
    assert shown[-1] == dialog.progress.maximum()


def test_cancel_stops_the_import_and_leaves_nothing(
    sqlite_ctx: ServiceContext, qtbot: QtBot, tmp_path: Path
) -> None:
    big = _big_file(tmp_path)
    runner = TaskRunner()
    context = ConsoleContext.build(load_settings(), sqlite_ctx, runner)
    dialog = _dialog(context, qtbot)
    dialog.file_edit.setText(str(big))
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.cancel_button.text() == "Cancel import"
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not runner.busy, timeout=30_000)
    assert "cancelled" in dialog.status.text()
    assert _incidents(sqlite_ctx) == 0
    assert dialog.cancel_button.text() == "Close"
