"""The column-mapping step of the import dialog, driven as a person drives it: type the file, press
Enter, correct the guessed columns with the keyboard, save the mapping, import."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFileDialog
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.adapters.csv_mapping import load_mapping
from app.adapters.mapping_check import check_mapping, read_preview
from app.adapters.mapping_guess import guess_mapping
from app.db.models import Incident, Team
from app.services.context import ServiceContext
from app.settings import load_settings
from ui.console_context import ConsoleContext
from ui.import_dialog.import_dialog import GENERIC, SERVICENOW, ImportDialog, open_import_dialog
from ui.import_dialog.preview_model import PreviewModel, PreviewRow
from ui.task_runner import TaskRunner

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
BPIC14_FIRST100 = FIXTURES / "bpic2014_first100_cases.csv"


def _count(ctx: ServiceContext) -> int:
    with ctx.db.read() as session:
        return int(session.scalar(select(func.count(Incident.id))) or 0)


def _incident(ctx: ServiceContext, number: str) -> tuple[str, str | None]:
    with ctx.db.read() as session:
        row = session.execute(
            select(Incident.title, Team.name)
            .outerjoin(Team, Team.id == Incident.team_id)
            .where(Incident.number == number)
        ).one()
        return row[0], row[1]


def _dialog(context: ConsoleContext, qtbot: QtBot) -> ImportDialog:
    dialog = open_import_dialog(context)
    qtbot.addWidget(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)  # activation is asynchronous, even offscreen
    return dialog


def _type_file_and_enter(qtbot: QtBot, dialog: ImportDialog, path: Path) -> None:
    dialog.file_edit.setFocus()
    qtbot.keyClicks(dialog.file_edit, str(path))
    with qtbot.waitSignal(dialog.mapping_shown):
        qtbot.keyClick(dialog.file_edit, Qt.Key.Key_Return)
    assert dialog.mapping_step


def _choose(qtbot: QtBot, combo: QComboBox, text: str) -> None:
    """Pick the item starting with `text` with the arrow keys, as a keyboard user would."""
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentText().startswith(text):
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    raise AssertionError(f"{combo.accessibleName()} offers no {text!r}")


def _save_as(monkeypatch: pytest.MonkeyPatch, target: Path) -> list[str]:
    """The file chooser answers `target`; returns the folders it was opened on."""
    offered: list[str] = []

    def chooser(*args: object, **_kwargs: object) -> tuple[str, str]:
        offered.append(str(args[2]))
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", chooser)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", chooser)
    return offered


def test_a_bpi_file_is_guessed_corrected_saved_and_imported(
    console: ConsoleContext, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = _dialog(console, qtbot)
    _type_file_and_enter(qtbot, dialog, BPIC14_FIRST100)
    page = dialog.mapping_page
    rows = page.fields.rows
    assert dialog.kind.currentData() == GENERIC
    assert rows["number"].column.currentText() == "incident_id"
    assert rows["opened_at"].column.currentText() == "open_time"
    assert rows["status"].values.text() == "Closed = closed"
    assert rows["impact"].values.text() == "2 = 1; 3 = 2; 4 = 3; 5 = 3"
    assert page.summary.text().count("All 50 rows shown would import") == 1
    assert rows["number"].column.hasFocus()  # the keyboard starts at the first field

    _choose(qtbot, rows["title"].column, "ci_name_aff")
    qtbot.keyClicks(rows["team"].default, "Rabobank ICT")
    headers = [page.model.headerData(n, Qt.Orientation.Horizontal) for n in range(4)]
    assert headers == [  # what will be imported comes first, beside the verdict
        "Check",
        "incident_id\n→ Incident number",
        "ci_name_aff\n→ Short description",
        "open_time\n→ Opened at",
    ]
    assert page.model.index(0, 2).data() == "WBA000124"

    saved = tmp_path / "bpi.json"
    offered = _save_as(monkeypatch, saved)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert offered == [
        str(console.settings.config_dir / "import-mappings" / "bpic2014_first100_cases.json")
    ]
    assert page.notice.text() == f"Saved the mapping to {saved}."
    mapping = load_mapping(saved)
    assert mapping.fields["title"].column == "ci_name_aff"
    assert mapping.fields["team"].default == "Rabobank ICT"

    rows["team"].default.setFocus()
    with qtbot.waitSignal(dialog.import_finished) as finished:
        qtbot.keyClick(rows["team"].default, Qt.Key.Key_Return)
    report = finished.args[0]
    assert (report.rows_read, report.incidents_created, len(report.rejected)) == (100, 100, 0)
    assert not dialog.mapping_step
    assert dialog.progress.value() == dialog.progress.maximum()
    assert "100 incidents created" in dialog.status.text()
    assert _count(console.services) == 100
    assert _incident(console.services, "IM0000013") == ("WBA000124", "Rabobank ICT")


def test_rows_that_would_be_rejected_show_why_and_the_import_lists_them(
    console: ConsoleContext, qtbot: QtBot, tmp_path: Path
) -> None:
    lines = BPIC14_FIRST100.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(",Closed,", ",Exploded,")  # line 3: a state nobody maps
    lines[4] = lines[4].replace("2013-03-21 14:54:33", "last Tuesday")  # line 5: its open time
    broken = tmp_path / "broken.csv"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    dialog = _dialog(console, qtbot)
    _type_file_and_enter(qtbot, dialog, broken)
    page = dialog.mapping_page
    assert page.ready  # the mapping is complete: such rows are skipped and listed
    assert "2 of 50 rows shown would be rejected" in page.summary.text()
    verdicts = [page.model.index(n, 0).data() for n in range(4)]
    assert verdicts == [
        "OK",
        "✗ status 'Exploded' is not one of new, in_progress, on_hold, resolved, closed, cancelled",
        "OK",
        "✗ 'last Tuesday' is not a date like YYYY-MM-DD HH:MM:SS",
    ]
    with qtbot.waitSignal(dialog.import_finished) as finished:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert (finished.args[0].incidents_created, len(finished.args[0].rejected)) == (98, 2)
    listed = dialog.rejected_rows.toPlainText().splitlines()
    assert [line.split(":")[0] for line in listed] == ["line 3", "line 5"]
    assert _count(console.services) == 98


def test_a_required_field_left_unmapped_is_marked_and_stops_the_import(
    console: ConsoleContext, qtbot: QtBot
) -> None:
    dialog = _dialog(console, qtbot)
    _type_file_and_enter(qtbot, dialog, BPIC14_FIRST100)
    page = dialog.mapping_page
    opened = page.fields.rows["opened_at"]
    _choose(qtbot, opened.column, "— not imported")
    assert opened.label.text() == "Opened at * ✗"
    assert "Opened at is required: choose the column that holds it." in page.summary.text()
    assert not page.ready
    page.fields.rows["number"].column.setFocus()
    qtbot.keyClick(page.fields.rows["number"].column, Qt.Key.Key_Return)
    assert dialog.mapping_step
    assert opened.column.hasFocus()  # taken to what needs fixing
    assert "Fix what is listed" in page.notice.text()
    assert _count(console.services) == 0


def test_a_value_map_typed_for_a_field_with_no_column_is_not_dropped_without_a_word(
    console: ConsoleContext, qtbot: QtBot
) -> None:
    dialog = _dialog(console, qtbot)
    _type_file_and_enter(qtbot, dialog, BPIC14_FIRST100)
    page = dialog.mapping_page
    priority = page.fields.rows["priority"]
    _choose(qtbot, priority.column, "— not imported")
    priority.values.setFocus()
    qtbot.keyClicks(priority.values, "Critical = 1; High = 2")
    assert "Priority: a value map needs a column" in page.summary.text()
    assert not page.ready
    _choose(qtbot, priority.column, "priority")
    assert page.ready


def test_a_malformed_mapping_file_says_so_and_a_good_one_loads(
    console: ConsoleContext, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"fields": {"number": "incident_id",', encoding="utf-8")
    dialog = _dialog(console, qtbot)
    dialog.mapping_edit.setText(str(bad))
    _type_file_and_enter(qtbot, dialog, BPIC14_FIRST100)
    page = dialog.mapping_page
    assert page.notice.text().startswith("Cannot read the mapping bad.json: ")
    assert page.notice.text().endswith("Nothing was loaded.")
    assert page.fields.rows["number"].column.currentText() == "incident_id"  # the guess stays

    _save_as(monkeypatch, FIXTURES / "bpic2014_mapping.json")
    qtbot.mouseClick(page.load_button, Qt.MouseButton.LeftButton)
    assert page.notice.text() == "Loaded the mapping bpic2014_mapping.json."
    title = page.fields.rows["title"].column.currentText()
    assert title == "Template: {category}: {ci_name_aff} ({ci_subtype_aff})"
    assert page.missing_edit.text() == "#N/B, #MULTIVALUE"
    with qtbot.waitSignal(dialog.import_finished) as finished:
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert finished.args[0].incidents_created == 100
    assert _incident(console.services, "IM0000013")[0].startswith("incident: WBA000124")


def test_a_servicenow_log_is_recognised_by_its_header(
    console: ConsoleContext, qtbot: QtBot
) -> None:
    dialog = _dialog(console, qtbot)
    dialog.kind.setCurrentIndex(dialog.kind.findData(GENERIC))
    dialog.file_edit.setFocus()
    qtbot.keyClicks(dialog.file_edit, str(FIXTURES / "servicenow_first50.csv"))
    qtbot.keyClick(dialog.file_edit, Qt.Key.Key_Tab)
    assert dialog.kind.currentData() == SERVICENOW
    assert dialog.import_button.text() == "&Import"
    assert "is a ServiceNow incident event log" in dialog.status.text()


def test_tab_walks_each_field_row_and_escape_steps_back_keeping_the_mapping(
    console: ConsoleContext, qtbot: QtBot
) -> None:
    dialog = _dialog(console, qtbot)
    _type_file_and_enter(qtbot, dialog, BPIC14_FIRST100)
    rows = dialog.mapping_page.fields.rows
    expected = [rows["number"].values, rows["number"].default, rows["title"].column]
    for widget in expected:
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
        assert dialog.focusWidget() is widget
    qtbot.keyClicks(rows["team"].default, "Rabobank ICT")
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Escape)
    assert dialog.isVisible()  # a slip of the finger does not throw the mapping away
    assert not dialog.mapping_step
    assert "mapping is kept" in dialog.status.text()
    with qtbot.waitSignal(dialog.mapping_shown):
        qtbot.keyClick(dialog.file_edit, Qt.Key.Key_Return)  # Next again
    assert rows["team"].default.text() == "Rabobank ICT"
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Escape)
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Escape)  # from the first step: closes
    assert not dialog.isVisible()


def test_the_preview_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    preview = read_preview(BPIC14_FIRST100, shown=5)
    mapping = guess_mapping(preview.header, preview.samples)
    checks = check_mapping(mapping, preview).rows
    model = PreviewModel()
    model.set_rows(
        preview.header,
        tuple(
            PreviewRow(line, cells, check)
            for (line, cells), check in zip(preview.rows, checks, strict=True)
        ),
        {"incident_id": "Incident number"},
    )
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 5
    assert model.columnCount() == 29
    assert model.headerData(3, Qt.Orientation.Vertical) == "5"
    assert model.headerData(1, Qt.Orientation.Horizontal) == "incident_id\n→ Incident number"
    assert model.index(0, 1).data() == "IM0000013"
    assert model.headerData(2, Qt.Orientation.Horizontal) == "ci_name_aff"


def test_escape_cancels_a_running_import_and_then_closes(
    sqlite_ctx: ServiceContext, qtbot: QtBot, tmp_path: Path
) -> None:
    lines = BPIC14_FIRST100.read_text(encoding="utf-8").splitlines()
    body = []
    for copy in range(30):  # 3,000 incidents: several batches, so the cancel lands in between
        for line in lines[1:]:
            cells = line.split(",")
            cells[4] = f"IM{int(cells[4][2:]) + copy * 100_000:07d}"
            body.append(",".join(cells))
    big = tmp_path / "big.csv"
    big.write_text("\n".join([lines[0], *body]) + "\n", encoding="utf-8")
    runner = TaskRunner()
    dialog = _dialog(ConsoleContext.build(load_settings(), sqlite_ctx, runner), qtbot)
    _type_file_and_enter(qtbot, dialog, big)
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
    assert dialog.cancel_button.text() == "Cancel import"
    qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()  # the first Escape stops the import, not the dialog
    qtbot.waitUntil(lambda: not runner.busy, timeout=30_000)
    assert "cancelled" in dialog.status.text()
    assert _count(sqlite_ctx) == 0
    qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_enter_in_the_date_format_imports_and_a_bad_format_shows_first(
    console: ConsoleContext, qtbot: QtBot
) -> None:
    dialog = _dialog(console, qtbot)
    _type_file_and_enter(qtbot, dialog, BPIC14_FIRST100)
    page = dialog.mapping_page
    page.date_format.setFocus()
    qtbot.keyClicks(page.date_format, "%d/%m/%Y %H:%M")
    assert page.date_hint.text() == (
        "Opened at on line 2: '2012-08-10 11:27:59' is not a date like %d/%m/%Y %H:%M."
    )
    assert "50 of 50 rows shown would be rejected" in page.summary.text()
    page.date_format.lineEdit().clear()
    qtbot.keyClicks(page.date_format, "%Y-%m-%d %H:%M:%S")
    assert page.date_hint.text().endswith("reads as 10 August 2012 11:27 UTC.")
    with qtbot.waitSignal(dialog.import_finished) as finished:
        qtbot.keyClick(page.date_format, Qt.Key.Key_Return)
    assert finished.args[0].incidents_created == 100
    assert page.date_format.count() == 11  # Enter did not add the typed format as an item
