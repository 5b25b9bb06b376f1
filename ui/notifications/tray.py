"""The tray icon: counts that matter at a glance, and a short menu."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from ui.icons import app_icon


class NotificationTray(QObject):
    show_console_requested = Signal()
    log_call_requested = Signal()  # the call-logging engineer's action connects here
    pause_requested = Signal()
    quit_requested = Signal()
    message_clicked = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.icon = QSystemTrayIcon(app_icon(), self)
        self.menu = QMenu()
        self.show_action = QAction("Show the console", self)
        self.log_call_action = QAction("Log a call…", self)
        self.pause_action = QAction("Pause notifications for 1 hour", self)
        self.quit_action = QAction("Quit", self)
        for action in (self.show_action, self.log_call_action, self.pause_action):
            self.menu.addAction(action)
        self.menu.addSeparator()
        self.menu.addAction(self.quit_action)
        self.icon.setContextMenu(self.menu)
        self.show_action.triggered.connect(self.show_console_requested)
        self.log_call_action.triggered.connect(self.log_call_requested)
        self.pause_action.triggered.connect(self.pause_requested)
        self.quit_action.triggered.connect(self.quit_requested)
        self.icon.messageClicked.connect(self.message_clicked)
        self.icon.activated.connect(self._on_icon_activated)
        self.set_counts(0, 0, 0)

    @staticmethod
    def available() -> bool:
        return QSystemTrayIcon.isSystemTrayAvailable()

    def show(self) -> None:
        if self.available():
            self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    def set_counts(self, urgent: int, mine: int, updates_due: int) -> None:
        self.tooltip = (
            f"Calmdesk: {urgent} open P1/P2 · {mine} assigned to you · {updates_due} updates due"
        )
        self.icon.setToolTip(self.tooltip)

    def set_paused(self, until_text: str) -> None:
        self.pause_action.setText(
            f"Paused until {until_text}" if until_text else "Pause notifications for 1 hour"
        )

    def show_message(self, title: str, body: str) -> None:
        self.icon.showMessage(title, body, app_icon(), 10_000)

    def _on_icon_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self.show_console_requested.emit()
