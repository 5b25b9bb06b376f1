"""The first rows of the file being imported, as a table: a Check column saying whether the
import would take each row (and why not), then the file's own columns, each headed by its name
and the Calmdesk field mapped to it: the mapped ones first (in field order), so what will be
imported sits beside the verdict, then the rest. Rows are frozen; a new mapping replaces them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QWidget

from app.adapters.mapping_check import RowCheck
from ui.model_index import ModelIndex
from ui.theme import is_dark

CHECK_COLUMN = 0


@dataclass(frozen=True)
class PreviewRow:
    line: int  # the physical line in the file (the header is line 1)
    cells: tuple[str, ...]
    check: RowCheck | None  # None: not checked (the mapping itself has a problem)

    @property
    def verdict(self) -> str:
        if self.check is None:
            return "–"
        return "OK" if self.check.reason is None else f"✗ {self.check.reason}"


class PreviewModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._header: tuple[str, ...] = ()
        self._fields: Mapping[str, str] = {}  # column -> the field label mapped to it
        self._rows: tuple[PreviewRow, ...] = ()
        self._order: tuple[int, ...] = ()  # shown column -> the file's column

    def set_rows(
        self, header: tuple[str, ...], rows: tuple[PreviewRow, ...], fields: Mapping[str, str]
    ) -> None:
        self.beginResetModel()
        self._header, self._rows, self._fields = header, rows, dict(fields)
        mapped = [header.index(column) for column in fields if column in header]
        self._order = (*mapped, *(n for n in range(len(header)) if n not in mapped))
        self.endResetModel()

    def file_column(self, section: int) -> str:
        """The file's column shown at `section` (the Check column is section 0)."""
        return self._header[self._order[section - 1]]

    def row_at(self, row: int) -> PreviewRow:
        return self._rows[row]

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._header) + 1

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        rejected = row.check is not None and not row.check.accepted
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == CHECK_COLUMN:
                return row.verdict
            cell = self._order[column - 1]
            return row.cells[cell] if cell < len(row.cells) else ""
        if role == Qt.ItemDataRole.ForegroundRole and column == CHECK_COLUMN and rejected:
            return QColor("#ff6b6b") if is_dark() else QColor("#c62828")
        if role == Qt.ItemDataRole.FontRole and column == CHECK_COLUMN and rejected:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if orientation == Qt.Orientation.Vertical:
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"Line {self._rows[section].line} of the file"
            return str(self._rows[section].line)
        if section == CHECK_COLUMN:
            return "Check"
        column = self.file_column(section)
        field = self._fields.get(column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{column}: {field}" if field else f"{column}: not imported"
        return f"{column}\n→ {field}" if field else column
