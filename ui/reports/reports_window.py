"""The supervisor reports window: a date range and team, charts, and each table with its own
CSV export. The figures come from app.services.reports.reads, off the UI thread."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.adapters.tabular_export import write_records
from app.domain.report_range import default_range
from app.services.directory.reads import Directory
from app.services.incidents.dto import NamedRef
from app.services.reports.reads import Reports, ReportScope, ReportTable, SupervisorReport
from ui.console_context import ConsoleContext
from ui.model_index import ModelIndex
from ui.reports.bar_chart import BarChart


class ReportTableModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = ReportTable("", (), ())

    def set_table(self, table: ReportTable) -> None:
        self.beginResetModel()
        self.table = table
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.table.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.table.columns)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        value = self.table.rows[index.row()][index.column()]
        if isinstance(value, datetime):
            return value.astimezone().strftime("%Y-%m-%d %H:%M")
        return "–" if value is None else str(value)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.table.columns[section].replace("_", " ")
        return None


class _TablePage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ReportTableModel(self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.export_button = QPushButton("Export CSV…", self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignRight)
        self.export_button.clicked.connect(self._on_export_clicked)

    def _on_export_clicked(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export table", "", "CSV files (*.csv)")
        if name:
            self.export_to(Path(name))

    def export_to(self, path: Path) -> int:
        table = self.model.table
        return write_records(table.records(), table.columns, "csv", path)


class ReportsWindow(QWidget):
    report_shown = Signal(object)  # the SupervisorReport

    def __init__(self, context: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self._ctx = context
        self.setWindowTitle("Supervisor reports")
        self.resize(1000, 720)
        # The same days as `calmdesk report`, by the team's clock (UTC days), not this PC's.
        first, last = default_range(context.services.clock.now().astimezone(UTC).date())
        self.start_edit = QDateEdit(QDate(first.year, first.month, first.day), self)
        self.end_edit = QDateEdit(QDate(last.year, last.month, last.day), self)
        for edit in (self.start_edit, self.end_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.team_combo = QComboBox(self)
        self.team_combo.addItem("All teams", None)
        self.refresh_button = QPushButton("Show", self)
        self.headline = QLabel("", self)
        self.headline.setWordWrap(True)
        self.per_day_chart = BarChart("Opened and resolved per day", self)
        self.mttr_chart = BarChart("MTTR by priority (hours)", self)
        self.tabs = QTabWidget(self)
        self.pages: dict[str, _TablePage] = {}
        controls = QHBoxLayout()
        for label, widget in (("From", self.start_edit), ("to", self.end_edit),
                              ("Team", self.team_combo)):  # fmt: skip
            controls.addWidget(QLabel(label, self))
            controls.addWidget(widget)
        controls.addWidget(self.refresh_button)
        controls.addStretch(1)
        charts = QHBoxLayout()
        charts.addWidget(self.per_day_chart, 2)
        charts.addWidget(self.mttr_chart, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.headline)
        layout.addLayout(charts)
        layout.addWidget(self.tabs, 1)
        self.refresh_button.clicked.connect(self._on_refresh_clicked)
        self._ctx.runner.submit(
            lambda: Directory(context.services).teams(), self._on_teams_loaded, self._on_failed
        )

    def set_range(self, start: QDate, end: QDate) -> None:
        self.start_edit.setDate(start)
        self.end_edit.setDate(end)

    def _scope(self) -> ReportScope:
        def moment(d: QDate) -> datetime:
            return datetime(d.year(), d.month(), d.day(), tzinfo=UTC)

        return ReportScope(
            moment(self.start_edit.date()),
            moment(self.end_edit.date()) + timedelta(days=1),
            self.team_combo.currentData(),
        )

    def _on_teams_loaded(self, teams: list[NamedRef]) -> None:
        for team in teams:
            self.team_combo.addItem(team.name, team.id)

    def _on_refresh_clicked(self) -> None:
        scope = self._scope()
        self.headline.setText("Counting…")
        reports = Reports(self._ctx.services)
        self._ctx.runner.submit(lambda: reports.supervisor(scope), self._on_report, self._on_failed)

    def _on_failed(self, error: Exception) -> None:
        self.headline.setText(str(error))

    def _on_report(self, report: SupervisorReport) -> None:
        self.headline.setText(
            f"{report.resolved:,} resolved · MTTA {_figure(report.mtta_minutes, ' min')} · "
            f"SLA met {_figure(report.sla_met_percent, '%')} · "
            f"reopen rate {_figure(report.reopen_rate_percent, '%')}"
        )
        days = report.per_day.rows
        self.per_day_chart.set_data(
            [d[0][5:] for d in days], [("opened", [d[1] for d in days]),
                                        ("resolved", [d[2] for d in days])]
        )  # fmt: skip
        self.mttr_chart.set_data(
            [r[0] for r in report.by_priority.rows],
            [("MTTR h", [r[2] for r in report.by_priority.rows])],
        )
        for table in report.tables():
            page = self.pages.get(table.title)
            if page is None:
                page = self.pages[table.title] = _TablePage(self)
                self.tabs.addTab(page, table.title)
            page.model.set_table(table)
        self.report_shown.emit(report)


def open_reports(context: ConsoleContext, parent: QWidget | None = None) -> ReportsWindow:
    """The window, showing the default days at once (Show again after changing them)."""
    window = ReportsWindow(context, parent)
    window.show()
    window.refresh_button.click()
    return window


def _figure(value: float | None, unit: str = "") -> str:
    """A headline figure to one decimal, or a dash when there is nothing to measure."""
    return "–" if value is None else f"{value:,.1f}{unit}"
