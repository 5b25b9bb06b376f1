"""The main window's menus and toolbar: every action, its keys and where it appears. The actions
exist from the first moment, so every shortcut works at once; what they open is built when they
are first used (the editor's dock, the windows in ui/window/opened_windows.py, the dialogs of
ui/queue_actions.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar

from app.domain.roles import Action, Role, may

if TYPE_CHECKING:
    from ui.main_window import MainWindow

Keys = str | QKeySequence | QKeySequence.StandardKey


@dataclass(frozen=True)
class WindowMenus:
    new_action: QAction
    open_action: QAction
    go_to_action: QAction
    assign_me_action: QAction
    assign_action: QAction
    declare_action: QAction
    link_action: QAction
    war_room_action: QAction
    status_action: QAction
    search_action: QAction
    refresh_action: QAction
    default_sort_action: QAction
    wallboard_action: QAction
    quit_action: QAction
    import_action: QAction
    export_action: QAction
    reports_action: QAction
    review_action: QAction
    connection_action: QAction
    file_menu: QMenu
    incident_menu: QMenu
    view_menu: QMenu
    supervisor_menu: QMenu
    settings_menu: QMenu
    toolbar: QToolBar


def window_action(
    window: QMainWindow, text: str, slot: Callable[[], object], keys: Keys | None = None
) -> QAction:
    """An action of the window's, its keys in its tooltip."""
    action = QAction(text, window)
    if keys is not None:
        key = QKeySequence(keys)
        action.setShortcut(key)
        shown = key.toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{text.replace('&', '').rstrip('…')} ({shown})")
    action.triggered.connect(slot)
    window.addAction(action)
    return action


def build_menus(window: MainWindow, role: Role) -> WindowMenus:
    """Every action, built with the window's first paint. What one does runs once the window
    is whole (`MainWindow.when_attached`): a key pressed a moment too early is kept, not lost."""

    def act(text: str, slot: Callable[[], object], keys: Keys | None = None) -> QAction:
        return window_action(window, text, lambda: window.when_attached(slot), keys)

    # The queue actions (ui/queue_actions.py) and the windows (ui/window/opened_windows.py) are
    # read when an action runs: they exist once the window is attached.

    new = act("&New incident", window.new_incident, QKeySequence.StandardKey.New)
    open_ = act("&Open", window.open_current, "Return")
    open_.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)  # the table handles Enter
    go_to = act("&Go to incident…", lambda: window.windows.go_to_incident(), "Ctrl+G")
    go_to.setToolTip("Open any incident by its number, open or long closed (Ctrl+G)")
    assign_me = act("Assign to &me", lambda: window.actions_.assign_to_me(), "Ctrl+M")
    assign = act("&Assign…", lambda: window.actions_.assign(), "Ctrl+Shift+A")
    declare = act("&Declare major…", lambda: window.actions_.declare_major(), "Ctrl+Shift+M")
    link = act("&Link to major incident…", lambda: window.actions_.link_to_major(), "Ctrl+K")
    war_room = act("Open &war room", lambda: window.windows.open_current_war_room(), "Ctrl+Shift+W")
    status = act("Change &status…", lambda: window.actions_.change_status(), "Ctrl+Shift+S")
    search = act("&Search", window.focus_search, QKeySequence.StandardKey.Find)
    refresh = act("&Refresh", window.reload_queue, QKeySequence.StandardKey.Refresh)
    triage = act("Triage &order", window.triage_order, "Ctrl+0")
    triage.setToolTip("Major first, then breached, then priority, then SLA time left (Ctrl+0)")
    wallboard = act("&Wallboard", lambda: window.windows.toggle_wallboard(), "F9")
    wallboard.setToolTip("Full-screen wallboard for the team's TV (F9)")
    quit_ = act("&Quit", window.close, QKeySequence.StandardKey.Quit)
    import_ = act("&Import incidents…", lambda: window.windows.open_import())
    import_.setToolTip("Import a ServiceNow incident log or another help desk's CSV")
    export = act("&Export this view…", lambda: window.windows.export_view(), "Ctrl+E")
    reports = act("&Reports…", lambda: window.windows.open_reports(), "Ctrl+R")
    review = act("Post-incident re&view…", lambda: window.windows.open_review())
    connection = act("Team &database…", lambda: window.windows.choose_database())
    connection.setToolTip("Connect to a team database, or back to a local file")

    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    for action in (import_, export, None, quit_):
        file_menu.addSeparator() if action is None else file_menu.addAction(action)
    incident_menu = bar.addMenu("&Incident")
    for action in (new, open_, go_to, None, assign_me, assign, status, None, declare, war_room,
                   link):  # fmt: skip
        incident_menu.addSeparator() if action is None else incident_menu.addAction(action)
    view_menu = bar.addMenu("&View")
    for action in (search, refresh, triage, wallboard):
        view_menu.addAction(action)
    view_menu.addSeparator()
    for quick, button in window.panel.filters.buttons.items():
        filter_action = QAction(quick.label, window)
        filter_action.setShortcut(button.shortcut())
        filter_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)  # the button owns it
        filter_action.triggered.connect(button.click)
        view_menu.addAction(filter_action)
    supervisor_menu = bar.addMenu("S&upervisor")
    for action in (reports, review, wallboard):
        supervisor_menu.addAction(action)
    settings_menu = bar.addMenu("&Settings")
    settings_menu.addAction(connection)
    # Hide what the signed-in role may not do (the services and the server refuse it anyway).
    for action, needs in ((declare, Action.DECLARE_MAJOR), (import_, Action.IMPORT_DATA)):
        action.setVisible(may(role, needs))
        action.setEnabled(may(role, needs))

    toolbar = QToolBar("Actions", window)
    toolbar.setObjectName("mainToolbar")
    toolbar.setMovable(False)
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    for action in (new, assign_me, assign, status, declare, war_room, link, refresh):
        toolbar.addAction(action)
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
    return WindowMenus(
        new, open_, go_to, assign_me, assign, declare, link, war_room, status, search, refresh,
        triage, wallboard, quit_, import_, export, reports, review, connection, file_menu,
        incident_menu, view_menu, supervisor_menu, settings_menu, toolbar,
    )  # fmt: skip
