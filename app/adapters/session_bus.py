"""The two calls Calmdesk makes on a Linux desktop's session bus, each with a deadline.

Written with jeepney's blocking connection: a call that gets no answer within `DEADLINE`
seconds, an error reply, or a reply of the wrong shape raises SessionBusError with a sentence a
person can read (shown in Settings → Notifications). Nothing here runs on the UI thread: the
console calls it from its task runner.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jeepney import DBusAddress, DBusErrorResponse, MessageType, new_method_call
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection

from app.domain.errors import CalmdeskError

if TYPE_CHECKING:
    from jeepney.low_level import Message

    from app.adapters.notifications import DesktopMessage

DEADLINE = 3.0  # seconds: a notification later than this is no longer news
NOTIFICATIONS_PATH = "/org/freedesktop/Notifications"
NOTIFICATIONS_NAME = "org.freedesktop.Notifications"


class SessionBusError(CalmdeskError):
    """The session bus or the notification service did not do what was asked."""


def _open(address: str) -> DBusConnection:
    try:
        return open_dbus_connection(bus=address, auth_timeout=DEADLINE)
    except (OSError, ValueError, TimeoutError) as exc:
        raise SessionBusError(f"the desktop session bus does not answer ({exc})") from exc


def _call(
    connection: DBusConnection, message: Message, what: str, deadline: float = DEADLINE
) -> tuple[object, ...]:
    try:
        reply = connection.send_and_get_reply(message, timeout=deadline)
    except TimeoutError as exc:
        raise SessionBusError(f"{what} did not answer within {deadline:g} s") from exc
    except (OSError, ValueError) as exc:
        raise SessionBusError(f"{what} failed: {exc}") from exc
    if reply.header.message_type == MessageType.error:
        raise SessionBusError(f"{what} refused: {DBusErrorResponse(reply).name}")
    body = reply.body
    return tuple(body) if isinstance(body, tuple | list) else (body,)


def notification_service_present(address: str, name: str = NOTIFICATIONS_NAME) -> bool:
    """Whether someone owns `name` on the bus, or the bus can start them."""
    connection = _open(address)
    try:
        owned = _call(connection, message_bus.NameHasOwner(name), "the desktop session bus")
        if owned[:1] == (True,):
            return True
        names = _call(connection, message_bus.ListActivatableNames(), "the desktop session bus")
        return bool(names) and isinstance(names[0], list) and name in names[0]
    finally:
        connection.close()


def notify(address: str, message: DesktopMessage, deadline: float | None = None) -> int:
    """Show `message`; returns the service's id for it."""
    target = DBusAddress(NOTIFICATIONS_PATH, bus_name=NOTIFICATIONS_NAME,
                         interface=NOTIFICATIONS_NAME)  # fmt: skip
    call = new_method_call(
        target,
        "Notify",
        "susssasa{sv}i",
        (
            message.app_name,
            0,
            message.icon,
            message.title,
            message.body,
            [],
            {"desktop-entry": ("s", "calmdesk")},
            message.timeout_seconds * 1000,
        ),
    )
    connection = _open(address)
    try:
        body = _call(connection, call, "the notification service", deadline or DEADLINE)
    finally:
        connection.close()
    if len(body) != 1 or not isinstance(body[0], int) or isinstance(body[0], bool):
        raise SessionBusError(f"the notification service gave a malformed answer: {body!r}")
    return body[0]
