"""The notification centre: a dock listing recent notifications, newest first. Activating an
entry (click, double-click or Enter) asks to open its incident."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QDockWidget, QListView, QWidget

from app.domain.notification_rules import Notice

MAX_ENTRIES = 200
ModelIndex = QModelIndex | QPersistentModelIndex
NoticeRole = Qt.ItemDataRole.UserRole + 1


class NotificationListModel(QAbstractListModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._notices: list[Notice] = []

    def add(self, notices: list[Notice]) -> None:
        if not notices:
            return
        fresh = list(reversed(notices))[:MAX_ENTRIES]
        self.beginInsertRows(QModelIndex(), 0, len(fresh) - 1)
        self._notices[:0] = fresh
        self.endInsertRows()
        if len(self._notices) > MAX_ENTRIES:
            self.beginRemoveRows(QModelIndex(), MAX_ENTRIES, len(self._notices) - 1)
            del self._notices[MAX_ENTRIES:]
            self.endRemoveRows()

    def notice_at(self, row: int) -> Notice:
        return self._notices[row]

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._notices)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._notices):
            return None
        notice = self._notices[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            local = notice.at.astimezone().strftime("%H:%M")
            return f"{local}  {notice.title}\n{notice.body}"
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{notice.title}. {notice.body}"
        if role == NoticeRole:
            return notice
        return None


class NotificationCentre(QDockWidget):
    incident_activated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Notifications", parent)
        self.setObjectName("notificationCentreDock")
        self.setAccessibleName("Notification centre")
        self.model = NotificationListModel(self)
        self.view = QListView(self)
        self.view.setAccessibleName("Notification centre")
        self.view.setModel(self.model)
        self.view.setWordWrap(True)
        self.view.setAlternatingRowColors(True)
        self.view.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.setWidget(self.view)
        self.view.clicked.connect(self._on_view_activated)
        self.view.activated.connect(self._on_view_activated)

    def _on_view_activated(self, index: QModelIndex) -> None:
        notice = self.model.notice_at(index.row())
        if notice.incident_id is not None:
            self.incident_activated.emit(notice.incident_id)
