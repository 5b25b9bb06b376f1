"""Drills in the main window: the Supervisor menu's actions, the banner on top of the queue,
and a banner for every other window the console opens.

The menu's actions exist from the start; the drill actions (and their dialogs) are built when one
is first used, and the watch with the main window's banner when the window starts the drills,
after its first paint."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu, QWidget

from app.domain.roles import Action, may
from ui.console_context import ConsoleContext

if TYPE_CHECKING:
    from ui.drills.banner import DrillBanner
    from ui.drills.drill_actions import DrillActions
    from ui.drills.watch import DrillWatch


class DrillConsole:
    def __init__(
        self,
        window: QMainWindow,
        context: ConsoleContext,
        menu: QMenu,
        on_message: Callable[[str], None],
    ) -> None:
        self._window = window
        self._ctx = context
        self._message = on_message
        self.may_run = may(context.services.actor.role, Action.RUN_DRILL)
        self._watch: DrillWatch | None = None
        self._actions: DrillActions | None = None
        self.banner: DrillBanner | None = None  # the main window's, once started
        menu.addSeparator()
        self.start_action = self._menu_action(
            menu,
            "Start a &drill…",
            lambda: self.actions.start(),
            "Rehearse a runbook against a scripted outage",
        )
        self.end_action = self._menu_action(
            menu,
            "&End the drill…",
            lambda: self.actions.end(),
            "End the drill and see its scorecard",
        )
        self.scorecards_action = self._menu_action(
            menu,
            "Drill &scorecards…",
            lambda: self.actions.show_drills(),
            "Past drills' scorecards; clean drills away (the scorecards stay)",
        )

    def _menu_action(self, menu: QMenu, text: str, slot: Callable[[], None], tip: str) -> QAction:
        made = QAction(text, self._window)
        made.setToolTip(tip)
        made.triggered.connect(slot)
        made.setVisible(self.may_run)
        made.setEnabled(self.may_run)
        menu.addAction(made)
        return made

    @property
    def watch(self) -> DrillWatch:
        """Plays the running drill's script and keeps the banners current."""
        if self._watch is None:
            from ui.drills.watch import DrillWatch

            self._watch = DrillWatch(self._ctx, self._window)
        return self._watch

    @property
    def actions(self) -> DrillActions:
        """Start, end, scorecards: built the first time one is asked for."""
        if self._actions is None:
            from ui.drills.drill_actions import DrillActions

            self._actions = DrillActions(self._ctx, self._window, self.watch)
            self._actions.message.connect(self._message)
        return self._actions

    def start(self) -> None:
        """Give the main window its banner and start watching for drills."""
        if self.banner is None:
            self.banner = self.attach_window(self._window)
        self.watch.start()

    def stop(self) -> None:
        if self._watch is not None:
            self._watch.stop()

    def attach_window(self, window: QWidget) -> DrillBanner:
        """Give another window (war room, wallboard, reports) its own drill banner."""
        from ui.drills.banner import install_banner

        banner = install_banner(window, self.may_run)
        banner.end_requested.connect(lambda drill_id: self.actions.end(drill_id))
        self.watch.attach(banner)
        return banner


def install_drills(
    window: QMainWindow, context: ConsoleContext, menu: QMenu, on_message: Callable[[str], None]
) -> DrillConsole:
    return DrillConsole(window, context, menu, on_message)
