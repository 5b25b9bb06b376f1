"""The timeline: everything that happened, newest first, filtered by kind in Python over the
cached rows. Notes are added here; key events are pinned for the review."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QWidget,
)

from app.domain.status_update import local_clock
from app.services.incidents.dto import TimelineEntry
from ui.war_room.panel import Panel, fit_columns
from ui.war_room.rows_model import Column, SnapshotRowsModel

PINNED = "pinned"
# Filter key: (label, kinds shown). None shows everything; PINNED only pinned events.
FILTERS: tuple[tuple[str, str, frozenset[str] | None], ...] = (
    ("all", "All events", None),
    (PINNED, "Pinned", frozenset()),
    ("notes", "Notes", frozenset({"note"})),
    ("checklist", "Checklist", frozenset({"checklist", "checklist_added"})),
    ("updates", "Status updates", frozenset({"status_update", "delivery"})),
    ("calls", "Calls", frozenset({"call", "callback"})),
    ("vendors", "Vendors", frozenset({"vendor"})),
    (
        "status",
        "Status and services",
        frozenset({"status", "service_state", "declared_major", "priority", "review_data"}),
    ),
    ("links", "Linked incidents", frozenset({"linked", "child_linked", "unlinked"})),
)
KIND_LABELS = {
    "note": "Note",
    "checklist": "Checklist",
    "checklist_added": "Checklist",
    "status_update": "Update",
    "delivery": "Delivery",
    "call": "Call",
    "callback": "Callback",
    "vendor": "Vendor",
    "status": "Status",
    "service_state": "Service",
    "declared_major": "Major",
    "child_linked": "Child",
    "linked": "Link",
    "unlinked": "Link",
    "pinned": "Pin",
    "unpinned": "Pin",
    "review_data": "Review",
    "assigned": "Assigned",
    "priority": "Priority",
    "created": "Opened",
    "edited": "Edited",
    "alert": "Monitoring",
}


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


def shown(entries: Sequence[TimelineEntry], key: str) -> list[TimelineEntry]:
    kinds = next((k for name, _, k in FILTERS if name == key), None)
    if key == PINNED:
        return [e for e in entries if e.pinned]
    if kinds is None:
        return list(entries)
    return [e for e in entries if e.kind in kinds]


class TimelineModel(SnapshotRowsModel[TimelineEntry]):
    columns = (
        Column[TimelineEntry]("", lambda r: "★" if r.pinned else ""),
        Column[TimelineEntry]("Time", lambda r: local_clock(r.at)),
        Column[TimelineEntry]("Who", lambda r: r.actor),
        Column[TimelineEntry]("Kind", lambda r: kind_label(r.kind)),
        Column[TimelineEntry]("What", lambda r: r.summary, lambda r: r.summary),
    )
    waiting_column = 2

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(lambda r: r.id, parent)
        self._all: tuple[TimelineEntry, ...] = ()
        self._kept: frozenset[int] = frozenset()  # notes kept on this computer, not yet sent
        self._filter = "all"
        self._bold = QFont()
        self._bold.setBold(True)

    @property
    def filter_key(self) -> str:
        return self._filter

    def set_entries(
        self, entries: Sequence[TimelineEntry], waiting: frozenset[int] = frozenset()
    ) -> None:
        self._all = tuple(entries)
        self._kept = waiting
        self.set_rows(shown(self._all, self._filter), waiting)

    def set_filter(self, key: str) -> None:
        self._filter = key
        self.set_rows(shown(self._all, key), self._kept)

    def cell_data(self, row: TimelineEntry, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.FontRole and row.pinned:
            return self._bold
        if role == Qt.ItemDataRole.AccessibleTextRole and column == 0:
            return "Pinned" if row.pinned else "Not pinned"
        return None


class TimelinePanel(Panel):
    note_requested = Signal(str, bool)  # text, pinned
    pin_requested = Signal(int, bool)  # event id, pinned
    filter_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("&Timeline", "Timeline", parent)
        self.model = TimelineModel(self)
        self.filter = QComboBox()
        self.filter.setAccessibleName("Show timeline events")
        for key, label, _ in FILTERS:
            self.filter.addItem(label, key)
        self.pin_button = QPushButton("Pin")
        self.pin_button.setAccessibleName("Pin or unpin the event")
        self.add_tool(self.filter)
        self.add_tool(self.pin_button)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setAccessibleName("Timeline events")
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(22)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.note = QLineEdit()
        self.note.setPlaceholderText("Add a note to the timeline…")
        self.note.setAccessibleName("New timeline note")
        self.pin_note = QCheckBox("Pinned")
        self.pin_note.setAccessibleName("Pin the new note")
        self.add_note = QPushButton("Add note")
        self.add_note.setAccessibleName("Add the note")
        adding = QHBoxLayout()
        adding.addWidget(self.note, 1)
        adding.addWidget(self.pin_note)
        adding.addWidget(self.add_note)
        self.body.addWidget(self.view, 1)
        self.body.addLayout(adding)
        self.set_focus_target(self.view)
        self.filter.currentIndexChanged.connect(self._on_filter_changed)
        self.add_note.clicked.connect(self._on_add_note_clicked)
        self.note.returnPressed.connect(self._on_add_note_clicked)
        self.pin_button.clicked.connect(self._on_pin_clicked)
        self.view.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self._on_current_changed()

    def show_entries(
        self, entries: Sequence[TimelineEntry], waiting: frozenset[int] = frozenset()
    ) -> None:
        """`waiting`: notes kept on this computer, not yet sent."""
        self.model.set_entries(entries, waiting)
        fit_columns(self.view)
        self.set_count(f"{len(entries)} events · {sum(1 for e in entries if e.pinned)} pinned")
        self._on_current_changed()

    def set_filter(self, key: str) -> None:
        position = self.filter.findData(key)
        if position >= 0:
            self.filter.setCurrentIndex(position)

    def clear_note(self) -> None:
        self.note.clear()
        self.pin_note.setChecked(False)

    def current(self) -> TimelineEntry | None:
        index = self.view.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _on_filter_changed(self) -> None:
        key = str(self.filter.currentData())
        self.model.set_filter(key)
        fit_columns(self.view)
        self.filter_changed.emit(key)

    def _on_add_note_clicked(self) -> None:
        text = self.note.text().strip()
        if text:
            self.note_requested.emit(text, self.pin_note.isChecked())

    def _on_pin_clicked(self) -> None:
        entry = self.current()
        if entry is not None:
            self.pin_requested.emit(entry.id, not entry.pinned)

    def _on_current_changed(self, *_args: object) -> None:
        entry = self.current()
        index = self.view.currentIndex()
        # A note still waiting to be sent has no place in the database to pin yet.
        pinnable = (
            entry is not None
            and entry.kind not in ("pinned", "unpinned")
            and not self.model.is_waiting(index.row())
        )
        self.pin_button.setEnabled(pinnable)
        self.pin_button.setText("Unpin" if entry is not None and entry.pinned else "Pin")
