"""SIGTERM while an alert is in flight: the service finishes it, commits it, answers 200, and only
then exits (status 0). The request is held half-sent with `Expect: 100-continue`: the service's
"100 Continue" says the request reached the endpoint before the signal is sent."""

from __future__ import annotations

import json
import socket
from pathlib import Path

from sqlalchemy import select

from app.db.engine import open_database
from app.db.models import AlertGroup
from tests.app.intake.intake_server import TOKEN, WAIT, alertmanager, running


def _read_until(connection: socket.socket, marker: bytes) -> bytes:
    received = b""
    while marker not in received:
        chunk = connection.recv(4096)
        if not chunk:
            break
        received += chunk
    return received


def test_sigterm_with_an_alert_in_flight_loses_nothing(db_url: str, tmp_path: Path) -> None:
    body = json.dumps(alertmanager("InFlightAtShutdown")).encode()
    with running(db_url, tmp_path) as server:
        connection = socket.create_connection(("127.0.0.1", server.port), timeout=WAIT)
        with connection:
            connection.sendall(
                b"POST /alerts/alertmanager HTTP/1.1\r\n"
                b"Host: calmdesk\r\n"
                + f"Authorization: Bearer {TOKEN}\r\n".encode()
                + b"Content-Type: application/json\r\n"
                + f"Content-Length: {len(body)}\r\n".encode()
                + b"Expect: 100-continue\r\n\r\n"
            )
            assert b"100 Continue" in _read_until(connection, b"\r\n\r\n")
            server.process.send_signal(15)  # SIGTERM
            server.wait_for("Shutting down")
            connection.sendall(body)
            answer = _read_until(connection, b'"note"')
        assert answer.startswith(b"HTTP/1.1 200"), answer
        assert server.process.wait(timeout=WAIT) == 0
        server.wait_for("calmdesk intake: stopped")
    db = open_database(db_url)
    try:
        with db.read() as session:
            names = session.scalars(select(AlertGroup.alert_name)).all()
    finally:
        db.dispose()
    assert names == ["InFlightAtShutdown"]
