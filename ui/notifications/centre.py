"""The notification centre: a dock listing recent notifications, newest first. Activating an
entry (click, double-click or Enter) asks to open its incident. While the dock is closed, a
status-bar button counts what arrived unseen and opens it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import QDockWidget, QLabel, QListView, QStackedWidget, QToolButton, QWidget

from app.domain.notification_rules import Notice
from ui.model_index import ModelIndex
from ui.roles import Roles

MAX_ENTRIES = 200


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
        if role == Roles.ROW:
            return notice
        return None


class NotificationCentre(QDockWidget):
    incident_activated = Signal(int)
    unread_changed = Signal(int)  # notices that arrived while the dock was closed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Notifications", parent)
        self.setObjectName("notificationCentreDock")
        self.setAccessibleName("Notification centre")
        self.unread = 0
        self.model = NotificationListModel(self)
        self.view = QListView(self)
        self.view.setAccessibleName("Notification centre")
        self.view.setModel(self.model)
        self.view.setWordWrap(True)
        self.view.setAlternatingRowColors(True)
        self.view.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.empty = QLabel(
            "Nothing needs you right now.\n\nBreached SLAs, overdue status updates, new major "
            "incidents and call surges appear here as they happen.",
            self,
        )
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.empty.setMargin(12)
        self.empty.setEnabled(False)  # greyed: a note, not content
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.view)
        self.setWidget(self.stack)
        self.view.clicked.connect(self._on_view_activated)
        self.view.activated.connect(self._on_view_activated)
        self.model.rowsInserted.connect(self._on_model_rows_inserted)
        self.visibilityChanged.connect(self._on_visibility_changed)

    def open(self) -> None:
        """Show the dock and put the keyboard on the newest entry."""
        self.show()
        self.raise_()
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(0, 0))

    def _on_view_activated(self, index: QModelIndex) -> None:
        notice = self.model.notice_at(index.row())
        if notice.incident_id is not None:
            self.incident_activated.emit(notice.incident_id)

    def _on_model_rows_inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        self.stack.setCurrentWidget(self.view)
        if not self.isVisible():
            self._set_unread(self.unread + last - first + 1)

    def _on_visibility_changed(self, visible: bool) -> None:
        if visible:
            self._set_unread(0)

    def _set_unread(self, count: int) -> None:
        if count != self.unread:
            self.unread = count
            self.unread_changed.emit(count)


class UnreadButton(QToolButton):
    """The status bar's "3 new notifications" while the centre is closed; a click opens it."""

    def __init__(self, centre: NotificationCentre, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAutoRaise(True)
        self.setAccessibleName("Unseen notifications")
        self.setToolTip("Notifications that arrived while the notification centre was closed")
        self.hide()
        self.clicked.connect(centre.open)
        centre.unread_changed.connect(self._on_centre_unread_changed)

    def _on_centre_unread_changed(self, count: int) -> None:
        self.setText(f"{count} new notification{'s' if count != 1 else ''}")
        self.setVisible(count > 0)
