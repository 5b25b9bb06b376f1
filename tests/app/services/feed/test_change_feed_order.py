"""The change feed on PostgreSQL never skips a change whose transaction commits after a later one:
sequence ids are handed out at insert time, but transactions commit in their own order."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.db.engine import Database, open_database
from app.services.context import ServiceContext
from app.services.feed.dto import ChangeBatch, FeedCursor
from app.services.feed.reads import ChangeFeed
from app.services.feed.records import record_change
from tests.helpers import open_incident

pytestmark = pytest.mark.postgres


@pytest.fixture(params=["postgres"])
def db_url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def workstation(ctx: ServiceContext) -> Iterator[Callable[[], Database]]:
    """Each writer on a workstation of its own (a console keeps at most two connections, so
    concurrent transactions come from several consoles)."""
    opened: list[Database] = []

    def another() -> Database:
        opened.append(open_database(ctx.db.engine.url))
        return opened[-1]

    yield another
    for database in opened:
        database.dispose()


@contextmanager
def _open_transaction(db: Database) -> Iterator[Session]:
    """A write transaction left open until the block ends, then committed."""
    session = db.writer()
    try:
        with session.begin():
            yield session
    finally:
        session.close()


def _log(session: Session, ctx: ServiceContext, incident_id: int) -> int:
    record_change(session, ctx, "incidents", incident_id, "update", fields=["title"])
    session.flush()
    return int(session.execute(text("SELECT max(id) FROM change_log")).scalar_one())


def _drain(feed: ChangeFeed, cursor: FeedCursor) -> tuple[FeedCursor, list[ChangeBatch]]:
    batches = []
    while True:
        batch = feed.since(cursor)
        cursor = batch.cursor
        if batch.empty:
            return cursor, batches
        batches.append(batch)


def test_a_transaction_committing_after_a_later_one_is_still_delivered(
    ctx: ServiceContext, workstation: Callable[[], Database]
) -> None:
    slow, fast = open_incident(ctx, "Slow writer"), open_incident(ctx, "Fast writer")
    feed = ChangeFeed(ctx.db)
    cursor = feed.head()
    with _open_transaction(workstation()) as held:
        held_id = _log(held, ctx, slow.id)  # takes the lower id, stays uncommitted
        with _open_transaction(workstation()) as quick:
            quick_id = _log(quick, ctx, fast.id)
        assert quick_id > held_id
        first = feed.since(cursor)  # sees the later id, committed first
        assert first.incident_ids == {fast.id}
        cursor = first.cursor
        assert feed.since(cursor).empty
    second = feed.since(cursor)  # the lower id committed last: still delivered
    assert second.incident_ids == {slow.id}
    assert feed.since(second.cursor).empty


def test_an_older_transaction_with_a_later_id_does_not_hide_a_younger_one(
    ctx: ServiceContext, workstation: Callable[[], Database]
) -> None:
    """The case a plain "id below the oldest running transaction" filter gets wrong: the older
    transaction (smaller xid) writes its change-log row last, and commits first."""
    older, younger = open_incident(ctx, "Older"), open_incident(ctx, "Younger")
    feed = ChangeFeed(ctx.db)
    cursor = feed.head()
    first_writer, second_writer = workstation().writer(), workstation().writer()
    try:
        first_writer.begin()
        first_writer.execute(text("SELECT pg_current_xact_id()"))  # the older transaction
        second_writer.begin()
        second_writer.execute(text("SELECT pg_current_xact_id()"))
        younger_id = _log(second_writer, ctx, younger.id)  # the lower change-log id
        older_id = _log(first_writer, ctx, older.id)  # a higher id, in the older transaction
        assert older_id > younger_id
        first_writer.commit()  # the higher id commits first
        cursor, batches = _drain(feed, cursor)
        assert set().union(*(b.incident_ids for b in batches)) == {older.id}
        second_writer.commit()  # then the lower id
        cursor, batches = _drain(feed, cursor)
        assert set().union(*(b.incident_ids for b in batches)) == {younger.id}
    finally:
        first_writer.close()
        second_writer.close()


def test_each_change_is_delivered_once_across_many_interleaved_writers(
    ctx: ServiceContext, workstation: Callable[[], Database]
) -> None:
    incidents = [open_incident(ctx, f"Incident {n}") for n in range(6)]
    feed = ChangeFeed(ctx.db)
    cursor = feed.head()
    delivered: list[int] = []
    sessions = [workstation().writer() for _ in incidents]
    try:
        for session in sessions:
            session.begin()
        for session, incident in zip(sessions, incidents, strict=True):
            _log(session, ctx, incident.id)
        # Commit in an order unrelated to the ids, reading the feed after each commit.
        for index in (3, 0, 5, 1, 4, 2):
            sessions[index].commit()
            cursor, batches = _drain(feed, cursor)
            for batch in batches:
                delivered.extend(batch.incident_ids)
            assert incidents[index].id in delivered
    finally:
        for session in sessions:
            session.close()
    assert sorted(delivered) == sorted(i.id for i in incidents)
