"""A real HTTP(S) server on 127.0.0.1 that records what webhooks post to it, for the tests.

with WebhookServer(statuses=[500, 200]) as server:   # fail once, then accept
    post_json(server.url("/hook"), {...})
    server.requests[0].json

`tls=True` serves HTTPS with the self-signed certificate for `localhost` in tests/fixtures
(`trusting_it()` is a client context that trusts it); `redirect_to` answers every request for
another path with `redirect_status` and that Location; `dribble=True` sends its answer a byte
every half second, for ever (a server that is slow, not silent).
"""

from __future__ import annotations

import json
import ssl
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
CERTIFICATE = FIXTURES / "webhook-localhost.pem"
KEY = FIXTURES / "webhook-localhost.key"


def trusting_it() -> ssl.SSLContext:
    """A client context that trusts the test certificate (and nothing else)."""
    return ssl.create_default_context(cafile=str(CERTIFICATE))


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up (refused the certificate, hit its deadline): expected


class WebhookServer:
    def __init__(
        self,
        statuses: list[int] | None = None,
        default: int = 200,
        *,
        tls: bool = False,
        redirect_to: str | None = None,
        redirect_status: int = 302,
        dribble: bool = False,
    ) -> None:
        """Answer each request with the next of `statuses`, then with `default`."""
        self.requests: list[Received] = []
        self._statuses = list(statuses or [])
        self._default = default
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._tls = tls
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _record(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                with owner._lock:
                    owner.requests.append(
                        Received(self.command, self.path, dict(self.headers), body)
                    )

            def _answer(self) -> None:
                self._record()
                if dribble:
                    for byte in b"HTTP/1.1 200 OK\r\n" * 1000:
                        if owner._stopping.wait(0.5):
                            return
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                    return
                if redirect_to is not None and self.path != urlsplit(redirect_to).path:
                    self.send_response(redirect_status)
                    self.send_header("Location", redirect_to)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                with owner._lock:
                    status = owner._statuses.pop(0) if owner._statuses else owner._default
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if status < 400 else b"failed")

            def do_POST(self) -> None:
                self._answer()

            def do_GET(self) -> None:
                self._answer()

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep the test output clean

        self._server = _Server(("127.0.0.1", 0), Handler)
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(CERTIFICATE), str(KEY))
            # The handshake on the handler's thread: a client that refuses the certificate
            # fails there, and its socket is closed like any other request's.
            self._server.socket = context.wrap_socket(
                self._server.socket, server_side=True, do_handshake_on_connect=False
            )
        # shutdown() waits for serve_forever() to look again: every 0.5 s by default, which made
        # every test's exit wait up to half a second per server.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def set_default(self, status: int) -> None:
        with self._lock:
            self._default = status

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def url(self, path: str = "/hook", host: str = "127.0.0.1") -> str:
        scheme = "https" if self._tls else "http"
        return f"{scheme}://{host}:{self.port}{path}"

    def __enter__(self) -> WebhookServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
