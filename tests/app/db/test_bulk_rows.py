"""The bulk path (SQLite's executemany, PostgreSQL's COPY): rows a writer builds in the form the
database takes (`form`, `insert(ready=...)`) arrive exactly as the same rows given as plain
Python values, on both databases."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Column, Integer, MetaData, Numeric, Table, Text, select, text

from app.db.bulk_rows import BULK_CACHE_KIB, bulk_rows
from app.db.engine import SQLITE_CACHE_KIB, open_database
from app.db.models import Team, TimelineEvent
from app.services.context import ServiceContext
from tests.helpers import open_incident

TABLE: Table = TimelineEvent.__table__  # type: ignore[assignment]
COLUMNS = ("incident_id", "at", "actor_id", "kind", "summary", "details", "pinned")


def test_rows_in_the_databases_form_arrive_as_plain_values_do(ctx: ServiceContext) -> None:
    incident_id = open_incident(ctx).id
    start = datetime(2016, 2, 29, 1, 16, tzinfo=UTC)
    facts = [
        (start + timedelta(minutes=n % 3), f"Line\t{n}\n\\ ünï", {"n": n, "by": None, "é": "x\ty"})
        for n in range(6)
    ]
    with ctx.db.write() as session, bulk_rows(session) as bulk:
        plain = [
            (incident_id, at, None, "note", text, details, n % 2 == 0)
            for n, (at, text, details) in enumerate(facts)
        ]
        bulk.insert(TABLE, COLUMNS, plain)
        moment = bulk.form(TABLE, "at") or (lambda value: value)
        flag = bulk.form(TABLE, "pinned") or (lambda value: value)
        assert moment(None) is None
        ready = [
            (incident_id, moment(at), None, "ready", text, json.dumps(details), flag(n % 2 == 0))
            for n, (at, text, details) in enumerate(facts)
        ]
        bulk.insert(TABLE, COLUMNS, ready, ready=("at", "details", "pinned"))
    with ctx.db.read() as session:
        stored = session.execute(
            select(
                TimelineEvent.kind,
                TimelineEvent.at,
                TimelineEvent.summary,
                TimelineEvent.details,
                TimelineEvent.pinned,
            ).order_by(TimelineEvent.id)
        ).all()
    by_kind = {
        kind: [tuple(row[1:]) for row in stored if row[0] == kind] for kind in ("note", "ready")
    }
    expected = [(at, text, details, n % 2 == 0) for n, (at, text, details) in enumerate(facts)]
    assert by_kind["note"] == expected
    assert by_kind["ready"] == expected


def test_sqlite_keeps_a_bigger_page_cache_only_while_rows_go_in_bulk(sqlite_url: str) -> None:
    db = open_database(sqlite_url)
    try:
        with db.write() as session:
            driver = session.connection().connection.driver_connection
            assert driver is not None

            def cache() -> int:
                return int(driver.execute("PRAGMA cache_size").fetchone()[0])

            with bulk_rows(session):
                assert cache() == -BULK_CACHE_KIB
            assert cache() == -SQLITE_CACHE_KIB
            with pytest.raises(RuntimeError), bulk_rows(session):
                raise RuntimeError("a failed import")
            assert cache() == -SQLITE_CACHE_KIB
    finally:
        db.dispose()


def test_ids_are_found_by_a_text_key_in_one_query(ctx: ServiceContext) -> None:
    teams: Table = Team.__table__  # type: ignore[assignment]
    # More than one SQLite look-up (500 keys) and one multi-row INSERT (2,000 values), and a rest.
    names = [f"Team {n}\t'quoted' \\ {n}" for n in range(2500)]
    with ctx.db.write() as session, bulk_rows(session) as bulk:
        assert bulk.ids(teams, "name", []) == {}
        bulk.insert(teams, ("name",), [(name,) for name in names])
        found = bulk.ids(teams, "name", [*names[::2], "nobody"])
    with ctx.db.read() as session:
        expected = {
            str(name): int(team_id)
            for name, team_id in session.execute(
                select(Team.name, Team.id).where(Team.name.in_(names))
            )
        }
    assert found == {name: expected[name] for name in names[::2]}


def test_a_column_without_a_binary_form_still_goes_in(ctx: ServiceContext) -> None:
    # PostgreSQL's COPY goes in binary only when every column has a binary form psycopg makes;
    # a numeric column keeps the table's rows in COPY's text format, to the same effect.
    probe = Table(
        "bulk_probe",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("amount", Numeric(10, 2)),
        Column("note", Text),
    )
    with ctx.db.write() as session, bulk_rows(session) as bulk:
        session.execute(
            text("CREATE TEMPORARY TABLE bulk_probe (id INTEGER, amount NUMERIC(10, 2), note TEXT)")
        )
        bulk.insert(
            probe, ("id", "amount", "note"), [(1, Decimal("2.50"), "a\tb\\c"), (2, None, None)]
        )
        rows = session.execute(select(probe).order_by(probe.c.id)).all()
    assert [tuple(row) for row in rows] == [(1, Decimal("2.50"), "a\tb\\c"), (2, None, None)]
