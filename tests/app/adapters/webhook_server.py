"""A real HTTP server on 127.0.0.1 that records what webhooks post to it, for the tests.

with WebhookServer(statuses=[500, 200]) as server:   # fail once, then accept
    post_json(server.url("/hook"), {...})
    server.requests[0].json
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


class WebhookServer:
    def __init__(self, statuses: list[int] | None = None, default: int = 200) -> None:
        """Answer each request with the next of `statuses`, then with `default`."""
        self.requests: list[Received] = []
        self._statuses = list(statuses or [])
        self._default = default
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                with owner._lock:
                    owner.requests.append(Received(self.path, dict(self.headers), body))
                    status = owner._statuses.pop(0) if owner._statuses else owner._default
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if status < 400 else b"failed")

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep the test output clean

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def set_default(self, status: int) -> None:
        with self._lock:
            self._default = status

    def url(self, path: str = "/hook") -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{path}"

    def __enter__(self) -> WebhookServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
