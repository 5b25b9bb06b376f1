"""The call log: calls linked to this incident, newest first, with calls per 15 minutes drawn
as a small bar chart so a rising or falling tide of calls is visible at a glance."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QPushButton,
    QSizePolicy,
    QTableView,
    QWidget,
)

from app.domain.call_rate import CallWindow
from app.domain.status_update import local_clock
from app.services.calls.dto import CallRow
from ui.war_room.panel import Panel, fit_columns
from ui.war_room.rows_model import Column, SnapshotRowsModel
from ui.war_room.style import BAR, BAR_NOW


def _callback(row: CallRow) -> str:
    if not row.callback_wanted:
        return ""
    if row.callback_done_at is not None:
        return "done"
    return row.callback_number or "wanted"


class CallLogModel(SnapshotRowsModel[CallRow]):
    columns = (
        Column[CallRow]("Time", lambda r: local_clock(r.at)),
        Column[CallRow]("Caller", lambda r: r.caller or "(no name)"),
        Column[CallRow]("What they see", lambda r: r.symptom, lambda r: r.symptom),
        Column[CallRow]("Call back on", _callback),
        Column[CallRow]("Taken by", lambda r: r.agent),
    )
    waiting_column = 4

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(lambda r: r.id, parent)
        self._bold = QFont()
        self._bold.setBold(True)

    def cell_data(self, row: CallRow, column: int, role: int) -> Any:
        if column == 3 and row.callback_pending and role == Qt.ItemDataRole.FontRole:
            return self._bold
        if column == 1 and row.vip and role == Qt.ItemDataRole.FontRole:
            return self._bold
        return None


class CallRateChart(QWidget):
    """Bars for calls per 15 minutes, oldest on the left; the current quarter in orange."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Calls per 15 minutes")
        self.windows: tuple[CallWindow, ...] = ()
        self.setMinimumHeight(64)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(300, 76)

    def show_windows(self, windows: Sequence[CallWindow]) -> None:
        self.windows = tuple(windows)
        spoken = ", ".join(f"{local_clock(w.start)}: {w.calls}" for w in self.windows)
        self.setAccessibleDescription(f"Calls per 15 minutes. {spoken}" if spoken else "No calls")
        self.setToolTip(self.accessibleDescription())
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        metrics = painter.fontMetrics()
        label_height = metrics.height()
        area = QRectF(self.rect()).adjusted(2, label_height + 2, -2, -label_height - 2)
        if not self.windows:
            painter.setPen(muted)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No calls yet")
            return
        peak = max(w.calls for w in self.windows) or 1
        slot = area.width() / len(self.windows)
        gap = min(4.0, slot * 0.2)
        for n, window in enumerate(self.windows):
            height = area.height() * window.calls / peak
            left = area.left() + n * slot + gap / 2
            bar = QRectF(left, area.bottom() - height, slot - gap, height)
            last = n == len(self.windows) - 1
            painter.fillRect(bar, QColor(BAR_NOW if last else BAR))
            if window.calls:
                painter.setPen(text)
                top = bar.top() - label_height
                above = QRectF(bar.left() - 4, top, bar.width() + 8, label_height)
                painter.drawText(above, Qt.AlignmentFlag.AlignCenter, str(window.calls))
        painter.setPen(muted)
        painter.drawLine(area.bottomLeft(), area.bottomRight())
        every = max(1, int(len(self.windows) / max(1, area.width() // 46)) + 1)
        for n, window in enumerate(self.windows):
            if n % every:
                continue
            cell = QRectF(area.left() + n * slot - 10, area.bottom() + 1, slot + 20, label_height)
            painter.drawText(cell, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                             local_clock(window.start))  # fmt: skip
        painter.end()


class CallsPanel(Panel):
    add_call_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Call &log", "Call log", parent)
        self.model = CallLogModel(self)
        self.chart = CallRateChart(self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setAccessibleName("Calls linked here")
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(22)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.add_button = QPushButton("Add call…")
        self.add_button.setAccessibleName("Add a call linked here")
        self.add_tool(self.add_button)
        self.body.addWidget(self.chart)
        self.body.addWidget(self.view, 1)
        self.set_focus_target(self.view)
        self.add_button.clicked.connect(self.add_call_requested)

    def show_calls(
        self,
        calls: Sequence[CallRow],
        windows: Sequence[CallWindow],
        waiting: frozenset[int] = frozenset(),
    ) -> None:
        """`waiting`: calls kept on this computer, not yet sent."""
        self.model.set_rows(calls, waiting)
        fit_columns(self.view)
        pending = sum(1 for c in calls if c.callback_pending)
        count = f"{len(calls)} call{'s' if len(calls) != 1 else ''}"
        if windows:
            count += f" · {windows[-1].calls} since {local_clock(windows[-1].start)}"
        if pending:
            count += f" · {pending} to call back"
        self.set_count(count)
        self.chart.show_windows(windows)
