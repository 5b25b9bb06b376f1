"""Desktop notifications through plyer to the operating system's own service.

On Linux plyer takes the first of: the Flatpak portal, the `dbus` Python module (dbus-python)
calling org.freedesktop.Notifications.Notify on the session bus, then the `notify-send` program.
Calmdesk depends on dbus-python on Linux (pyproject.toml) so plyer takes the D-Bus path: it is
the only one that carries the app name and the icon (plyer's notify-send path drops the icon and
never lets the notification expire), and it needs no extra program on the agent's machine.
Windows (balloon tip) and macOS (NSUserNotification) go through plyer's own backends.

`desktop_service_problem` says, before anything is sent, why there is no service (no session
bus, nobody owning the notification name); the console then falls back to its tray icon or an
in-window banner and says so in the preferences.
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
    try:
        import dbus
    except ImportError:
        return "the dbus Python module is missing (reinstall Calmdesk)"
    try:
        bus = dbus.bus.BusConnection(address)
    except dbus.DBusException as exc:
        return f"the desktop session bus does not answer ({exc.get_dbus_name()})"
    try:
        if bus.name_has_owner(NOTIFICATIONS_NAME):
            return None
        if NOTIFICATIONS_NAME in bus.list_activatable_names():
            return None
        return "no notification service runs on this desktop"
    except dbus.DBusException as exc:
        return f"the desktop session bus refused ({exc.get_dbus_name()})"
    finally:
        bus.close()


class DesktopNotifier:
    """Sends one desktop notification through plyer; raises NotificationUnavailable."""

    def problem(self) -> str | None:
        return desktop_service_problem()

    def send(self, message: DesktopMessage) -> None:
        problem = desktop_service_problem()
        if problem is not None:
            raise NotificationUnavailable(problem)
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
                    hints={"desktop-entry": "calmdesk"},
                )
            except NotImplementedError as exc:
                raise NotificationUnavailable("plyer has no notification backend here") from exc
            except Exception as exc:  # dbus.DBusException and the platforms' own errors
                raise NotificationUnavailable(f"the notification service failed: {exc}") from exc
