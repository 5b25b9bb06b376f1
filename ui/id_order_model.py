"""The base of the big lists (the queue, the call list): a table whose rows are ids in display
order over a cache of frozen rows. Filtering and sorting produce a new order of ids; `_reorder`
shows it and keeps the selection and current row on the same ids, wherever they moved."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

ModelIndex = QModelIndex | QPersistentModelIndex


class IdOrderModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._order: list[int] = []  # the ids the view shows, top to bottom

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._order)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def _reorder(self, new_order: list[int]) -> None:
        """Show `new_order`, moving persistent indexes (selection, current row) by id."""
        self.layoutAboutToBeChanged.emit()
        old_persistent = self.persistentIndexList()
        old_ids = [
            self._order[i.row()] if i.row() < len(self._order) else None for i in old_persistent
        ]
        self._order = new_order
        # Only persistent indexes need positions: skip the map when there are none.
        position = {row_id: n for n, row_id in enumerate(new_order)} if old_persistent else {}
        new_persistent = []
        for old_index, row_id in zip(old_persistent, old_ids, strict=True):
            n = position.get(row_id) if row_id is not None else None
            new_persistent.append(QModelIndex() if n is None else self.index(n, old_index.column()))
        self.changePersistentIndexList(old_persistent, new_persistent)
        self.layoutChanged.emit()
