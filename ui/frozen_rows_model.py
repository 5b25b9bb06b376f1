"""The one base of Calmdesk's tables over frozen rows (the queue, the call list, the war room's
lists): a cache of rows by id and the ids shown, top to bottom.

Subclasses decide the order (filtering and sorting over the cache, or the order a fresh snapshot
gives); `_reorder` shows a new order and keeps the selection and current row on the same ids,
wherever they moved. Each answers `Roles.ID` (the id) and `Roles.ROW` (the row) in `data`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt

from ui.model_index import ModelIndex

Row = TypeVar("Row")


class FrozenRowsModel(QAbstractTableModel, Generic[Row]):
    def __init__(self, key: Callable[[Row], int], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._key = key  # a row's id
        self._rows: dict[int, Row] = {}  # the cache, by id
        self._order: list[int] = []  # the ids the view shows, top to bottom

    # -- reading ------------------------------------------------------------------------------

    def row_at(self, position: int) -> Row:
        return self._rows[self._order[position]]

    def row_for_id(self, row_id: int) -> Row | None:
        return self._rows.get(row_id)

    def position_of(self, row_id: int) -> int | None:
        """Where the row with `row_id` is shown; None when it is not."""
        try:
            return self._order.index(row_id)
        except ValueError:
            return None

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._order)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not self._shown(index):
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def _shown(self, index: ModelIndex) -> bool:
        """`index` is a cell of a row this model shows."""
        return (
            index.isValid()
            and not index.parent().isValid()
            and 0 <= index.row() < len(self._order)
            and 0 <= index.column() < self.columnCount()
        )

    # -- showing a new order ------------------------------------------------------------------

    def _reorder(self, new_order: list[int] | Callable[[], list[int]]) -> None:
        """Show `new_order`, moving persistent indexes (selection, current row) by id. A callable
        is called once the old positions are read, and may replace the cache first."""
        self.layoutAboutToBeChanged.emit()
        old_persistent = self.persistentIndexList()
        old_ids = [
            self._order[i.row()] if 0 <= i.row() < len(self._order) else None
            for i in old_persistent
        ]
        order = self._order = new_order() if callable(new_order) else new_order
        # Only persistent indexes need positions: skip the map when there are none.
        position = {row_id: n for n, row_id in enumerate(order)} if old_persistent else {}
        new_persistent = []
        for old_index, row_id in zip(old_persistent, old_ids, strict=True):
            n = position.get(row_id) if row_id is not None else None
            new_persistent.append(QModelIndex() if n is None else self.index(n, old_index.column()))
        self.changePersistentIndexList(old_persistent, new_persistent)
        self.layoutChanged.emit()
