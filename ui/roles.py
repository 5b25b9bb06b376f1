"""The item data roles every Calmdesk model answers beyond Qt's own: one definition, so a view
asks any list for a row's id or its frozen row the same way."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import Qt


class Roles(IntEnum):
    ID = Qt.ItemDataRole.UserRole + 1  # the id of the record the row shows (an int)
    ROW = Qt.ItemDataRole.UserRole + 2  # the frozen row itself (a DTO)
