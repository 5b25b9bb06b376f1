"""Runs the notification rules and delivers what they say.

The rules run after the queue loads, after the queue patched the rows a change named, after the
console's change hub reports a change to anything else (calls, vendors, services), and every 30 s
for the rules about time (SLA, update cadence, vendor ETAs). The extras the queue rows lack are read
on the task runner. Fresh notices go to the notification centre; the gate decides which become
pop-ups, and each pop-up goes to the best delivery there is: the desktop's notification service
through plyer, else the tray icon's message, else the in-window banner.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from enum import StrEnum
from functools import partial

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QWidget

from app.adapters.notification_prefs import load_preferences, save_preferences
from app.adapters.notifications import DesktopMessage, DesktopNotifier, app_icon_path
from app.domain.cadence import DUE_SOON
from app.domain.notification_gate import (
    NotificationGate,
    NotificationPreferences,
    Popup,
    summarise,
)
from app.domain.notification_rules import Me, NotificationLedger, evaluate
from app.domain.roles import Role
from app.services.feed.dto import ChangeBatch
from app.services.feed.notification_facts import NotificationExtras, build_facts, read_extras
from app.services.incidents.dto import IncidentRow
from ui.console_context import ConsoleContext
from ui.notifications.banner import NotificationBanner
from ui.notifications.centre import NotificationCentre
from ui.notifications.preferences_dialog import NotificationPreferencesDialog
from ui.notifications.tray import NotificationTray

EVALUATE_MS = 30_000


class Delivery(StrEnum):
    DESKTOP = "desktop"
    TRAY = "tray"
    BANNER = "banner"


class NotificationController(QObject):
    popup_delivered = Signal(str, object)  # the Delivery used, the Popup
    delivery_changed = Signal(str)  # a sentence for the preferences
    evaluated = Signal(int)  # fresh notices found by one run of the rules
    incident_open_requested = Signal(int)  # an entry or a pop-up was clicked
    log_call_requested = Signal()  # from the tray menu
    show_console_requested = Signal()
    quit_requested = Signal()
    paused_changed = Signal(str)  # paused until this local time ("10:42"), or "" when not

    def __init__(
        self,
        context: ConsoleContext,
        rows: Callable[[], list[IncidentRow]],
        team_id: Callable[[], int | None],
        centre: NotificationCentre,
        banner: NotificationBanner,
        tray: NotificationTray,
        notifier: DesktopNotifier | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = context
        self._rows = rows
        self._team_id = team_id
        self.centre = centre
        self.banner = banner
        self.tray = tray
        self.notifier = notifier or DesktopNotifier()
        actor = context.services.actor
        self._login = actor.login
        self.prefs = load_preferences(context.settings.config_dir, actor.login)
        self.ledger = NotificationLedger()
        self.gate = NotificationGate()
        self.delivery = Delivery.BANNER
        self.delivery_text = "Checking for the desktop's notification service…"
        self._running = False
        self._again = False
        self._bulk_ending = False
        self._changes = context.hub.subscription(self, self._on_changes)
        self._last_popup: Popup | None = None
        self.preferences_action: QAction | None = None  # Settings → Notifications…, once added
        self.pause_action: QAction | None = None  # Settings → Pause notifications, once added
        self.preferences_dialog: NotificationPreferencesDialog | None = None  # the last opened
        self._timer = QTimer(self)
        self._timer.setInterval(EVALUATE_MS)
        self._timer.timeout.connect(self.evaluate)
        centre.incident_activated.connect(self.incident_open_requested)
        banner.open_requested.connect(self._on_banner_open_requested)
        tray.message_clicked.connect(self._on_banner_open_requested)
        tray.pause_requested.connect(self.pause_for_an_hour)
        self.paused_changed.connect(tray.set_paused)
        tray.log_call_requested.connect(self.log_call_requested)
        tray.show_console_requested.connect(self.show_console_requested)
        tray.quit_requested.connect(self.quit_requested)

    # -- running -----------------------------------------------------------------------------

    def start(self) -> None:
        self.tray.show()
        self.probe_delivery()
        self._timer.start()
        self._changes.start()

    def stop(self) -> None:
        self._changes.stop()
        self._timer.stop()
        self.tray.hide()

    def _on_changes(self, batch: ChangeBatch) -> None:
        # Changed incidents reach the rules once the queue has read their rows (see
        # install_notifications); calls, vendor cases and services are read here.
        if batch.other_entities:
            self.evaluate()

    def probe_delivery(self) -> None:
        """Find the best delivery there is (asking the session bus runs off the UI thread)."""
        self._ctx.runner.submit(self.notifier.problem, self._on_probed, self._on_probe_failed)

    def _on_probed(self, problem: str | None) -> None:
        if problem is None:
            self._set_delivery(Delivery.DESKTOP, "Desktop notifications (the system's service)")
        else:
            self._fall_back(problem)

    def _on_probe_failed(self, exc: Exception) -> None:
        self._fall_back(str(exc))

    def _fall_back(self, problem: str) -> None:
        if self.tray.available():
            self._set_delivery(Delivery.TRAY, f"Tray icon messages: {problem}")
        else:
            self._set_delivery(
                Delivery.BANNER, f"A banner in the window: {problem}, and no system tray"
            )

    def _set_delivery(self, delivery: Delivery, text: str) -> None:
        self.delivery, self.delivery_text = delivery, text
        self.delivery_changed.emit(text)

    def evaluate(self) -> None:
        """Run the rules now (coalesced: a run already going runs once more when it ends)."""
        if self._running:
            self._again = True
            return
        self._running = True
        services = self._ctx.services
        self._ctx.runner.submit(lambda: read_extras(services), self._on_extras, self._on_failed)

    def _on_failed(self, _exc: Exception) -> None:
        self._finish()  # the queue reports database trouble; the next run tries again

    def _on_extras(self, extras: NotificationExtras) -> None:
        now = self._ctx.services.clock.now()
        rows = self._rows()
        actor = self._ctx.services.actor
        me = Me(actor.agent_id, self._team_id(), supervisor=actor.role.rank >= Role.SUPERVISOR.rank)
        notices = evaluate(build_facts(rows, extras), me, now)
        if self._bulk_ending:
            self._bulk_ending = False
            told = self.ledger.end_bulk(notices)
        else:
            told = self.ledger.fresh(notices)
        fresh = [n for n in told if self.prefs.wanted(n)]
        self.centre.model.add(fresh)
        popups = self.gate.offer(fresh, self.prefs, now, now.astimezone())
        if len(popups) > 1 and self.delivery != Delivery.DESKTOP:
            # The tray's message and the banner show one at a time: several at once would
            # leave only the last (a new P1 replaced by a vendor's ETA); one summary instead.
            popups = [summarise([n for popup in popups for n in popup.notices])]
        for popup in popups:
            self.deliver(popup)
        self._update_tray(rows)
        self.evaluated.emit(len(fresh))
        self._finish()

    def begin_bulk(self) -> None:
        """This console starts loading the sample or importing a file: a bulk change is not
        news one by one (notices are recorded, then summarised once by `end_bulk`)."""
        self.ledger.begin_bulk()

    def end_bulk(self) -> None:
        self._bulk_ending = True
        self.evaluate()

    def _finish(self) -> None:
        self._running = False
        if self._again:
            self._again = False
            self.evaluate()

    def _update_tray(self, rows: list[IncidentRow]) -> None:
        now = self._ctx.services.clock.now()
        me = self._ctx.services.actor.agent_id
        open_rows = [r for r in rows if r.status.is_open]
        urgent = sum(1 for r in open_rows if int(r.priority) <= 2)
        mine = sum(1 for r in open_rows if r.assignee_id == me)
        due = sum(
            1
            for r in open_rows
            if r.next_update_due is not None and r.next_update_due - now <= DUE_SOON
        )
        self.tray.set_counts(urgent, mine, due)

    # -- delivering --------------------------------------------------------------------------

    def deliver(self, popup: Popup) -> None:
        self._last_popup = popup
        if popup.loud and self.prefs.sound:
            QApplication.beep()
        if self.delivery == Delivery.DESKTOP:
            message = DesktopMessage(popup.title, popup.body, icon=app_icon_path())
            self._ctx.runner.submit(
                lambda: self.notifier.send(message),
                lambda _none: self.popup_delivered.emit(Delivery.DESKTOP.value, popup),
                partial(self._on_desktop_failed, popup),
            )
        elif self.delivery == Delivery.TRAY:
            self.tray.show_message(popup.title, popup.body)
            self.popup_delivered.emit(Delivery.TRAY.value, popup)
        else:
            self.banner.show_message(popup.title, popup.body, popup.incident_id is not None)
            self.popup_delivered.emit(Delivery.BANNER.value, popup)

    def _on_desktop_failed(self, popup: Popup, exc: Exception) -> None:
        self._fall_back(str(exc))
        self.deliver(popup)

    def send_test(self) -> None:
        self.deliver(
            Popup(
                "Calmdesk test notification",
                f"Notifications reach you. Delivery: {self.delivery_text}.",
                None,
                major=False,
                loud=False,
                notices=(),
            )
        )

    def _on_banner_open_requested(self) -> None:
        popup = self._last_popup
        if popup is not None and popup.incident_id is not None:
            self.incident_open_requested.emit(popup.incident_id)

    # -- preferences -------------------------------------------------------------------------

    def open_preferences(self) -> NotificationPreferencesDialog:
        """The preferences dialog, open over the window; saved when the agent presses OK."""
        window = self.parent()
        dialog = NotificationPreferencesDialog(
            self.prefs, self.delivery_text, window if isinstance(window, QWidget) else None
        )
        dialog.test_requested.connect(self.send_test)
        self.delivery_changed.connect(dialog.set_delivery)
        dialog.accepted.connect(lambda: self.set_preferences(dialog.preferences()))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        dialog.open()
        self.preferences_dialog = dialog
        return dialog

    def set_preferences(self, prefs: NotificationPreferences) -> None:
        self.prefs = prefs
        save_preferences(self._ctx.settings.config_dir, self._login, prefs)
        until = prefs.paused_until
        now = self._ctx.services.clock.now()
        self.paused_changed.emit(
            until.astimezone().strftime("%H:%M") if until and until > now else ""
        )

    def pause_for_an_hour(self) -> None:
        now = self._ctx.services.clock.now()
        self.set_preferences(self.prefs.paused_for_an_hour(now))
        # Held pop-ups come out at the first run after the pause: make sure there is one.
        QTimer.singleShot(int(timedelta(hours=1).total_seconds() * 1000) + 1000, self.evaluate)
