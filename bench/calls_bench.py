"""Logging calls: one agent's save latency against a raw INSERT + COMMIT of the same call, and
many agents saving at once on PostgreSQL (throughput, errors, and calls lost: saved by the
service but missing from the table afterwards)."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from datetime import UTC, datetime
from time import perf_counter

import psycopg
from sqlalchemy import func, select

from app.db.engine import open_database
from app.db.models import Call
from app.domain.clock import ManualClock
from app.services.calls.commands import CallCommands
from app.services.calls.dto import CallDraft
from app.services.context import ServiceContext
from app.services.directory.reads import sign_in
from bench.common import Result, median, ms, p95

_RAW = (
    "INSERT INTO calls (client_uuid, at, caller_name, channel, symptom, callback_wanted) "
    "VALUES ({0}, {0}, {0}, 'phone', {0}, false)"
)


def _raw_sqlite(path: str, count: int) -> list[float]:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    sql, times = _RAW.format("?"), []
    for _ in range(count):
        started = perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            sql, (str(uuid.uuid4()), datetime.now(UTC).isoformat(" "), "Raw caller", "Printer jams")
        )
        connection.execute("COMMIT")
        times.append(perf_counter() - started)
    connection.close()
    return times


def _raw_postgres(url: str, count: int) -> list[float]:
    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    times = []
    with psycopg.connect(conninfo) as connection:
        sql = _RAW.format("%s")
        for _ in range(count):
            started = perf_counter()
            connection.execute(sql, (str(uuid.uuid4()), datetime.now(UTC), "Raw caller", "Jam"))
            connection.commit()
            times.append(perf_counter() - started)
    return times


def save_latency(url: str, label: str, count: int = 200) -> Result:
    db = open_database(url)
    ctx = ServiceContext(db, ManualClock(datetime.now(UTC)), sign_in(db, "caller.bench"))
    commands = CallCommands(ctx)
    ours = []
    for n in range(count):
        draft = CallDraft(str(uuid.uuid4()), f"Caller {n}", symptom="Printer jams")
        started = perf_counter()
        commands.log_call(draft)
        ours.append(perf_counter() - started)
    db.dispose()
    raw = _raw_sqlite(url.removeprefix("sqlite:///"), count) if label == "SQLite" else None
    raw = raw if raw is not None else _raw_postgres(url, count)
    return Result(
        f"call save p95 ({label})",
        ms(p95(ours)),
        "ms",
        ms(p95(raw)),
        50,
        note=f"{count} saves; median {ms(median(ours))} ms vs raw {ms(median(raw))}",
    )


def concurrent_writers(url: str, writers: int = 50, seconds: float = 15) -> list[Result]:
    """`writers` agents, each with its own engine (one connection, as one console has), log
    calls back to back for `seconds`. Threads, so Python's GIL caps the client side."""
    saved: list[str] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()
    barrier = threading.Barrier(writers + 1)

    def agent(n: int) -> None:
        db = open_database(url)
        ctx = ServiceContext(db, ManualClock(datetime.now(UTC)), sign_in(db, f"agent.{n}"))
        commands = CallCommands(ctx)
        barrier.wait()
        while not stop.is_set():
            draft = CallDraft(str(uuid.uuid4()), f"Caller of agent {n}", symptom="VPN down")
            try:
                commands.log_call(draft)
            except Exception as exc:  # every failure is counted; none stops the run
                with lock:
                    errors.append(type(exc).__name__)
            else:
                with lock:
                    saved.append(draft.client_uuid)
        db.dispose()

    threads = [threading.Thread(target=agent, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = perf_counter()
    stop.wait(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = perf_counter() - started
    db = open_database(url)
    with db.read() as session:
        found = int(
            session.scalar(select(func.count(Call.id)).where(Call.client_uuid.in_(saved))) or 0
        )
    db.dispose()
    label = f"{writers} writers, {seconds:.0f} s (PostgreSQL)"
    return [
        Result(
            f"call throughput, {label}",
            round(len(saved) / elapsed, 1),
            "calls/s",
            None,
            None,
            "info",
            f"{len(saved)} saved",
        ),
        Result(
            f"call errors, {label}",
            len(errors),
            "errors",
            None,
            None,
            "info",
            ", ".join(sorted(set(errors))),
        ),
        Result(f"calls lost, {label}", len(saved) - found, "calls", None, 0, "equal"),
    ]
