"""A table model over frozen rows with ids, patched in place when a fresh snapshot arrives.

The war room reloads its snapshot whenever the incident changes; resetting every list each time
would lose the selection and the scroll position while someone is reading. `set_rows` works out
what changed: rows that left are removed, new rows inserted where they belong, changed rows
repainted, and a reordering is a layout change with persistent indexes moved along.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic

from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtGui import QFont

from ui.frozen_rows_model import FrozenRowsModel, Row
from ui.model_index import ModelIndex
from ui.roles import Roles
from ui.war_room.pending import WAITING_TEXT, WAITING_TIP


@dataclass(frozen=True)
class Column(Generic[Row]):
    title: str
    text: Callable[[Row], str]
    tooltip: Callable[[Row], str] | None = None


class SnapshotRowsModel(FrozenRowsModel[Row]):
    """Subclasses give `columns` and may override `cell_data` for other roles.

    Rows made while the database was unreachable (kept in the outbox, not yet sent) are
    "waiting": shown in italics, with `waiting_column` saying so in words."""

    columns: Sequence[Column[Row]] = ()
    waiting_column: int | None = None  # the column that says "waiting to send"

    def __init__(self, key: Callable[[Row], int], parent: QObject | None = None) -> None:
        super().__init__(key, parent)
        self._waiting: frozenset[int] = frozenset()
        self._italic = QFont()
        self._italic.setItalic(True)

    # -- reading ------------------------------------------------------------------------------

    @property
    def rows(self) -> tuple[Row, ...]:
        return tuple(self._rows[row_id] for row_id in self._order)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.columns)
        ):
            return self.columns[section].title
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self._shown(index):
            return None
        row_id = self._order[index.row()]
        row = self._rows[row_id]
        column = self.columns[index.column()]
        if self._waiting and row_id in self._waiting:
            waiting = self._waiting_data(index.column(), role)
            if waiting is not None:
                return waiting
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row)
        if role == Roles.ROW:
            return row
        if role == Roles.ID:
            return row_id
        return self.cell_data(row, index.column(), role)

    def cell_data(self, row: Row, column: int, role: int) -> Any:
        return None

    def _waiting_data(self, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.FontRole:
            return self._italic
        if column == self.waiting_column and role == Qt.ItemDataRole.DisplayRole:
            return WAITING_TEXT
        if column == self.waiting_column and role == Qt.ItemDataRole.ToolTipRole:
            return WAITING_TIP
        return None

    def is_waiting(self, position: int) -> bool:
        return self._order[position] in self._waiting

    # -- patching -----------------------------------------------------------------------------

    def set_rows(self, fresh: Iterable[Row], waiting: frozenset[int] = frozenset()) -> None:
        """`waiting`: the keys of rows kept on this computer, not yet in the database."""
        self._patch(list(fresh))
        if waiting != self._waiting:
            changed = waiting ^ self._waiting
            self._waiting = waiting
            last_column = max(len(self.columns) - 1, 0)
            for position, row_id in enumerate(self._order):
                if row_id in changed:
                    self.dataChanged.emit(
                        self.index(position, 0), self.index(position, last_column)
                    )

    def _patch(self, fresh: list[Row]) -> None:
        fresh_order = [self._key(row) for row in fresh]
        wanted = set(fresh_order)
        # 1. Rows that left, removed in contiguous runs from the bottom up.
        gone = [n for n, row_id in enumerate(self._order) if row_id not in wanted]
        for first, last in reversed(_runs(gone)):
            self.beginRemoveRows(QModelIndex(), first, last)
            for row_id in self._order[first : last + 1]:
                del self._rows[row_id]
            del self._order[first : last + 1]
            self.endRemoveRows()
        # 2. New rows, inserted where the fresh order puts them.
        for target, (row_id, row) in enumerate(zip(fresh_order, fresh, strict=True)):
            if row_id in self._rows:
                continue
            position = min(target, len(self._order))
            self.beginInsertRows(QModelIndex(), position, position)
            self._order.insert(position, row_id)
            self._rows[row_id] = row
            self.endInsertRows()
        # 3. The order, if it still differs, as one layout change.
        if self._order != fresh_order:
            self._reorder(fresh_order)
        # 4. Rows whose content changed.
        last_column = max(len(self.columns) - 1, 0)
        for position, (row_id, row) in enumerate(zip(fresh_order, fresh, strict=True)):
            if self._rows[row_id] != row:
                self._rows[row_id] = row
                self.dataChanged.emit(self.index(position, 0), self.index(position, last_column))

    def repaint_column(self, column: int) -> None:
        """After the clock moved: a column whose text depends on the time."""
        if self._order:
            self.dataChanged.emit(self.index(0, column), self.index(len(self._order) - 1, column))


def _runs(positions: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for position in positions:
        if runs and runs[-1][1] == position - 1:
            runs[-1] = (runs[-1][0], position)
        else:
            runs.append((position, position))
    return runs
