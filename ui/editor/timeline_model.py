"""A read-only list model over an incident's timeline, newest first."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QFont

from app.domain.clock import as_utc
from app.services.incidents.dto import TimelineEntry
from ui.model_index import ModelIndex
from ui.moments import day_and_time, local_time
from ui.roles import Roles

_KIND_LABELS = {"note": "Note", "status": "Status", "assigned": "Assigned", "priority": "Priority"}


class TimelineModel(QAbstractListModel):
    def __init__(self, now: Callable[[], datetime], parent: QObject | None = None) -> None:
        """`now`: the console's clock, to tell this year's moments from older ones."""
        super().__init__(parent)
        self._now = now
        self._entries: list[TimelineEntry] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_entries(self, entries: Iterable[TimelineEntry]) -> None:
        self.beginResetModel()
        self._entries = sorted(entries, key=lambda e: (as_utc(e.at), e.id), reverse=True)
        self.endResetModel()

    def clear(self) -> None:
        self.set_entries(())

    def entry(self, row: int) -> TimelineEntry:
        return self._entries[row]

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.parent().isValid() or index.row() >= len(self._entries):
            return None
        entry = self._entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            when = day_and_time(entry.at, self._now())
            return f"{when}  {entry.actor}: {entry.summary}"
        if role == Qt.ItemDataRole.ToolTipRole:
            when = local_time(entry.at).strftime("%A %d %B %Y, %H:%M:%S")
            kind = _KIND_LABELS.get(entry.kind, entry.kind.replace("_", " ").capitalize())
            return f"{kind}, {when}, by {entry.actor}" + (" (pinned)" if entry.pinned else "")
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{local_time(entry.at):%H:%M}, {entry.actor}: {entry.summary}"
        if role == Qt.ItemDataRole.FontRole and entry.pinned:
            return self._bold
        if role == Roles.ROW:
            return entry
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
