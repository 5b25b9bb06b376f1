"""Kept changes belong to the database they were made for (the identity stored in it), not to
the spelling of its address: a console reaching the same database through another address
(localhost or 127.0.0.1, another port, a pooler: here a proxy) finds and sends them, and a
console connected to another database shows them without sending them there."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.adapters.outbox_store import OutboxStore
from app.db.engine import Database, open_database
from app.db.identity import database_identity
from app.db.migrate import upgrade
from app.db.models import Call
from app.domain.clock import ManualClock
from app.services.calls.drafts import new_client_uuid
from app.services.calls.dto import CallDraft
from app.services.context import ServiceContext
from app.services.directory.reads import sign_in
from app.services.offline.operations import LogCall
from app.services.offline.outbox import Kept, Outbox, Sent
from tests.helpers import CutLine


def calls(db: Database, prefix: str) -> int:
    with db.read() as session:
        query = select(func.count()).select_from(Call).where(Call.caller_name.like(f"{prefix}%"))
        return int(session.scalar(query) or 0)


def console(url: str, clock: ManualClock, outbox_file: Path) -> tuple[Database, Outbox]:
    db = open_database(url)
    ctx = ServiceContext(db=db, clock=clock, actor=sign_in(db, "admin.alice", "Alice Admin"))
    return db, Outbox(ctx, OutboxStore(outbox_file))


def call(name: str) -> LogCall:
    return LogCall(CallDraft(new_client_uuid(), caller_name=name))


@pytest.mark.postgres
def test_changes_kept_through_one_address_are_sent_through_another(
    pg_through_proxy: CutLine, clock: ManualClock, tmp_path: Path
) -> None:
    line, outbox_file = pg_through_proxy, tmp_path / "outbox.sqlite3"
    db, outbox = console(line.url, clock, outbox_file)  # 127.0.0.1, the proxy's port
    assert isinstance(outbox.submit(call("Before the cut")), Sent)
    line.proxy.cut()
    assert all(isinstance(outbox.submit(call(f"Kept {n}")), Kept) for n in range(3))
    db.dispose()

    # Restarted with the server's own address, spelled "localhost", on its own port.
    other = line.direct.engine.url.set(host="localhost").render_as_string(hide_password=False)
    assert other != line.url
    db, outbox = console(other, clock, outbox_file)
    assert outbox.status().waiting == 0  # not known yet: the address is new to this computer
    assert outbox.find_kept().waiting == 3  # the database says who it is: they are found
    report = outbox.reconnect()

    assert len(report.sent) == 3
    assert calls(line.direct, "Kept") == 3
    assert outbox.status().waiting == 0
    db.dispose()


@pytest.mark.postgres
def test_a_console_that_starts_offline_keeps_changes_for_the_database_it_last_found_there(
    pg_through_proxy: CutLine, clock: ManualClock, tmp_path: Path
) -> None:
    line, outbox_file = pg_through_proxy, tmp_path / "outbox.sqlite3"
    db, outbox = console(line.url, clock, outbox_file)
    outbox.find_kept()  # this computer learns who answers at that address
    actor = sign_in(db, "admin.alice", "Alice Admin")
    db.dispose()

    line.proxy.cut()
    cut_db = open_database(line.url)  # started while the line is down
    offline = Outbox(ServiceContext(cut_db, clock, actor), OutboxStore(outbox_file))
    offline.note_unavailable("Cannot reach the server")
    assert isinstance(offline.submit(call("Offline start")), Kept)
    (entry,) = offline.entries()
    assert entry.database == database_identity(line.direct)
    cut_db.dispose()

    direct = line.direct.engine.url.set(host="localhost").render_as_string(hide_password=False)
    db, outbox = console(direct, clock, outbox_file)
    outbox.find_kept()
    assert len(outbox.reconnect().sent) == 1
    assert calls(line.direct, "Offline start") == 1
    db.dispose()


def test_a_console_on_another_database_shows_changes_kept_for_the_first_but_never_sends_them(
    sqlite_url: str, clock: ManualClock, tmp_path: Path
) -> None:
    first = open_database(sqlite_url)
    upgrade(first)
    second = open_database(f"sqlite:///{(tmp_path / 'second.sqlite3').as_posix()}")
    upgrade(second)
    outbox_file = tmp_path / "outbox.sqlite3"
    ctx = ServiceContext(db=first, clock=clock, actor=sign_in(first, "admin.alice", "Alice"))
    outbox = Outbox(ctx, OutboxStore(outbox_file))
    outbox.find_kept()
    outbox.note_unavailable("The share is gone")
    outbox.submit(call("For the first"))

    other_ctx = ServiceContext(db=second, clock=clock, actor=sign_in(second, "admin.alice", "A"))
    elsewhere = Outbox(other_ctx, OutboxStore(outbox_file))
    status = elsewhere.find_kept()
    elsewhere.reconnect()

    assert (status.waiting, status.elsewhere) == (0, 1)
    (entry,) = elsewhere.elsewhere()
    assert entry.summary == "Call from For the first"
    assert not elsewhere.is_here(entry)
    assert calls(second, "For the first") == 0  # never sent to the wrong database
    assert outbox.reconnect().sent  # the first console sends it, once
    assert calls(first, "For the first") == 1
    first.dispose()
    second.dispose()


def test_an_outbox_file_from_before_identities_is_read_and_adopted(
    sqlite_url: str, clock: ManualClock, tmp_path: Path
) -> None:
    db = open_database(sqlite_url)
    upgrade(db)
    ctx = ServiceContext(db=db, clock=clock, actor=sign_in(db, "admin.alice", "Alice"))
    outbox_file = tmp_path / "outbox.sqlite3"
    draft = CallDraft(new_client_uuid(), caller_name="Legacy caller")
    made = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
    with sqlite3.connect(outbox_file) as old:  # the layout an earlier Calmdesk wrote
        old.execute(
            "CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, op_id TEXT NOT NULL "
            "UNIQUE, database TEXT NOT NULL, agent_id INTEGER NOT NULL, kind TEXT NOT NULL, "
            "payload TEXT NOT NULL, summary TEXT NOT NULL, recorded_at TEXT NOT NULL, state TEXT "
            "NOT NULL DEFAULT 'waiting', attempts INTEGER NOT NULL DEFAULT 0, problem TEXT NOT "
            "NULL DEFAULT '')"
        )
        old.execute(
            "INSERT INTO outbox (op_id, database, agent_id, kind, payload, summary, recorded_at)"
            " VALUES (?, ?, ?, 'call', ?, 'Call from Legacy caller', ?)",
            (
                draft.client_uuid,
                db.description,
                ctx.actor.agent_id,
                json.dumps(LogCall(draft).payload()),
                made.isoformat(),
            ),
        )
    old.close()

    outbox = Outbox(ctx, OutboxStore(outbox_file))
    assert outbox.status().waiting == 1
    outbox.reconnect()

    assert calls(db, "Legacy caller") == 1
    with db.read() as session:
        made_at = select(Call.made_at).where(Call.client_uuid == draft.client_uuid)
        assert session.scalar(made_at) == made
    db.dispose()
