"""A private D-Bus session bus with a small desktop notification server on it, for tests.

The bus is a real `dbus-daemon` started with its own configuration (no service directories, so
nothing on the machine can be auto-started onto it); the server is a real D-Bus service owning
`org.freedesktop.Notifications`, written with jeepney and run on a thread. It answers what a
desktop's notification daemon answers and records every Notify call it received; a test can
make it misbehave (`behaviour`): never answer Notify, answer with an error, with a reply of the
wrong type, or with no value at all (which crashed dbus-python's introspection callback).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from jeepney import HeaderFields, MessageType, new_error, new_method_return
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection

NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"

_BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={folder}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""

# What dbus-python reads to marshal Notify's arguments (empty lists and dicts need a signature).
_INTROSPECTION = """<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">
<node>
  <interface name="org.freedesktop.Notifications">
    <method name="Notify">
      <arg type="s" direction="in"/><arg type="u" direction="in"/><arg type="s" direction="in"/>
      <arg type="s" direction="in"/><arg type="s" direction="in"/><arg type="as" direction="in"/>
      <arg type="a{sv}" direction="in"/><arg type="i" direction="in"/>
      <arg type="u" direction="out"/>
    </method>
    <method name="GetCapabilities"><arg type="as" direction="out"/></method>
    <method name="GetServerInformation">
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
    </method>
    <method name="CloseNotification"><arg type="u" direction="in"/></method>
  </interface>
</node>
"""


def dbus_daemon_available() -> str | None:
    """None when a private bus can be started here, else why not."""
    if shutil.which("dbus-daemon") is None:
        return "dbus-daemon is not installed (.ci/run installs the dbus-daemon package)"
    return None


class PrivateSessionBus:
    """`dbus-daemon --session` on a socket in `folder`, stopped by `stop()`."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        config = folder / "session.conf"
        config.write_text(_BUS_CONFIG.format(folder=folder), encoding="utf-8")
        self._process = subprocess.Popen(
            ["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address=1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # "Failed to set fd limit" as root in a container
            text=True,
        )
        assert self._process.stdout is not None
        self.address = self._process.stdout.readline().strip()
        if not self.address:
            self.stop()
            raise RuntimeError("dbus-daemon did not print its address")

    def stop(self) -> None:
        self._process.terminate()
        self._process.wait(timeout=10)
        if self._process.stdout is not None:
            self._process.stdout.close()


@dataclass(frozen=True)
class Received:
    app_name: str
    replaces_id: int
    app_icon: str
    summary: str
    body: str
    actions: list[str]
    hints: dict[str, object]
    timeout_ms: int


BEHAVIOURS = ("answers", "silent", "error", "wrong_type", "no_value")


class NotificationServer:
    """Owns org.freedesktop.Notifications on the bus at `address` and records each Notify."""

    def __init__(self, address: str) -> None:
        self.behaviour = "answers"
        self.received: list[Received] = []
        self._count = 0
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._stopping = threading.Event()
        self._conn: DBusConnection = open_dbus_connection(bus=address)
        reply = self._conn.send_and_get_reply(message_bus.RequestName(NAME, 0x4))
        if reply.body[0] != 1:  # 1: DBUS_REQUEST_NAME_REPLY_PRIMARY_OWNER
            raise RuntimeError(f"could not own {NAME}: {reply.body}")
        self._thread = threading.Thread(target=self._serve, name="notification-server")
        self._thread.start()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.received) >= count, timeout)
            return list(self.received)

    def clear(self) -> None:
        with self._lock:
            self.received.clear()
            self.behaviour = "answers"

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=10)
        self._conn.close()

    def _serve(self) -> None:
        while not self._stopping.is_set():
            try:
                msg = self._conn.receive(timeout=0.1)
            except TimeoutError:
                continue
            if msg.header.message_type != MessageType.method_call:
                continue
            member = msg.header.fields.get(HeaderFields.member)
            if self.behaviour == "no_value":
                self._conn.send(new_method_return(msg))
            elif member == "Introspect":
                self._conn.send(new_method_return(msg, "s", (_INTROSPECTION,)))
            elif member == "Notify" and self.behaviour == "silent":
                continue  # never answers: a hung desktop daemon
            elif member == "Notify" and self.behaviour == "error":
                self._conn.send(new_error(msg, "org.freedesktop.DBus.Error.Failed", "s",
                                          ("the daemon broke",)))  # fmt: skip
            elif member == "Notify" and self.behaviour == "wrong_type":
                self._conn.send(new_method_return(msg, "s", ("not an id",)))
            elif member == "Notify":
                with self._arrived:
                    self.received.append(Received(*msg.body))
                    self._count += 1
                    number = self._count
                    self._arrived.notify_all()
                self._conn.send(new_method_return(msg, "u", (number,)))
            elif member == "GetCapabilities":
                self._conn.send(new_method_return(msg, "as", (["body", "actions"],)))
            elif member == "GetServerInformation":
                info = ("calmdesk-test", "calmdesk", "1", "1.2")
                self._conn.send(new_method_return(msg, "ssss", info))
            else:
                self._conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod"))


def session_env(address: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    if address:
        env["DBUS_SESSION_BUS_ADDRESS"] = address
    return env


def _start_bus(tmp_path_factory: pytest.TempPathFactory) -> PrivateSessionBus:
    reason = dbus_daemon_available()
    if reason is not None:
        pytest.fail(reason)  # .ci/run installs it: a missing daemon is a broken machine
    return PrivateSessionBus(tmp_path_factory.mktemp("bus"))


@pytest.fixture(scope="session")
def _desktop_bus(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[PrivateSessionBus, NotificationServer]]:
    """A private bus with a notification server, for the whole run, as on a desktop: the
    daemon outlives the application, and libdbus reads the session bus address once."""
    bus = _start_bus(tmp_path_factory)
    server = NotificationServer(bus.address)
    yield bus, server
    server.stop()
    bus.stop()


@pytest.fixture(scope="session")
def _private_bus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateSessionBus]:
    bus = _start_bus(tmp_path_factory)
    yield bus
    bus.stop()


@pytest.fixture
def session_bus(
    _private_bus: PrivateSessionBus, monkeypatch: pytest.MonkeyPatch
) -> PrivateSessionBus:
    """A private session bus with no notification service on it."""
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", _private_bus.address)
    return _private_bus


@pytest.fixture
def notification_server(
    _desktop_bus: tuple[PrivateSessionBus, NotificationServer], monkeypatch: pytest.MonkeyPatch
) -> NotificationServer:
    """The desktop's notification server, with nothing received yet."""
    bus, server = _desktop_bus
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", bus.address)
    server.clear()
    return server
