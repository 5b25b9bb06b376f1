"""The reports window over a real import: figures, charts painted, tables exported to CSV."""

from __future__ import annotations

import csv
from datetime import UTC, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.services.imports.commands import import_servicenow
from ui.console_context import ConsoleContext
from ui.reports.bar_chart import value_texts
from ui.reports.reports_window import open_reports

FIRST50 = Path(__file__).resolve().parents[2] / "fixtures" / "servicenow_first50.csv"


def test_reports_show_mttr_by_priority_and_export_it(
    console: ConsoleContext, qtbot: QtBot, qtmodeltester: ModelTester, tmp_path: Path
) -> None:
    import_servicenow(console.services, FIRST50)
    window = open_reports(console)
    qtbot.addWidget(window)
    window.set_range(QDate(2016, 2, 1), QDate(2016, 12, 31))
    with qtbot.waitSignal(window.report_shown):
        qtbot.mouseClick(window.refresh_button, Qt.MouseButton.LeftButton)
    assert "49 resolved" in window.headline.text()
    page = window.pages["MTTR and SLA by priority"]
    qtmodeltester.check(page.model)
    assert page.model.rowCount() == 3
    out = tmp_path / "mttr.csv"
    assert page.export_to(out) == 3
    with out.open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    assert [r["priority"] for r in rows] == ["P2", "P3", "P4"]
    assert not window.grab().isNull()


def test_bars_carry_their_values_written_alike_within_a_series() -> None:
    assert value_texts([8, 108, 0]) == ["8", "108", "0"]  # counts
    assert value_texts([6.1, 5.2, 6.0, 5.5]) == ["6.1", "5.2", "6.0", "5.5"]  # hours


def test_the_window_opens_on_the_clis_default_days_by_the_team_clock_already_counted(
    console: ConsoleContext, qtbot: QtBot
) -> None:
    # The same 30 UTC days as `calmdesk report`, by the team's clock, not this PC's date.
    today = console.services.clock.now().astimezone(UTC).date()
    window = open_reports(console)  # a synchronous runner: counted before it returns
    qtbot.addWidget(window)
    first, last = window.start_edit.date().toPython(), window.end_edit.date().toPython()
    assert (first, last) == (today - timedelta(days=29), today)
    assert window.headline.text().startswith("0 resolved · MTTA")  # without pressing Show
    assert window.pages
