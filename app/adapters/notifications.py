"""Desktop notifications to the operating system's own service.

On Linux Calmdesk calls org.freedesktop.Notifications.Notify on the session bus itself, with
jeepney (pure Python, blocking calls with a deadline, no main loop and no introspection): it
carries the app name and icon, and a service that is missing, slow, answers with an error or
with a malformed reply becomes NotificationUnavailable with the reason, never an exception in
some callback thread (dbus-python raised inside its introspection callback when a service
answered without a value, which the console reported as a crash). Windows (balloon tip) and
macOS (NSUserNotification) go through plyer's backends.

`desktop_service_problem` says, before anything is sent, why there is no service (no session
bus, nobody owning the notification name, a bus that does not answer); the console then falls
back to its tray icon or an in-window banner and says so in Settings → Notifications.
"""

from __future__ import annotations

import os
import sys
import warnings
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from app.domain.errors import CalmdeskError

APP_NAME = "Calmdesk"
NOTIFICATIONS_NAME = "org.freedesktop.Notifications"
TIMEOUT_SECONDS = 10


class NotificationUnavailable(CalmdeskError):
    """The desktop has no notification service we can reach; use a fallback."""


@dataclass(frozen=True)
class DesktopMessage:
    title: str
    body: str
    app_name: str = APP_NAME
    icon: str = ""  # a file path ('' for none)
    timeout_seconds: int = TIMEOUT_SECONDS


def app_icon_path() -> str:
    """The Calmdesk icon as a file the notification service can read ('' when not shipped)."""
    name = "calmdesk.ico" if sys.platform == "win32" else "calmdesk-64.png"
    icon = resources.files("resources") / "icons" / name
    return str(icon) if isinstance(icon, Path) and icon.is_file() else ""


def _session_bus_address(env: dict[str, str] | os._Environ[str]) -> str | None:
    address = env.get("DBUS_SESSION_BUS_ADDRESS")
    if address:
        return address
    runtime = env.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime, "bus").exists():  # systemd's user bus, without the variable
        return f"unix:path={Path(runtime, 'bus')}"
    return None


def desktop_service_problem() -> str | None:
    """None when a desktop notification service answers here, else why not (in words)."""
    if not sys.platform.startswith("linux"):
        return None  # Windows and macOS always have theirs
    address = _session_bus_address(os.environ)
    if address is None:
        return "no desktop session bus (DBUS_SESSION_BUS_ADDRESS is not set)"
    from app.adapters.session_bus import SessionBusError, notification_service_present

    try:
        if notification_service_present(address, NOTIFICATIONS_NAME):
            return None
    except SessionBusError as exc:
        return str(exc)
    return "no notification service runs on this desktop"


class DesktopNotifier:
    """Sends one desktop notification; raises NotificationUnavailable with the reason."""

    def __init__(self, deadline: float | None = None) -> None:
        self._deadline = deadline  # seconds to wait for the service; None: session_bus.DEADLINE

    def problem(self) -> str | None:
        return desktop_service_problem()

    def send(self, message: DesktopMessage) -> None:
        problem = desktop_service_problem()
        if problem is not None:
            raise NotificationUnavailable(problem)
        if sys.platform.startswith("linux"):
            self._send_on_the_session_bus(message)
        else:
            self._send_with_plyer(message)

    def _send_on_the_session_bus(self, message: DesktopMessage) -> None:
        from app.adapters.session_bus import SessionBusError, notify

        address = _session_bus_address(os.environ)
        assert address is not None  # desktop_service_problem said there is a bus
        try:
            notify(address, message, self._deadline)
        except SessionBusError as exc:
            raise NotificationUnavailable(str(exc)) from exc

    def _send_with_plyer(self, message: DesktopMessage) -> None:
        with warnings.catch_warnings():
            # plyer warns (rather than fails) while it looks for a backend; we report failures.
            warnings.simplefilter("ignore")
            from plyer import notification

            try:
                notification.notify(
                    title=message.title,
                    message=message.body,
                    app_name=message.app_name,
                    app_icon=message.icon,
                    timeout=message.timeout_seconds,
                )
            except NotImplementedError as exc:
                raise NotificationUnavailable("plyer has no notification backend here") from exc
            except Exception as exc:  # the platforms' own errors
                raise NotificationUnavailable(f"the notification service failed: {exc}") from exc
