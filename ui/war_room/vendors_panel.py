"""Vendor escalations: who we are waiting on, their reference and ETA. A vendor whose ETA has
passed shows Overdue in red, re-read each second from the clock."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QPushButton, QTableView, QWidget

from app.domain.status_update import local_clock
from app.domain.vendor import vendor_state_text
from app.services.war_room.dto import VendorRow
from ui.war_room.panel import Panel, fit_columns
from ui.war_room.rows_model import Column, SnapshotRowsModel
from ui.war_room.style import OVERDUE_TEXT

STATE_COLUMN = 1


class VendorModel(SnapshotRowsModel[VendorRow]):
    def __init__(self, now: datetime, parent: QObject | None = None) -> None:
        super().__init__(lambda r: r.id, parent)
        self._now = now
        self._bold = QFont()
        self._bold.setBold(True)
        self.columns = (
            Column[VendorRow]("Vendor", lambda r: r.vendor),
            Column[VendorRow](
                "State", lambda r: vendor_state_text(r.state, r.vendor_eta, self._now)
            ),
            Column[VendorRow](
                "Their ETA", lambda r: local_clock(r.vendor_eta) if r.vendor_eta else "none"
            ),
            Column[VendorRow]("Ref.", lambda r: r.reference),
            Column[VendorRow]("Contact", lambda r: r.contact),
            Column[VendorRow]("Since", lambda r: local_clock(r.escalated_at)),
            Column[VendorRow]("Notes", lambda r: r.notes),
        )

    def tick(self, now: datetime) -> None:
        was = [r.overdue(self._now) for r in self.rows]
        self._now = now
        if was != [r.overdue(now) for r in self.rows]:
            self.repaint_column(STATE_COLUMN)
            self.repaint_column(STATE_COLUMN + 1)

    def summary(self, row: VendorRow) -> str:
        """The whole case in one line, for the tooltip and screen readers."""
        eta = f"ETA {local_clock(row.vendor_eta)}" if row.vendor_eta else "no ETA given"
        parts = [
            row.vendor,
            row.reference,
            row.contact,
            f"escalated {local_clock(row.escalated_at)}",
        ]
        parts += [eta, vendor_state_text(row.state, row.vendor_eta, self._now), row.notes]
        return " · ".join(p for p in parts if p)

    @property
    def overdue_count(self) -> int:
        return sum(1 for r in self.rows if r.overdue(self._now))

    def cell_data(self, row: VendorRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.summary(row)
        if column in (STATE_COLUMN, STATE_COLUMN + 1) and row.overdue(self._now):
            if role == Qt.ItemDataRole.ForegroundRole:
                return OVERDUE_TEXT
            if role == Qt.ItemDataRole.FontRole:
                return self._bold
        return None


class VendorsPanel(Panel):
    escalate_requested = Signal()
    edit_requested = Signal(object)  # VendorRow

    def __init__(self, now: datetime, parent: QWidget | None = None) -> None:
        super().__init__("&Vendor escalations", "Vendor escalations", parent)
        self.model = VendorModel(now, self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setAccessibleName("Vendor cases")
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(22)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column, width in ((3, 88), (4, 92)):  # reference and contact: long, elided
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        header.setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        # Every cell's tooltip holds the whole case, so nothing needs a sideways scroll.
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.escalate_button = QPushButton("Escalate…")
        self.escalate_button.setAccessibleName("Escalate to a vendor")
        self.edit_button = QPushButton("Edit…")
        self.edit_button.setAccessibleName("Edit the vendor case")
        self.add_tool(self.escalate_button)
        self.add_tool(self.edit_button)
        self.body.addWidget(self.view, 1)
        self.set_focus_target(self.view)
        self.escalate_button.clicked.connect(self.escalate_requested)
        self.edit_button.clicked.connect(self._on_edit_clicked)
        self.view.doubleClicked.connect(self._on_edit_clicked)

    def show_vendors(self, vendors: tuple[VendorRow, ...], now: datetime) -> None:
        self.model.set_rows(vendors)
        fit_columns(self.view)
        self.tick(now)

    def tick(self, now: datetime) -> None:
        self.model.tick(now)
        rows = self.model.rows
        overdue = self.model.overdue_count
        text = f"{len(rows)} case{'s' if len(rows) != 1 else ''}" if rows else "none"
        if overdue:
            text += f" · {overdue} overdue"
        self.set_count(text)
        self.edit_button.setEnabled(bool(rows))

    def selected(self) -> VendorRow | None:
        index = self.view.currentIndex()
        if index.isValid():
            return self.model.row_at(index.row())
        return self.model.rows[0] if len(self.model.rows) == 1 else None

    def _on_edit_clicked(self) -> None:
        row = self.selected()
        if row is not None:
            self.edit_requested.emit(row)
