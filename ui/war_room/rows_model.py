"""A table model over frozen rows with ids, patched in place when a fresh snapshot arrives.

The war room reloads its snapshot whenever the incident changes; resetting every list each time
would lose the selection and the scroll position while someone is reading. `set_rows` works out
what changed: rows that left are removed, new rows inserted where they belong, changed rows
repainted, and a reordering is a layout change with persistent indexes moved along.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont

from ui.war_room.pending import WAITING_TEXT, WAITING_TIP

ModelIndex = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the frozen row itself
ID_ROLE = Qt.ItemDataRole.UserRole + 2

Row = TypeVar("Row")


@dataclass(frozen=True)
class Column(Generic[Row]):
    title: str
    text: Callable[[Row], str]
    tooltip: Callable[[Row], str] | None = None


class FrozenRowsModel(QAbstractTableModel, Generic[Row]):
    """Subclasses give `columns` and may override `cell_data` for other roles.

    Rows made while the database was unreachable (kept in the outbox, not yet sent) are
    "waiting": shown in italics, with `waiting_column` saying so in words."""

    columns: Sequence[Column[Row]] = ()
    waiting_column: int | None = None  # the column that says "waiting to send"

    def __init__(self, key: Callable[[Row], int], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._key = key
        self._rows: list[Row] = []
        self._waiting: frozenset[int] = frozenset()
        self._italic = QFont()
        self._italic.setItalic(True)

    # -- reading ------------------------------------------------------------------------------

    @property
    def rows(self) -> tuple[Row, ...]:
        return tuple(self._rows)

    def row(self, position: int) -> Row:
        return self._rows[position]

    def position_of(self, key: int) -> int | None:
        for position, row in enumerate(self._rows):
            if self._key(row) == key:
                return position
        return None

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

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
        if not self._valid(index):
            return None
        row = self._rows[index.row()]
        column = self.columns[index.column()]
        if self._waiting and self._key(row) in self._waiting:
            waiting = self._waiting_data(index.column(), role)
            if waiting is not None:
                return waiting
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row)
        if role == ROW_ROLE:
            return row
        if role == ID_ROLE:
            return self._key(row)
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
        return self._key(self._rows[position]) in self._waiting

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not self._valid(index):
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def _valid(self, index: ModelIndex) -> bool:
        return (
            index.isValid()
            and not index.parent().isValid()
            and 0 <= index.row() < len(self._rows)
            and 0 <= index.column() < len(self.columns)
        )

    # -- patching -----------------------------------------------------------------------------

    def set_rows(self, fresh: Iterable[Row], waiting: frozenset[int] = frozenset()) -> None:
        """`waiting`: the keys of rows kept on this computer, not yet in the database."""
        self._patch(list(fresh))
        if waiting != self._waiting:
            changed = waiting ^ self._waiting
            self._waiting = waiting
            last_column = max(len(self.columns) - 1, 0)
            for position, row in enumerate(self._rows):
                if self._key(row) in changed:
                    self.dataChanged.emit(
                        self.index(position, 0), self.index(position, last_column)
                    )

    def _patch(self, fresh: list[Row]) -> None:
        wanted = {self._key(row): row for row in fresh}
        # 1. Rows that left, removed in contiguous runs from the bottom up.
        gone = [n for n, row in enumerate(self._rows) if self._key(row) not in wanted]
        for first, last in reversed(_runs(gone)):
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._rows[first : last + 1]
            self.endRemoveRows()
        # 2. New rows, inserted where the fresh order puts them.
        present = {self._key(row) for row in self._rows}
        for target, row in enumerate(fresh):
            if self._key(row) in present:
                continue
            position = min(target, len(self._rows))
            self.beginInsertRows(QModelIndex(), position, position)
            self._rows.insert(position, row)
            self.endInsertRows()
            present.add(self._key(row))
        # 3. The order, if it still differs, as one layout change.
        if [self._key(r) for r in self._rows] != [self._key(r) for r in fresh]:
            self._reorder(fresh)
        # 4. Rows whose content changed.
        last_column = max(len(self.columns) - 1, 0)
        for position, row in enumerate(fresh):
            if self._rows[position] != row:
                self._rows[position] = row
                self.dataChanged.emit(self.index(position, 0), self.index(position, last_column))

    def _reorder(self, fresh: list[Row]) -> None:
        self.layoutAboutToBeChanged.emit()
        old_keys = [self._key(r) for r in self._rows]
        where = {self._key(row): n for n, row in enumerate(fresh)}
        persistent = self.persistentIndexList()
        moved = []
        for index in persistent:
            key = old_keys[index.row()] if 0 <= index.row() < len(old_keys) else None
            target = where.get(key) if key is not None else None
            moved.append(QModelIndex() if target is None else self.index(target, index.column()))
        current = {self._key(r): r for r in self._rows}
        self._rows = [current[self._key(f)] for f in fresh]
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    def repaint_column(self, column: int) -> None:
        """After the clock moved: a column whose text depends on the time."""
        if self._rows:
            self.dataChanged.emit(self.index(0, column), self.index(len(self._rows) - 1, column))


def _runs(positions: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for position in positions:
        if runs and runs[-1][1] == position - 1:
            runs[-1] = (runs[-1][0], position)
        else:
            runs.append((position, position))
    return runs
