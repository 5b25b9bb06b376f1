"""Shift handovers in the main window: the Supervisor menu's "Shift handover…", and the report
opened by itself when a configured shift change comes (shifts.toml)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from app.adapters.shift_config import shift_times
from app.domain.roles import Action, may
from app.domain.shift_times import ShiftTimesError, shift_change_passed
from ui.console_context import ConsoleContext

if TYPE_CHECKING:
    from ui.handover.handover_dialog import HandoverDialog

CHECK_MS = 30_000


class ShiftHandovers(QObject):
    def __init__(
        self,
        context: ConsoleContext,
        window: QWidget,
        menu: QMenu,
        on_message: Callable[[str], None],
    ) -> None:
        super().__init__(window)
        self._ctx = context
        self._window = window
        self._message = on_message
        self.allowed = may(context.services.actor.role, Action.HAND_OVER_SHIFT)
        self.dialog: HandoverDialog | None = None
        self.action = QAction("Shift &handover…", window)
        self.action.setToolTip("Draw up, annotate or acknowledge the shift handover report")
        self.action.triggered.connect(self.open_on_demand)
        self.action.setVisible(self.allowed)
        self.action.setEnabled(self.allowed)
        menu.addSeparator()
        menu.addAction(self.action)
        self._times: tuple[time, ...] = ()
        self._last_check = self._local_now()
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_MS)
        self._timer.timeout.connect(self.check_shift_change)

    def start(self) -> None:
        if not self.allowed:
            return
        try:
            self._times = shift_times(self._ctx.settings.config_dir)
        except ShiftTimesError as exc:
            self._message(f"Shift changes not set: {exc}")
            return
        if self._times:
            self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _local_now(self) -> datetime:
        return self._ctx.services.clock.now().astimezone()

    def check_shift_change(self) -> None:
        now = self._local_now()
        passed = shift_change_passed(self._times, self._last_check, now)
        self._last_check = now
        if passed is not None:
            self._message(f"Shift change at {passed:%H:%M}: the handover report is open.")
            self.open(f"Shift change {passed:%H:%M}")

    def open_on_demand(self) -> HandoverDialog:
        from app.services.handover.commands import ON_DEMAND

        return self.open(ON_DEMAND)

    def open(self, shift: str) -> HandoverDialog:
        from ui.handover.handover_dialog import HandoverDialog  # the dialog: on first use

        if self.dialog is not None and self.dialog.isVisible():
            # Never closed under someone's hands: the outgoing lead may be typing the notes
            # just as the shift changes. It comes forward, for the shift that came.
            self.dialog.set_shift(shift)
            self.dialog.raise_()
            self.dialog.activateWindow()
            return self.dialog
        dialog = HandoverDialog(self._ctx, shift, self._window)
        self.dialog = dialog
        dialog.show()
        dialog.load()
        return dialog
