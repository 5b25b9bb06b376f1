"""Drills in the main window: the Supervisor menu's actions, the banner on top of the queue,
and a banner for every other window the console opens."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu, QWidget

from app.domain.roles import Action, may
from ui.console_context import ConsoleContext
from ui.drills.banner import DrillBanner, install_banner
from ui.drills.drill_actions import DrillActions
from ui.drills.watch import DrillWatch


@dataclass(frozen=True)
class DrillConsole:
    watch: DrillWatch
    actions: DrillActions
    banner: DrillBanner  # the main window's
    start_action: QAction
    end_action: QAction
    scorecards_action: QAction
    may_run: bool

    def attach_window(self, window: QWidget) -> DrillBanner:
        """Give another window (war room, wallboard, reports) its own drill banner."""
        banner = install_banner(window, self.may_run)
        banner.end_requested.connect(self.actions.end)
        self.watch.attach(banner)
        return banner


def install_drills(
    window: QMainWindow, context: ConsoleContext, menu: QMenu, on_message: Callable[[str], None]
) -> DrillConsole:
    may_run = may(context.services.actor.role, Action.RUN_DRILL)
    watch = DrillWatch(context, window)
    actions = DrillActions(context, window, watch)
    actions.message.connect(on_message)
    banner = install_banner(window, may_run)
    banner.end_requested.connect(actions.end)
    watch.attach(banner)

    def action(text: str, slot: Callable[[], None], tip: str) -> QAction:
        made = QAction(text, window)
        made.setToolTip(tip)
        made.triggered.connect(slot)
        made.setVisible(may_run)
        made.setEnabled(may_run)
        menu.addAction(made)
        return made

    menu.addSeparator()
    start = action("Start a &drill…", actions.start, "Rehearse a runbook against a scripted outage")
    end = action("&End the drill…", lambda: actions.end(), "End the drill and see its scorecard")
    cards = action(
        "Drill &scorecards…",
        actions.show_drills,
        "Past drills' scorecards; clean drills away (the scorecards stay)",
    )
    return DrillConsole(watch, actions, banner, start, end, cards, may_run)
