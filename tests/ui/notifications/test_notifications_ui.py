"""The notification centre, delivery and fallbacks, end to end in the main window."""

from __future__ import annotations

import gc
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt, QTimer
from pytestqt.qtbot import QtBot

from app.adapters.notifications import DesktopNotifier
from app.domain.clock import ManualClock
from app.services.context import ServiceContext
from app.services.incidents.commands import IncidentCommands
from app.settings import load_settings
from tests.app.adapters.notification_server import NotificationServer
from tests.helpers import open_incident
from ui.console_context import ConsoleContext
from ui.main_window import MainWindow
from ui.notifications import Delivery, NotificationController, install_notifications
from ui.notifications.centre import NotificationListModel, UnreadButton
from ui.task_runner import TaskRunner


def _window(qtbot: QtBot, console: ConsoleContext) -> tuple[MainWindow, NotificationController]:
    window = MainWindow(console)
    qtbot.addWidget(window)
    controller = install_notifications(window, console)
    return window, controller


def _started_without_a_session_bus(
    qtbot: QtBot, console: ConsoleContext, monkeypatch: pytest.MonkeyPatch
) -> tuple[MainWindow, NotificationController]:
    """The window started where pop-ups fall back to the in-window banner (no session bus)."""
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    window, controller = _window(qtbot, console)
    with qtbot.waitSignal(window.queue.loaded):
        window.start()
    return window, controller


def _email_outage_commanded_by_me(console: ConsoleContext) -> int:
    ctx = console.services
    detail = open_incident(ctx, "Email outage", impact=1, urgency=1)
    IncidentCommands(ctx).declare_major(detail.id, detail.version, commander_id=ctx.actor.agent_id)
    return detail.id


def _click_entry(qtbot: QtBot, controller: NotificationController, row: int) -> None:
    view = controller.centre.view
    rect = view.visualRect(controller.centre.model.index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=rect.center())  # fmt: skip


def test_commander_gets_one_desktop_notification_when_the_update_is_overdue(
    qtbot: QtBot,
    console: ConsoleContext,
    clock: ManualClock,
    notification_server: NotificationServer,
) -> None:
    incident_id = _email_outage_commanded_by_me(console)
    clock.advance(timedelta(minutes=31))  # past the 30-minute P1 cadence
    window, controller = _window(qtbot, console)
    with qtbot.waitSignal(controller.popup_delivered, timeout=10_000) as delivered:
        window.start()
    assert delivered.args[0] == Delivery.DESKTOP.value, controller.delivery_text
    (received,) = notification_server.wait_for(1)
    assert received.summary.startswith("Update overdue: INC")
    assert received.summary.endswith("Email outage")
    assert received.app_name == "Calmdesk"
    controller.evaluate()  # again: the same cause never notifies twice
    assert len(notification_server.received) == 1
    assert controller.delivery_text.startswith("Desktop notifications")
    # Clicking the entry opens the war room of the major incident.
    from ui.war_room.window import WarRoomWindow

    _click_entry(qtbot, controller, 0)
    qtbot.waitUntil(lambda: bool(window.findChildren(WarRoomWindow)))
    assert controller.centre.model.notice_at(0).incident_id == incident_id


def test_clicking_an_entry_opens_the_incident_in_the_editor(
    qtbot: QtBot, console: ConsoleContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, controller = _started_without_a_session_bus(qtbot, console, monkeypatch)
    ctx = console.services
    detail = open_incident(ctx, "Payroll export fails", impact=1, urgency=2)  # P2
    with qtbot.waitSignal(controller.popup_delivered) as delivered:
        console.hub.poll_now()
    assert delivered.args[0] == Delivery.BANNER.value  # offscreen: no session bus, no tray
    assert controller.banner.isVisibleTo(window)
    assert "Payroll export fails" in controller.banner.label.text()
    assert "no desktop session bus" in controller.delivery_text
    _click_entry(qtbot, controller, 0)
    assert window.editor.incident_id() == detail.id


def test_in_the_banner_several_notices_at_once_are_one_summary_not_the_last_of_them(
    qtbot: QtBot, console: ConsoleContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    _window_shown, controller = _started_without_a_session_bus(qtbot, console, monkeypatch)
    ctx = console.services
    open_incident(ctx, "Payroll export fails", impact=1, urgency=1)  # P1
    open_incident(ctx, "Door badges refused", impact=1, urgency=2)  # P2
    delivered: list[object] = []
    controller.popup_delivered.connect(lambda _how, popup: delivered.append(popup))
    with qtbot.waitSignal(controller.evaluated):
        console.hub.poll_now()
    assert len(delivered) == 1
    said = controller.banner.label.text()
    assert "Calmdesk: 2 notifications" in said
    assert "2 × new P1 or P2 incident" in said
    assert controller.centre.model.rowCount() == 2  # each is in the centre, as ever


def test_with_no_notification_service_the_fallback_is_used_and_reported(
    qtbot: QtBot,
    console: ConsoleContext,
    session_bus: object,  # a bus, but nobody owns the notification name
) -> None:
    window, controller = _window(qtbot, console)
    with qtbot.waitSignal(window.queue.loaded):
        window.start()
    assert controller.delivery == Delivery.BANNER
    dialog = controller.open_preferences()
    qtbot.addWidget(dialog)
    assert dialog.accessibleName() == "Notification preferences"
    assert "no notification service runs on this desktop" in dialog.delivery.text()
    with qtbot.waitSignal(controller.popup_delivered) as delivered:
        qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)  # fmt: skip
    assert delivered.args[0] == Delivery.BANNER.value
    assert controller.centre.accessibleName() == "Notification centre"


def test_notification_model_passes_the_model_tester(qtmodeltester: object) -> None:
    from app.domain.notification_rules import Facts, Me, NotificationLedger, evaluate
    from tests.app.domain.test_notification_rules import START, incident

    model = NotificationListModel()
    notices = NotificationLedger(started=True).fresh(
        evaluate(Facts(incidents=[incident(1, 1), incident(2, 2)]), Me(7, None), START)
    )
    model.add(notices)
    assert model.rowCount() == 2
    qtmodeltester.check(model)  # type: ignore[attr-defined]


def test_the_centre_starts_closed_and_the_status_bar_counts_what_arrives_unseen(
    qtbot: QtBot, console: ConsoleContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    window, controller = _window(qtbot, console)
    window.show()
    with qtbot.waitSignal(window.queue.loaded):
        window.start()
    centre = controller.centre
    unread = window.statusBar().findChild(UnreadButton)
    assert not centre.isVisible()  # a first start: no empty panel taking the queue's room
    assert not unread.isVisible()
    ctx = console.services
    open_incident(ctx, "Payroll export fails", impact=1, urgency=2)
    open_incident(ctx, "Badge readers offline", impact=1, urgency=1)
    with qtbot.waitSignal(controller.popup_delivered):
        console.hub.poll_now()
    assert unread.isVisible()
    assert unread.text() == "2 new notifications"
    qtbot.mouseClick(unread, Qt.MouseButton.LeftButton)
    assert centre.isVisible()
    assert centre.stack.currentWidget() is centre.view
    assert centre.view.hasFocus() or centre.view.currentIndex().row() == 0
    assert not unread.isVisible()


def test_an_empty_centre_says_what_will_appear_there(qtbot: QtBot, console: ConsoleContext) -> None:
    window, controller = _window(qtbot, console)
    window.show()
    controller.centre.open()
    assert controller.centre.stack.currentWidget() is controller.centre.empty
    assert controller.centre.empty.text().startswith("Nothing needs you right now.")


def test_an_opened_centre_is_open_again_at_the_next_start(
    qtbot: QtBot, console: ConsoleContext
) -> None:
    window, controller = _window(qtbot, console)
    window.show()
    controller.centre.open()
    window.close()  # saves the layout
    again, controller_again = _window(qtbot, console)
    again.show()
    assert controller_again.centre.isVisible()


def test_ctrl_shift_n_opens_the_centre_on_the_newest_entry_and_closes_it_again(
    qtbot: QtBot, console: ConsoleContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    window, controller = _window(qtbot, console)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    with qtbot.waitSignal(window.queue.loaded):
        window.start()
    open_incident(console.services, "Badge readers offline", impact=1, urgency=1)
    with qtbot.waitSignal(controller.popup_delivered):
        console.hub.poll_now()
    centre = controller.centre
    keys = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.table, Qt.Key.Key_N, keys)
    assert centre.isVisible()
    qtbot.waitUntil(centre.view.hasFocus)
    assert centre.view.currentIndex().row() == 0
    qtbot.keyClick(centre.view, Qt.Key.Key_N, keys)
    assert not centre.isVisible()


@pytest.mark.parametrize(
    ("behaviour", "says"),
    [
        ("silent", "did not answer within 0.5 s"),
        ("error", "refused"),
        ("wrong_type", "malformed answer"),
        ("no_value", "malformed answer"),
    ],
)
def test_a_misbehaving_notification_service_falls_back_without_a_crash_or_a_freeze(
    qtbot: QtBot,
    sqlite_ctx: ServiceContext,
    notification_server: NotificationServer,
    behaviour: str,
    says: str,
) -> None:
    runner = TaskRunner()  # real worker threads: the UI thread must not wait for the service
    console = ConsoleContext.build(load_settings(), sqlite_ctx, runner)
    window, controller = _window(qtbot, console)
    try:
        _falls_back(qtbot, window, controller, notification_server, behaviour, says)
    finally:
        # Let the workers finish and collect this console here, on the UI thread: its timers
        # must not be destroyed by a worker thread's garbage collection in a later test.
        window.close()
        runner.wait_for_idle()
        del window, controller, console
        gc.collect()


def _falls_back(
    qtbot: QtBot,
    window: MainWindow,
    controller: NotificationController,
    notification_server: NotificationServer,
    behaviour: str,
    says: str,
) -> None:
    controller.notifier = DesktopNotifier(deadline=0.5)
    with qtbot.waitSignal(window.queue.loaded):
        window.start()
    qtbot.waitUntil(lambda: controller.delivery == Delivery.DESKTOP)  # the service is there
    notification_server.behaviour = behaviour
    ticked: list[bool] = []
    with qtbot.waitSignal(controller.popup_delivered, timeout=10_000) as delivered:
        controller.send_test()
        QTimer.singleShot(0, lambda: ticked.append(controller.delivery == Delivery.DESKTOP))
    assert ticked == [True]  # the UI thread ran on while the service was being asked
    assert delivered.args[0] in (Delivery.TRAY.value, Delivery.BANNER.value)
    assert says in controller.delivery_text
    dialog = controller.open_preferences()  # type: ignore[attr-defined]
    qtbot.addWidget(dialog)
    assert says in dialog.delivery.text()


def test_notifications_pause_from_the_settings_menu_too(
    qtbot: QtBot, console: ConsoleContext, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    window, controller = _started_without_a_session_bus(qtbot, console, monkeypatch)
    pause = controller.pause_action
    assert pause is not None
    assert pause in window.menus.settings_menu.actions()
    pause.trigger()
    until = (clock.now() + timedelta(hours=1)).astimezone()
    assert pause.text() == f"Notifications &paused until {until:%H:%M}"
    assert controller.prefs.paused_until == clock.now() + timedelta(hours=1)
    delivered: list[object] = []
    controller.popup_delivered.connect(lambda _how, popup: delivered.append(popup))
    open_incident(console.services, "Payroll export fails", impact=1, urgency=1)
    with qtbot.waitSignal(controller.evaluated):
        console.hub.poll_now()
    assert delivered == []  # held until the pause ends
    assert controller.centre.model.rowCount() == 1  # and in the centre meanwhile
