"""A small real HTTP server that takes PUT and MKCOL (as a WebDAV folder would), for the
status page's publishing tests. It can be told to fail the next few requests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Store:
    files: dict[str, bytes] = field(default_factory=dict)
    folders: set[str] = field(default_factory=set)
    fail_next: int = 0
    auth: list[str | None] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _handler(store: Store) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _failing(self) -> bool:
            with store.lock:
                if store.fail_next > 0:
                    store.fail_next -= 1
                    self.send_response(503)
                    self.end_headers()
                    return True
            return False

        def do_MKCOL(self) -> None:
            if self._failing():
                return
            store.folders.add(self.path)
            self.send_response(201)
            self.end_headers()

        def do_PUT(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            data = self.rfile.read(length)
            if self._failing():
                return
            with store.lock:
                store.files[self.path] = data
                store.auth.append(self.headers.get("Authorization"))
            self.send_response(201)
            self.end_headers()

    return Handler


@contextmanager
def put_server() -> Iterator[tuple[str, Store]]:
    store = Store()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(store))
    # Looks for shutdown() every 20 ms (0.5 s by default, waited at every test's end).
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/status", store
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
