"""Call logging in a main window: the Ctrl+L form, a "Calls" menu, the call list and callback list
in a dock, and the surge banner across the top. One call installs it all."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QTabWidget, QToolBar

from app.domain.roles import Action, may
from app.domain.surge import SurgeRule
from app.services.calls.dto import SurgeDeclared, SurgeSuggestion
from ui.calls.call_form import LogCallForm
from ui.calls.call_list import CallListPanel
from ui.calls.callbacks import CallbackPanel
from ui.calls.controller import CallsController
from ui.calls.surge_banner import SurgeBanner
from ui.console_context import ConsoleContext

LOG_CALL_KEYS = "Ctrl+L"
CALL_LIST_KEYS = "Ctrl+Shift+L"


class CallLogging(QObject):
    message = Signal(str)  # a result or a problem, for the status bar
    incident_open_requested = Signal(int)  # an incident opened from a call or a surge
    surge_detected = Signal(object)  # SurgeSuggestion that just started: for desktop notifications
    major_declared = Signal(int)  # incident id, declared from a surge: open the war room

    def __init__(
        self, window: QMainWindow, context: ConsoleContext, rule: SurgeRule | None = None
    ) -> None:
        super().__init__(window)
        self._window = window
        self._dismissed: dict[int, int] = {}  # service id -> call count when dismissed
        self.controller = CallsController(context, rule, self)
        self.form = LogCallForm(self.controller, window)
        self.call_list = CallListPanel(self.controller)
        self.callbacks = CallbackPanel(self.controller)
        self._build_dock(window)
        self._build_banner(window, may(context.services.actor.role, Action.DECLARE_MAJOR))
        self._build_actions(window)
        self._connect()
        self._closed = False
        QTimer.singleShot(0, self, self._on_installed)  # start reading once the window is up

    # -- building ----------------------------------------------------------------------------

    def _build_dock(self, window: QMainWindow) -> None:
        self.tabs = QTabWidget()
        self.tabs.addTab(self.call_list, "Calls")
        self.tabs.addTab(self.callbacks, "Callbacks")
        self.dock = QDockWidget("Calls", window)
        self.dock.setObjectName("callsDock")
        self.dock.setWidget(self.tabs)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        self.dock.hide()
        window.restoreDockWidget(self.dock)  # where the agent left it, if the layout knows

    def _build_banner(self, window: QMainWindow, may_declare: bool) -> None:
        self.banner = SurgeBanner(may_declare)
        self.banner_bar = QToolBar("Surge warning", window)
        self.banner_bar.setObjectName("surgeBar")
        self.banner_bar.setMovable(False)
        self.banner_bar.setFloatable(False)
        self.banner_bar.addWidget(self.banner)
        self.banner_bar.toggleViewAction().setVisible(False)
        window.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.banner_bar)
        self.banner_bar.hide()

    def _action(self, text: str, slot: Callable[[], object], keys: str | None = None) -> QAction:
        action = QAction(text, self._window)
        if keys:
            action.setShortcut(QKeySequence(keys))
            # From anywhere in the console: the queue, the editor, the wallboard, the form.
            action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
            action.setToolTip(f"{text.replace('&', '').rstrip('…')} ({keys})")
        action.triggered.connect(slot)
        self._window.addAction(action)
        return action

    def _build_actions(self, window: QMainWindow) -> None:
        self.log_call_action = self._action("Log a &call…", self.open_form, LOG_CALL_KEYS)
        self.call_list_action = self._action("Call &list", self.show_call_list, CALL_LIST_KEYS)
        self.callbacks_action = self._action("Call&backs", self.show_callbacks)
        self.menu = window.menuBar().addMenu("&Calls")
        for action in (self.log_call_action, self.call_list_action, self.callbacks_action):
            self.menu.addAction(action)

    def _connect(self) -> None:
        c = self.controller
        c.message.connect(self.message)
        c.surges_changed.connect(self._on_controller_surges_changed)
        c.surge_detected.connect(self._on_controller_surge_detected)
        self.form.incident_opened.connect(self.incident_open_requested)
        self.form.save_failed.connect(self.message)
        self.call_list.message.connect(self.message)
        self.callbacks.message.connect(self.message)
        self.callbacks.count_changed.connect(self._on_callbacks_count_changed)
        self.banner.declare_clicked.connect(self._on_banner_declare_clicked)
        self.banner.dismissed.connect(self._on_banner_dismissed)

    def _on_installed(self) -> None:
        if not self._closed:
            self.controller.start()

    def stop(self) -> None:
        """The window is closing: stop reading and put the form away. The window calls this from
        its closeEvent; an event filter on the parent window would be called by Qt while the
        window is being destroyed, after Python may have cleared this object (a crash)."""
        self._closed = True
        self.controller.stop()
        self.form.hide()

    # -- actions -----------------------------------------------------------------------------

    def open_form(self) -> None:
        self.form.open_form()

    def take_incoming(self, number: str) -> None:
        """An incoming call handed over by `calmdesk call --from NUMBER` or a tel: link."""
        self.form.take_incoming(number)

    def show_call_list(self) -> None:
        self.dock.show()
        self.dock.raise_()
        self.tabs.setCurrentWidget(self.call_list)
        self.call_list.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show_callbacks(self) -> None:
        self.dock.show()
        self.dock.raise_()
        self.tabs.setCurrentWidget(self.callbacks)
        self.callbacks.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def declare_from_surge(self, surge: SurgeSuggestion) -> None:
        """Declare the major incident for a surge and link its calls, on the task runner."""
        commands = self.controller.commands
        self.banner.set_busy(True)

        def declare() -> SurgeDeclared:
            return commands.declare_major_from_surge(
                surge.service_id, surge.call_ids, surge.alert_incident_ids
            )

        self.controller.runner.submit(declare, self._on_declared, self._on_declare_failed)

    # -- slots -------------------------------------------------------------------------------

    def _on_controller_surges_changed(self, surges: list[SurgeSuggestion]) -> None:
        showing = [s for s in surges if s.count > self._dismissed.get(s.service_id, 0)]
        if not showing:
            self.banner_bar.hide()
            return
        self.banner.show_surge(showing[0])
        self.banner_bar.show()

    def _on_controller_surge_detected(self, surge: SurgeSuggestion) -> None:
        self.surge_detected.emit(surge)
        self.message.emit(surge.message)

    def _on_banner_declare_clicked(self, surge: SurgeSuggestion) -> None:
        self.declare_from_surge(surge)

    def _on_banner_dismissed(self, surge: SurgeSuggestion) -> None:
        self._dismissed[surge.service_id] = surge.count  # back when more calls come in
        self._on_controller_surges_changed(self.controller.surges)

    def _on_declared(self, declared: SurgeDeclared) -> None:
        incident = declared.incident
        self.banner.set_busy(False)
        self.banner_bar.hide()
        self.message.emit(declared.message)
        self.controller.wrote()
        self.controller.reload_majors()
        self.controller.check_surges()
        self.major_declared.emit(incident.id)  # the window may open its war room

    def _on_declare_failed(self, exc: Exception) -> None:
        self.banner.set_busy(False)
        self.message.emit(str(exc))
        self.controller.check_surges()

    def _on_callbacks_count_changed(self, count: int) -> None:
        index = self.tabs.indexOf(self.callbacks)
        self.tabs.setTabText(index, f"Callbacks ({count})" if count else "Callbacks")


def install_call_logging(
    window: QMainWindow,
    context: ConsoleContext,
    *,
    on_message: Callable[[str], object] | None = None,
    on_open_incident: Callable[[int], object] | None = None,
    on_major_declared: Callable[[int], object] | None = None,
    rule: SurgeRule | None = None,
) -> CallLogging:
    """Add call logging to `window`: Ctrl+L "Log a call…", the "Calls" menu, the call list dock
    (Ctrl+Shift+L) and the surge banner. The callbacks receive what the window needs: a message
    for the status bar, an incident to open (one opened from a call), a major incident declared
    from a surge (its war room). Writes reach the other views through the console's change hub."""
    calls = CallLogging(window, context, rule)
    if on_message is not None:
        calls.message.connect(on_message)
    if on_open_incident is not None:
        calls.incident_open_requested.connect(on_open_incident)
    if on_major_declared is not None:
        calls.major_declared.connect(on_major_declared)
    return calls
