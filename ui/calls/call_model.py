"""The call list's Qt model: call ids in display order over a cache of frozen rows.

Filters (Today, Unlinked, Callback pending, one service) run in Python over the cache, and a
reload keeps the selection on the same calls (persistent indexes are moved by id).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont

from app.domain.clock import made_offline_note
from app.services.calls.dto import CallRow
from app.services.calls.filters import CallFilter, call_matches
from ui.calls.presentation import VIP_MARK, local_time
from ui.frozen_rows_model import FrozenRowsModel
from ui.model_index import ModelIndex
from ui.roles import Roles


class CallColumn(StrEnum):
    TIME = "Time"
    CALLER = "Caller"
    SERVICE = "Service"
    SYMPTOM = "What they see"
    INCIDENT = "Incident"
    CALLBACK = "Callback"
    AGENT = "Logged by"


CALL_COLUMNS = tuple(CallColumn)
_SORT_KEYS: dict[CallColumn, Callable[[CallRow], Any]] = {
    CallColumn.TIME: lambda r: (r.at, r.id),
    CallColumn.CALLER: lambda r: (r.caller.lower(), r.at),
    CallColumn.SERVICE: lambda r: (r.service.lower(), r.at),
    CallColumn.SYMPTOM: lambda r: (r.symptom.lower(), r.at),
    CallColumn.INCIDENT: lambda r: (r.incident_number, r.at),
    CallColumn.CALLBACK: lambda r: (r.callback_pending, r.callback_wanted, r.at),
    CallColumn.AGENT: lambda r: (r.agent.lower(), r.at),
}


class CallListModel(FrozenRowsModel[CallRow]):
    counts_changed = Signal(int, int)  # shown, loaded

    def __init__(
        self,
        now: Callable[[], datetime],
        today_start: Callable[[], datetime],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(_call_id, parent)
        self._now = now
        self._today_start = today_start
        self._quick = CallFilter.ALL
        self._service_id: int | None = None
        self._sort = CallColumn.TIME
        self._descending = True
        self._bold = QFont()
        self._bold.setBold(True)

    # -- loading and filtering -------------------------------------------------------------

    def set_rows(self, rows: Iterable[CallRow]) -> None:
        self._rows = {row.id: row for row in rows}
        self._relayout()

    def set_filter(self, quick: CallFilter) -> None:
        self._quick = quick
        self._relayout()

    def set_service(self, service_id: int | None) -> None:
        self._service_id = service_id
        self._relayout()

    @property
    def quick_filter(self) -> CallFilter:
        return self._quick

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = CALL_COLUMNS[column] if 0 <= column < len(CALL_COLUMNS) else CallColumn.TIME
        self._descending = order == Qt.SortOrder.DescendingOrder
        self._relayout()

    def _compute_order(self) -> list[int]:
        today, quick, service = self._today_start(), self._quick, self._service_id
        key = _SORT_KEYS[self._sort]
        rows = [r for r in self._rows.values() if call_matches(r, quick, today, service)]
        rows.sort(key=key, reverse=self._descending)
        return [r.id for r in rows]

    def _relayout(self) -> None:
        self._reorder(self._compute_order())
        self.counts_changed.emit(len(self._order), len(self._rows))

    # -- reading ---------------------------------------------------------------------------

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(CALL_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(CALL_COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return CALL_COLUMNS[section].value
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._order):
            return None
        row = self._rows[self._order[index.row()]]
        column = CALL_COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Roles.ID:
            return row.id
        if role == Roles.ROW:
            return row
        if role == Qt.ItemDataRole.FontRole and (
            (column == CallColumn.CALLER and row.vip)
            or (column == CallColumn.CALLBACK and row.callback_due)
        ):
            return self._bold
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        return None

    def _display(self, row: CallRow, column: CallColumn) -> str:
        if column == CallColumn.TIME:
            return local_time(row.at, self._now()) + made_offline_note(row.made_at, row.at)
        if column == CallColumn.CALLER:
            name = row.caller or "—"
            return f"{name}  {VIP_MARK}" if row.vip else name
        if column == CallColumn.SERVICE:
            return row.service
        if column == CallColumn.SYMPTOM:
            return row.symptom
        if column == CallColumn.INCIDENT:
            if not row.incident_number:
                return "not linked"
            status = row.incident_status.label if row.incident_status else ""
            major = "MAJOR · " if row.incident_major else ""
            return f"{major}{row.incident_number} · {status}"
        if column == CallColumn.CALLBACK:
            if row.callback_done_at is not None:
                return f"called back {local_time(row.callback_done_at, self._now())}"
            if row.callback_due:
                return f"due now · {row.callback_number or 'no number'}"
            if row.callback_wanted:
                return f"wanted · {row.callback_number or 'no number'}"
            return ""
        if column == CallColumn.AGENT:
            return row.agent
        raise AssertionError(column)

    def _tooltip(self, row: CallRow, column: CallColumn) -> str | None:
        if column == CallColumn.INCIDENT and row.incident_number:
            return f"{row.incident_number}: {row.incident_title}"
        if column == CallColumn.SYMPTOM and row.symptom:
            return row.symptom
        if column == CallColumn.TIME:
            return row.at.astimezone().strftime("%a %d %b %Y %H:%M:%S")
        return None


def _call_id(row: CallRow) -> int:
    return row.id
