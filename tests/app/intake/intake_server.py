"""The intake service as the tests run it: the real `calmdesk intake serve` in its own process,
on a free port, on a real database, spoken to over real HTTP (httpx)."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from app.db.engine import Database
from app.db.models import AlertGroup, ChangeLogEntry, Incident, TimelineEvent

REPO = Path(__file__).resolve().parents[3]
TOKEN = "t0ken-for-the-intake-tests-only"
STARTED = "Uvicorn running on"
WAIT = 60.0  # seconds for a line to appear: generous, the build machine is shared

TEST_MAPPING = """\
[settings]
reopen_within_minutes = 60
flapping_changes_per_hour = 4

[services]
mail = "Email"

[[rule]]
when = { severity = "critical" }
impact = "high"
urgency = "high"

[[rule]]
when = { severity = "info" }
impact = "low"
urgency = "low"
resolve_on_recovery = true
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class IntakeProcess:
    def __init__(self, db_url: str, folder: Path, *, max_body: int = 4096) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        token_file = folder / "token"
        token_file.write_text(TOKEN + "\n", encoding="utf-8")
        mapping = folder / "mapping.toml"
        mapping.write_text(TEST_MAPPING, encoding="utf-8")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "CALMDESK_HOME": str(folder / "home"), "PYTHONPATH": str(REPO)}
        env.pop("CALMDESK_DB_URL", None)
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "app.cli", "intake", "serve",
                "--db", db_url,
                "--listen", f"127.0.0.1:{self.port}",
                "--token-file", str(token_file),
                "--mapping", str(mapping),
                "--max-body", str(max_body),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            env=env,
            cwd=REPO,
        )  # fmt: skip
        self.lines: queue.Queue[str] = queue.Queue()
        self.log: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.client = httpx.Client(base_url=self.base, timeout=WAIT)
        try:
            self.wait_for(STARTED)
        except AssertionError:
            self.close()
            raise

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put("")  # the end

    def wait_for(self, text: str) -> str:
        """Block until the service logs a line holding `text`; fail if it exits first."""
        while True:
            try:
                line = self.lines.get(timeout=WAIT)
            except queue.Empty:
                raise AssertionError(f"no {text!r} in the log: {self.log}") from None
            if line == "":
                raise AssertionError(f"the service ended before {text!r}: {self.log}")
            self.log.append(line)
            if text in line:
                return line

    def post(self, path: str, body: Any, *, token: str | None = TOKEN) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        if isinstance(body, bytes):
            return self.client.post(path, content=body, headers=headers)
        return self.client.post(path, json=body, headers=headers)

    def terminate(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=WAIT)

    def close(self) -> None:
        self.client.close()
        if self.process.poll() is None:
            self.terminate()
        self._reader.join(timeout=WAIT)
        assert self.process.stdout is not None
        self.process.stdout.close()


@contextmanager
def running(db_url: str, folder: Path, **options: Any) -> Iterator[IntakeProcess]:
    server = IntakeProcess(db_url, folder, **options)
    try:
        yield server
    finally:
        server.close()


def written(db: Database) -> tuple[int, int, int, int]:
    """Rows in the tables an alert writes: nothing written means these do not move."""
    with db.read() as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (AlertGroup, Incident, TimelineEvent, ChangeLogEntry)
        )


def alertmanager(
    name: str,
    status: str = "firing",
    *,
    severity: str = "critical",
    service: str = "mail",
    instances: tuple[str, ...] = ("web-1",),
    group_key: str | None = None,
) -> dict[str, Any]:
    """An Alertmanager webhook (version 4) as Alertmanager sends it."""
    common = {"alertname": name, "severity": severity, "service": service}
    return {
        "version": "4",
        "groupKey": group_key or f'{{}}:{{alertname="{name}"}}',
        "truncatedAlerts": 0,
        "status": status,
        "receiver": "calmdesk",
        "groupLabels": {"alertname": name},
        "commonLabels": common,
        "commonAnnotations": {"summary": f"{name} on the mail cluster"},
        "externalURL": "http://alertmanager.example.com:9093",
        "alerts": [
            {
                "status": status,
                "labels": {**common, "instance": instance},
                "annotations": {"summary": f"{name} on the mail cluster"},
                "startsAt": "2026-01-05T08:58:00.123456789Z",
                "endsAt": "0001-01-01T00:00:00Z" if status == "firing" else "2026-01-05T09:10:00Z",
                "generatorURL": "http://prometheus.example.com:9090/graph?g0.expr=up",
                "fingerprint": f"fp-{instance}",
            }
            for instance in instances
        ],
    }
