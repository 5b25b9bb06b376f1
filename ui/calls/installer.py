"""Call logging in a main window: the Ctrl+L form, a "Calls" menu, the call list and callback list
in a dock, and the surge banner across the top. One call installs it all.

Installing makes the menu and its keys. The controller and the dock are made when the window
starts the calls (after its first paint) or when first needed, whichever comes first; the form
the first time it is opened, the banner the first time a surge shows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QTabWidget, QToolBar

from app.domain.roles import Action, may
from app.domain.surge import SurgeRule
from app.services.calls.dto import SurgeDeclared, SurgeSuggestion
from ui.console_context import ConsoleContext

if TYPE_CHECKING:
    from ui.calls.call_form import LogCallForm
    from ui.calls.call_list import CallListPanel
    from ui.calls.callbacks import CallbackPanel
    from ui.calls.controller import CallsController
    from ui.calls.surge_banner import SurgeBanner

LOG_CALL_KEYS = "Ctrl+L"
CALL_LIST_KEYS = "Ctrl+Shift+L"


@dataclass(frozen=True)
class _CallsDock:
    dock: QDockWidget
    tabs: QTabWidget
    call_list: CallListPanel
    callbacks: CallbackPanel


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
        self._may_declare = may(context.services.actor.role, Action.DECLARE_MAJOR)
        self._dismissed: dict[int, int] = {}  # service id -> call count when dismissed
        self._context = context
        self._rule = rule
        self._controller: CallsController | None = None
        self._form: LogCallForm | None = None
        self._dock: _CallsDock | None = None
        self._banner: tuple[QToolBar, SurgeBanner] | None = None
        self._build_actions(window)
        self._closed = False

    # -- building ----------------------------------------------------------------------------

    @property
    def form(self) -> LogCallForm:
        """The Ctrl+L form, built the first time it is needed."""
        if self._form is None:
            from ui.calls.call_form import LogCallForm

            self._form = LogCallForm(self.controller, self._window)
            self._form.incident_opened.connect(self.incident_open_requested)
            self._form.save_failed.connect(self.message)
        return self._form

    @property
    def dock(self) -> QDockWidget:
        """The call list and callbacks, in a dock at the bottom, built on first use."""
        return self._docked().dock

    @property
    def tabs(self) -> QTabWidget:
        return self._docked().tabs

    @property
    def call_list(self) -> CallListPanel:
        return self._docked().call_list

    @property
    def callbacks(self) -> CallbackPanel:
        return self._docked().callbacks

    def _docked(self) -> _CallsDock:
        if self._dock is None:
            self._dock = self._build_dock(self._window)
            if self.controller.ready:  # built after the first load: read what it missed
                self._dock.call_list.reload()
                self._dock.callbacks.reload()
        return self._dock

    def _build_dock(self, window: QMainWindow) -> _CallsDock:
        from ui.calls.call_list import CallListPanel
        from ui.calls.callbacks import CallbackPanel

        call_list = CallListPanel(self.controller)
        callbacks = CallbackPanel(self.controller)
        call_list.message.connect(self.message)
        callbacks.message.connect(self.message)
        callbacks.count_changed.connect(self._on_callbacks_count_changed)
        tabs = QTabWidget()
        tabs.addTab(call_list, "Calls")
        tabs.addTab(callbacks, "Callbacks")
        dock = QDockWidget("Calls", window)
        dock.setObjectName("callsDock")
        dock.setWidget(tabs)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        dock.hide()
        window.restoreDockWidget(dock)  # where the agent left it, if the layout knows
        return _CallsDock(dock, tabs, call_list, callbacks)

    @property
    def banner_bar(self) -> QToolBar:
        """The surge banner's strip across the top, built when a surge first shows."""
        return self._surge_banner()[0]

    @property
    def banner(self) -> SurgeBanner:
        return self._surge_banner()[1]

    def _surge_banner(self) -> tuple[QToolBar, SurgeBanner]:
        if self._banner is None:
            self._banner = self._build_banner(self._window)
        return self._banner

    def _build_banner(self, window: QMainWindow) -> tuple[QToolBar, SurgeBanner]:
        from ui.calls.surge_banner import SurgeBanner

        banner = SurgeBanner(self._may_declare)
        banner.declare_clicked.connect(self._on_banner_declare_clicked)
        banner.dismissed.connect(self._on_banner_dismissed)
        bar = QToolBar("Surge warning", window)
        bar.setObjectName("surgeBar")
        bar.setMovable(False)
        bar.setFloatable(False)
        bar.addWidget(banner)
        bar.toggleViewAction().setVisible(False)
        window.addToolBarBreak(Qt.ToolBarArea.TopToolBarArea)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        bar.hide()
        return bar, banner

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

    @property
    def controller(self) -> CallsController:
        """Reads calls, callbacks and surges for the form, the dock and the banner: made when
        the window starts the calls or one of them is first needed."""
        if self._controller is None:
            from ui.calls.controller import CallsController

            c = CallsController(self._context, self._rule, self)
            c.message.connect(self.message)
            c.surges_changed.connect(self._on_controller_surges_changed)
            c.surge_detected.connect(self._on_controller_surge_detected)
            self._controller = c
        return self._controller

    def start(self) -> None:
        """Start reading calls, callbacks and surges, and build the dock (where the saved layout
        may show it): the window calls this once its queue is painted."""
        if not self._closed:
            self._docked()
            self.controller.start()

    def stop(self) -> None:
        """The window is closing: stop reading and put the form away. The window calls this from
        its closeEvent; an event filter on the parent window would be called by Qt while the
        window is being destroyed, after Python may have cleared this object (a crash)."""
        self._closed = True
        if self._controller is not None:
            self._controller.stop()
        if self._form is not None:
            self._form.hide()

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
            if self._banner is not None:
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
