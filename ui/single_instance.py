"""One console per user: the first one listens on a local socket (a Unix socket, a named pipe
on Windows) named for the user and their Calmdesk profile; a second launch hands its arguments
over (`calmdesk call --from NUMBER`, a `tel:` link, or nothing: come to the front) and exits.

The message is one line of JSON, {"argv": [...]}, answered with "ok\\n" once the running console
has taken it. Only Qt is imported here, so the hand-over stays quick.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

HANDOVER_TIMEOUT_MS = 2000
PROBE_TIMEOUT_MS = 500
MAX_MESSAGE = 64 * 1024
ACK = b"ok\n"


def instance_name(env: Mapping[str, str] | None = None) -> str:
    """Per user, and per profile (CALMDESK_HOME): a test's or a second profile's console is
    another console."""
    env = os.environ if env is None else env
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no login name in this environment
        user = str(os.getuid()) if hasattr(os, "getuid") else "user"
    home = env.get("CALMDESK_HOME", "")
    profile = str(Path(home).expanduser().resolve()) if home else ""
    digest = hashlib.sha256(f"{user}\0{profile}".encode()).hexdigest()[:16]
    return f"calmdesk-{digest}"


def hand_over(argv: Sequence[str], name: str, timeout_ms: int = HANDOVER_TIMEOUT_MS) -> bool:
    """Give `argv` to the console listening on `name`: True once it took them, False when no
    console answers (none is running, or it hung)."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(timeout_ms):
        return False
    try:
        socket.write(json.dumps({"argv": list(argv)}).encode() + b"\n")
        if not socket.waitForBytesWritten(timeout_ms):
            return False
        answer = b""
        while not answer.endswith(b"\n"):
            if not socket.waitForReadyRead(timeout_ms):
                return False
            answer += bytes(socket.readAll().data())
        return answer == ACK
    finally:
        socket.disconnectFromServer()


class InstanceServer(QObject):
    """Listens for later launches; `arguments` carries each one's argv to the console."""

    arguments = Signal(list)  # list[str]

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_new_connection)
        self._buffers: dict[QLocalSocket, bytes] = {}

    def listen(self) -> bool:
        """Start listening. A socket left behind by a console that crashed is cleared first;
        one a running console answers on is left to it (False: this console is a second one,
        started with other options such as --db)."""
        # Asked first: on Unix, listening with UserAccessOption replaces the socket file even
        # while another console listens on it.
        probe = QLocalSocket()
        probe.connectToServer(self.name)
        if probe.waitForConnected(PROBE_TIMEOUT_MS):
            probe.disconnectFromServer()
            return False
        if self._server.listen(self.name):
            return True
        QLocalServer.removeServer(self.name)
        return self._server.listen(self.name)

    def close(self) -> None:
        self._server.close()

    def _on_new_connection(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            self._buffers[socket] = b""
            socket.readyRead.connect(lambda s=socket: self._on_ready_read(s))
            socket.disconnected.connect(lambda s=socket: self._forget(s))
            if socket.bytesAvailable():
                self._on_ready_read(socket)

    def _forget(self, socket: QLocalSocket) -> None:
        self._buffers.pop(socket, None)
        socket.deleteLater()

    def _on_ready_read(self, socket: QLocalSocket) -> None:
        if socket not in self._buffers:
            return
        data = self._buffers[socket] + bytes(socket.readAll().data())
        if len(data) > MAX_MESSAGE:
            self._forget(socket)
            socket.abort()
            return
        if not data.endswith(b"\n"):
            self._buffers[socket] = data
            return
        self._buffers[socket] = b""
        argv = _parse(data)
        if argv is None:
            socket.abort()
            return
        socket.write(ACK)
        socket.flush()
        self.arguments.emit(argv)


def _parse(data: bytes) -> list[str] | None:
    try:
        message = json.loads(data)
    except ValueError:
        return None
    argv = message.get("argv") if isinstance(message, dict) else None
    if not isinstance(argv, list) or not all(isinstance(a, str) for a in argv):
        return None
    return argv
