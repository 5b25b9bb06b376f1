"""A TCP proxy on 127.0.0.1 that a test can break and mend: the network to the database failing,
for real, without stopping the shared PostgreSQL server.

- `cut()` closes every connection going through it and refuses new ones (connection refused,
  as a server that is down, or a reset).
- `silence()` stops forwarding without closing anything: connections stay open and new ones are
  accepted, but not a byte goes through either way (Wi-Fi gone, a VPN or a firewall dropping
  packets). What was sent meanwhile is held, as TCP would retransmit it.
- `restore()` mends either: accepts again on the same port, and forwards what was held.

The port stays the proxy's while it is cut: a second socket holds it, bound but never listening
(connections to it are refused, as to a server that is down), so nothing else on the machine (an
outgoing connection's ephemeral port, another test's listener) takes it before `restore()`
listens on it again. Both sockets share it through SO_REUSEPORT.
"""

from __future__ import annotations

import contextlib
import socket
import threading


class FaultProxy:
    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self._upstream = (upstream_host, upstream_port)
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._holder: socket.socket | None = None  # keeps the port while cut (see above)
        self._flowing = threading.Event()
        self.port = 0
        self.connections = 0  # accepted since the start: proves traffic went through here
        self.restore()

    # -- control ------------------------------------------------------------------------------

    def cut(self) -> None:
        with self._lock:
            listener, self._listener = self._listener, None
            sockets, self._open = self._open, set()
        if listener is not None:
            listener.close()
        for sock in sockets:
            _close(sock)

    def silence(self) -> None:
        self._flowing.clear()

    @property
    def silent(self) -> bool:
        return not self._flowing.is_set()

    def restore(self) -> None:
        with self._lock:
            listening = self._listener is not None
        if not listening:
            listener = _shared_port_socket(self.port)
            listener.listen(64)
            self.port = listener.getsockname()[1]
            if self._holder is None:
                self._holder = _shared_port_socket(self.port)
            with self._lock:
                self._listener = listener
            threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        self._flowing.set()

    def close(self) -> None:
        self.cut()
        if self._holder is not None:
            self._holder.close()
            self._holder = None
        self._flowing.set()  # lets held pumps see their sockets closed and end

    # -- pumping ------------------------------------------------------------------------------

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut: the listener was closed
            try:
                server = socket.create_connection(self._upstream, timeout=5)
                server.settimeout(None)
            except OSError:
                _close(client)
                continue
            with self._lock:
                if self._listener is not listener:  # cut while connecting
                    _close(client)
                    _close(server)
                    return
                self._open.update((client, server))
                self.connections += 1
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while self._hold(source) and (data := source.recv(65536)):
                if not self._hold(source):
                    return
                target.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._open.discard(source)
                self._open.discard(target)
            _close(source)
            _close(target)

    def _hold(self, source: socket.socket) -> bool:
        """Wait while the line is silent; False once the socket was closed meanwhile."""
        while not self._flowing.wait(0.2):
            if source.fileno() == -1:
                return False
        return source.fileno() != -1


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


def _shared_port_socket(port: int) -> socket.socket:
    """A TCP socket bound to 127.0.0.1:`port` (0: any free one) that others of these may share."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(("127.0.0.1", port))
    return sock
