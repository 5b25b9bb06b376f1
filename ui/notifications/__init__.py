"""Desktop notifications and reminders: `install_notifications(window, context)` adds the
notification centre, the tray icon and the preferences to the main window and starts the rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QBoxLayout

from ui.console_context import ConsoleContext
from ui.notifications.banner import NotificationBanner
from ui.notifications.centre import NotificationCentre, UnreadButton
from ui.notifications.controller import Delivery, NotificationController
from ui.notifications.tray import NotificationTray

if TYPE_CHECKING:
    from ui.main_window import MainWindow

NOTIFICATIONS_KEYS = "Ctrl+Shift+N"
PAUSE_TEXT = "&Pause notifications for 1 hour"


def install_notifications(window: MainWindow, context: ConsoleContext) -> NotificationController:
    centre = NotificationCentre(window)
    # Where the agent left it when the saved layout knows; otherwise closed until opened: the
    # banner, the tray and the desktop show what is urgent, and the status bar counts the rest.
    if not window.restoreDockWidget(centre):
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, centre)
        centre.hide()
    window.statusBar().addPermanentWidget(UnreadButton(centre, window))
    banner = NotificationBanner(window)
    central_widget = window.centralWidget()
    central = central_widget.layout() if central_widget is not None else None
    if isinstance(central, QBoxLayout):
        central.insertWidget(0, banner)
    tray = NotificationTray(window)
    model = window.queue.model
    controller = NotificationController(
        context,
        model.cached_rows,
        lambda: window.queue.viewer().team_id,
        centre,
        banner,
        tray,
        parent=window,
    )
    window.queue.loaded.connect(lambda _count: controller.evaluate())
    window.queue.changes_applied.connect(lambda _ids: controller.evaluate())
    window.bulk_change.connect(
        lambda busy: controller.begin_bulk() if busy else controller.end_bulk()
    )

    def open_incident(incident_id: int) -> None:
        row = model.row_for_id(incident_id)
        if row is not None and row.major:
            window.open_war_room(incident_id)
        else:
            window.incident_open_requested.emit(incident_id)

    def show_console() -> None:
        window.showNormal()
        window.raise_()
        window.activateWindow()

    controller.incident_open_requested.connect(open_incident)
    controller.show_console_requested.connect(show_console)
    controller.quit_requested.connect(window.close)
    preferences_action = QAction("&Notifications…", window)
    preferences_action.triggered.connect(controller.open_preferences)
    controller.preferences_action = preferences_action
    window.menus.settings_menu.addAction(preferences_action)
    # Also here, not only in the tray's menu: a desktop without a tray has no other way.
    pause_action = QAction(PAUSE_TEXT, window)
    pause_action.triggered.connect(controller.pause_for_an_hour)
    controller.paused_changed.connect(
        lambda until: pause_action.setText(
            f"Notifications &paused until {until}" if until else PAUSE_TEXT
        )
    )
    controller.pause_action = pause_action
    window.menus.settings_menu.addAction(pause_action)
    toggle = centre.toggleViewAction()  # View → Notifications, Ctrl+Shift+N: open and go there
    toggle.setText("&Notifications")
    toggle.setShortcut(QKeySequence(NOTIFICATIONS_KEYS))
    toggle.setToolTip(f"Open or close the notification centre ({NOTIFICATIONS_KEYS})")
    toggle.triggered.connect(lambda shown: centre.open() if shown else None)
    window.view_menu.addAction(toggle)
    window.destroyed.connect(controller.stop)
    controller.start()
    if window.queue_shown:  # installed after the first paint: read the rules on what it shows
        controller.evaluate()
    return controller


__all__ = ["Delivery", "NotificationController", "install_notifications"]
