"""Desktop notifications over the real D-Bus protocol to a notification server on a private
session bus; with no service, or one that misbehaves, the reason the console falls back."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.adapters.notifications import (
    DesktopMessage,
    DesktopNotifier,
    NotificationUnavailable,
    app_icon_path,
)
from tests.app.adapters.notification_server import NotificationServer, PrivateSessionBus

QUICK = 0.5  # seconds: a short deadline so a silent service costs the test little


def test_a_notification_reaches_the_desktop_service_with_title_body_app_and_icon(
    notification_server: NotificationServer,
) -> None:
    notifier = DesktopNotifier()
    assert notifier.problem() is None
    notifier.send(DesktopMessage("Update overdue: INC0000001 Email outage", "Users are waiting.",
                                 icon=app_icon_path()))  # fmt: skip
    (received,) = notification_server.wait_for(1)
    assert received.summary == "Update overdue: INC0000001 Email outage"
    assert received.body == "Users are waiting."
    assert received.app_name == "Calmdesk"
    assert received.app_icon.endswith("calmdesk-64.png")
    assert Path(received.app_icon).is_file()


def test_with_no_service_on_the_bus_the_reason_is_given(
    session_bus: PrivateSessionBus,
) -> None:
    notifier = DesktopNotifier()
    assert notifier.problem() == "no notification service runs on this desktop"
    with pytest.raises(NotificationUnavailable, match="no notification service"):
        notifier.send(DesktopMessage("title", "body"))


def test_with_no_session_bus_the_reason_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    assert "no desktop session bus" in (DesktopNotifier().problem() or "")


@pytest.mark.parametrize(
    ("behaviour", "says"),
    [
        ("silent", "did not answer within"),
        ("error", "refused: org.freedesktop.DBus.Error.Failed"),
        ("wrong_type", "malformed answer"),
        ("no_value", "malformed answer"),
    ],
)
def test_a_service_that_misbehaves_is_a_reason_to_fall_back_not_a_crash(
    notification_server: NotificationServer, behaviour: str, says: str
) -> None:
    notification_server.behaviour = behaviour
    notifier = DesktopNotifier(deadline=QUICK)
    with pytest.raises(NotificationUnavailable, match=says):
        notifier.send(DesktopMessage("Update overdue", "Users are waiting."))
