"""The alert intake's throughput: the real `calmdesk intake serve` process on a PostgreSQL
database, fed over HTTP by several senders at once, the way a busy Alertmanager is. Each sender
posts a mix of alerts: a new group now and then (a new incident), mostly repeats and recoveries
of groups already open. Accepted means answered 200, which the service does only after commit;
the table is counted afterwards to check nothing answered 200 went missing."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from time import perf_counter
from typing import Any

import httpx
from sqlalchemy import func, select

from app.db.engine import open_database
from app.db.models import AlertGroup
from bench.common import Result

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "bench-token-for-the-intake-only"
SENDERS = 4
NEW_GROUP_EVERY = 10  # one alert in ten opens a new group


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _alert(name: str, status: str) -> dict[str, Any]:
    labels = {"alertname": name, "severity": "warning", "service": "bench"}
    return {
        "version": "4",
        "groupKey": f'{{}}:{{alertname="{name}"}}',
        "status": status,
        "receiver": "calmdesk",
        "groupLabels": {"alertname": name},
        "commonLabels": labels,
        "commonAnnotations": {"summary": f"{name} in the benchmark"},
        "externalURL": "http://alertmanager.example.com:9093",
        "alerts": [
            {
                "status": status,
                "labels": {**labels, "instance": "web-1"},
                "annotations": {},
                "startsAt": "2026-01-05T09:00:00Z",
                "endsAt": "0001-01-01T00:00:00Z",
                "generatorURL": "http://prometheus.example.com:9090/graph",
                "fingerprint": "bench",
            }
        ],
    }


def _start(url: str, folder: Path) -> tuple[subprocess.Popen[str], int, threading.Thread]:
    token = folder / "token"
    token.write_text(TOKEN, encoding="utf-8")
    port = _free_port()
    env = {**os.environ, "CALMDESK_HOME": str(folder / "home"), "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "intake", "serve", "--db", url,
         "--listen", f"127.0.0.1:{port}", "--token-file", str(token)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=ROOT,
    )  # fmt: skip
    assert process.stdout is not None
    for line in process.stdout:  # until it listens
        if "Uvicorn running on" in line:
            break
    else:
        raise RuntimeError("the intake service did not start")
    # Keep reading its log, so a full pipe never blocks it.
    reader = threading.Thread(target=lambda: [None for _ in process.stdout or ()], daemon=True)
    reader.start()
    return process, port, reader


def run(url: str, per_sender: int = 250) -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="calmdesk-intake-bench-") as folder:
        process, port, reader = _start(url, Path(folder))
        accepted = [0] * SENDERS
        firing = [0] * SENDERS  # accepted firing alerts: each adds one to its group's count
        refused = [0] * SENDERS

        def send(n: int) -> None:
            with httpx.Client(
                base_url=f"http://127.0.0.1:{port}",
                headers={"Authorization": f"Bearer {TOKEN}"},
                timeout=60,
            ) as client:
                for i in range(per_sender):
                    group = f"Bench{n}x{i // NEW_GROUP_EVERY}"
                    status = "resolved" if i % NEW_GROUP_EVERY == NEW_GROUP_EVERY - 1 else "firing"
                    response = client.post("/alerts/alertmanager", json=_alert(group, status))
                    if response.status_code == 200:
                        accepted[n] += 1
                        firing[n] += status == "firing"
                    else:
                        refused[n] += 1

        senders = [threading.Thread(target=send, args=(n,)) for n in range(SENDERS)]
        started = perf_counter()
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join()
        seconds = perf_counter() - started
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        reader.join(timeout=60)
        if process.stdout is not None:
            process.stdout.close()
    db = open_database(url)
    try:
        with db.read() as session:
            groups = session.scalar(select(func.count(AlertGroup.id))) or 0
            counted = session.scalar(select(func.sum(AlertGroup.alert_count))) or 0
    finally:
        db.dispose()
    total = sum(accepted)
    return [
        Result(
            "intake: accepted alerts/s (PostgreSQL)",
            round(total / seconds, 1),
            "alerts/s",
            None,
            None,
            "info",
            f"{total} alerts from {SENDERS} senders over HTTP in {seconds:.1f} s, {groups} groups; "
            f"{sum(refused)} refused",
        ),
        Result(
            "intake: accepted alerts missing afterwards",
            sum(firing) - int(counted),
            "alerts",
            None,
            0,
            "equal",
            "firing alerts answered 200 but not counted on their group",
        ),
    ]
