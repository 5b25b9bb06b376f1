"""Writing many rows at once inside the caller's transaction, the fastest way each database has:
SQLite's own `executemany` on the session's connection (no SQLAlchemy statement per row), of
INSERTs of many rows each, and PostgreSQL's `COPY ... FROM STDIN` (psycopg 3's `cursor.copy()`,
in binary where the columns allow), the server reading rows as a stream instead of one INSERT
each.

One interface for both, so a bulk writer (the importer) keeps one implementation of its rules and
picks only how the rows travel. Rows are tuples of Python values in the order of `columns`; the
values are converted as the column types say (SQLAlchemy's own bind processors on SQLite, with
the datetimes' text cached, since an import repeats the same minutes; JSON as its text on both).
Triggers run as they do for any INSERT: on PostgreSQL, COPY fires the row triggers of migration
0012 too, so a restricted login's rows are stamped or refused exactly as its INSERTs would be.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta, timezone
from itertools import chain
from typing import Any, Protocol

from sqlalchemy import JSON, Boolean, Table
from sqlalchemy.orm import Session

from app.db.types import UtcDateTime

Row = tuple[Any, ...]
_Convert = Callable[[Any], Any]


class BulkRows(Protocol):
    """Inserts and keyed updates of many rows, in the session's transaction."""

    remote: bool
    """Each statement is a round trip to a server that answers when it has done the work
    (PostgreSQL): a bulk writer pays that wait per statement, so fewer, bigger batches suit it."""

    def form(self, table: Table, column: str) -> _Convert | None:
        """What `insert` sends for a value of `column` (given None, None), or None where the
        value goes as it is: for a writer that builds its rows in that form already (see
        `insert`'s `ready`), which saves a pass over them."""

    def insert(
        self,
        table: Table,
        columns: Sequence[str],
        rows: Sequence[Row],
        *,
        ready: Collection[str] = (),
    ) -> None:
        """Insert `rows` (values in the order of `columns`). The columns named in `ready` hold
        their values in `form`'s form already; for a JSON column, the value's JSON text as
        `json.dumps` writes it."""

    def update(
        self,
        table: Table,
        columns: Sequence[str],
        rows: Sequence[Row],
        *,
        ready: Collection[str] = (),
    ) -> None:
        """Update by primary key: each row is its values for `columns`, then the row's id
        (`ready` as for `insert`). The row's version goes up by one, as every other write of
        it does."""

    def ids(self, table: Table, key: str, values: Collection[str]) -> dict[str, int]:
        """The ids of the rows whose text column `key` holds one of `values`, by that value
        (one query: an array on PostgreSQL, not a parameter per value for the server to plan)."""

    def where(
        self, table: Table, columns: Sequence[str], key: str, values: Collection[Any]
    ) -> list[Row]:
        """`columns` of the rows whose `key` holds one of `values`, each value in `form`'s form
        (as the driver reads it back: no conversion per value)."""


# SQLite's page cache while rows go in bulk (KiB). A connection otherwise keeps 512 KiB
# (app/db/engine.py), and an import's transaction outgrows that many times over: its dirty pages
# would be written out and read back again while the indexes grow. Put back afterwards.
BULK_CACHE_KIB = 64 * 1024


@contextmanager
def bulk_rows(session: Session) -> Iterator[BulkRows]:
    """The bulk path for the session's database, on the connection of its transaction."""
    connection = session.connection()  # begins the transaction if it has not begun
    driver: Any = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        yield _PostgresCopy(driver)
        return
    (kept,) = driver.execute("PRAGMA cache_size").fetchone()
    driver.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        yield _SqliteExecutemany(driver, session)
    finally:
        with suppress(sqlite3.Error):  # a connection that broke has nothing to put back
            driver.execute(f"PRAGMA cache_size = {int(kept)}")


class _Converters:
    """Per column, how its values are converted (None given, None back), and per table and
    column set, the columns that need it (both worked out once)."""

    def __init__(self, convert_for: Callable[[Any], _Convert | None]) -> None:
        self._convert_for = convert_for
        self._columns: dict[tuple[str, str], _Convert | None] = {}
        self._plans: dict[tuple[str, tuple[str, ...], frozenset[str]], list[tuple[int, _Convert]]]
        self._plans = {}

    def column(self, table: Table, name: str) -> _Convert | None:
        key = (table.name, name)
        if key not in self._columns:
            self._columns[key] = self._convert_for(table.c[name].type)
        return self._columns[key]

    def rows(
        self,
        table: Table,
        columns: Sequence[str],
        rows: Sequence[Row],
        ready: Collection[str] = (),
    ) -> Sequence[Sequence[Any]]:
        key = (table.name, tuple(columns), frozenset(ready))
        plan = self._plans.get(key)
        if plan is None:
            plan = [
                (index, convert)
                for index, name in enumerate(columns)
                if name not in ready and (convert := self.column(table, name)) is not None
            ]
            self._plans[key] = plan
        if not plan:
            return rows
        converted: list[Sequence[Any]] = []
        for row in rows:
            values = list(row)  # both drivers take any sequence: no tuple made again
            for index, convert in plan:
                values[index] = convert(values[index])
            converted.append(values)
        return converted


def _json_encoder() -> _Convert:
    """json.dumps's very text (what SQLAlchemy stores for a JSON column), from one C encoder
    made once: json.dumps makes a new one for every value, half its cost on small dicts."""
    make: Any = getattr(json.encoder, "c_make_encoder", None)  # not in the type stubs
    if make is None:  # a Python without the C accelerator
        return json.dumps
    encode = make(
        None, json.JSONEncoder().default, json.encoder.encode_basestring_ascii, None,
        ": ", ", ", False, False, True,
    )  # fmt: skip

    def text(value: Any) -> str:
        return "".join(encode(value, 0))

    return text


json_text = _json_encoder()


def _json_or_none(value: Any) -> Any:
    return None if value is None else json_text(value)


class _Remembered(dict[Any, Any]):
    """`convert`'s answers, each worked out once: an import repeats the same minutes a lot, and
    a look-up that finds one is a dict's own (no Python call per value)."""

    def __init__(self, convert: _Convert) -> None:
        super().__init__({None: None})
        self._convert = convert

    def __missing__(self, value: Any) -> Any:
        if len(self) > 200_000:  # bounded memory, whatever the file
            self.clear()
            self[None] = None
        found = self[value] = self._convert(value)
        return found


# Values per multi-row INSERT on SQLite: ~2,000 measured as well as more (up to 30,000), within
# the 999 parameters of an SQLite older than 3.32.
_SQLITE_VALUES = 2000 if sqlite3.sqlite_version_info >= (3, 32, 0) else 999


class _SqliteExecutemany:
    remote = False

    def __init__(self, driver: Any, session: Session) -> None:
        self._driver = driver
        self._preparer = session.get_bind().dialect.identifier_preparer
        dialect = session.get_bind().dialect
        moments: _Remembered | None = None  # one for every datetime column: the same moments

        def convert_for(column_type: Any) -> _Convert | None:
            # What SQLAlchemy itself would send: the dialect's own form of the type.
            nonlocal moments
            if isinstance(column_type, JSON):
                return _json_or_none
            process: _Convert | None = column_type.dialect_impl(dialect).bind_processor(dialect)
            if process is None:
                return None
            if isinstance(column_type, UtcDateTime):
                if moments is None:
                    moments = _Remembered(_quick_utc_text(process))
                return moments.__getitem__
            if isinstance(column_type, Boolean):  # two values, a Python call each otherwise
                return _Remembered(process).__getitem__
            return _none_kept(process)

        self._converters = _Converters(convert_for)

    def form(self, table: Table, column: str) -> _Convert | None:
        return self._converters.column(table, column)

    def ids(self, table: Table, key: str, values: Collection[str]) -> dict[str, int]:
        return dict(self.where(table, (key, "id"), key, values))

    def where(
        self, table: Table, columns: Sequence[str], key: str, values: Collection[Any]
    ) -> list[Row]:
        return _sqlite_where(self._driver, self._preparer, table, columns, key, values)

    def _names(self, columns: Sequence[str]) -> list[str]:
        return [self._preparer.quote(name) for name in columns]

    def insert(
        self,
        table: Table,
        columns: Sequence[str],
        rows: Sequence[Row],
        *,
        ready: Collection[str] = (),
    ) -> None:
        names = self._names(columns)
        head = f"INSERT INTO {self._preparer.format_table(table)} ({', '.join(names)}) VALUES "
        one = f"({', '.join('?' for _ in names)})"
        values = self._converters.rows(table, columns, rows, ready)
        # Many rows per statement: one step of SQLite's inserts them all, without Python's lock
        # (executemany steps a statement per row and has to win the lock back for each).
        per = max(1, _SQLITE_VALUES // len(names))
        whole = len(values) - len(values) % per
        if whole:
            flat = [
                list(chain.from_iterable(values[start : start + per]))
                for start in range(0, whole, per)
            ]
            self._driver.executemany(head + ", ".join([one] * per), flat)
        if whole < len(values):
            self._driver.executemany(head + one, values[whole:])

    def update(
        self,
        table: Table,
        columns: Sequence[str],
        rows: Sequence[Row],
        *,
        ready: Collection[str] = (),
    ) -> None:
        assignments = ", ".join(f"{name} = ?" for name in self._names(columns))
        statement = (
            f"UPDATE {self._preparer.format_table(table)} SET {assignments}, "
            "version = version + 1 WHERE id = ?"
        )
        every = [*columns, "id"]
        self._driver.executemany(statement, self._converters.rows(table, every, rows, ready))


def _sqlite_where(
    driver: Any, preparer: Any, table: Table, columns: Sequence[str], key: str, values: Any
) -> list[Row]:
    found: list[Row] = []
    every = list(values)
    names = ", ".join(preparer.quote(name) for name in columns)
    for start in range(0, len(every), 500):  # well within SQLite's limit of parameters
        part = every[start : start + 500]
        statement = (
            f"SELECT {names} FROM {preparer.format_table(table)} "
            f"WHERE {preparer.quote(key)} IN ({', '.join('?' for _ in part)})"
        )
        found += driver.execute(statement, part).fetchall()
    return found


# Moments SQLite's text of a datetime is checked on (zones, microseconds, a year below 1000).
_SAMPLE_MOMENTS = (
    datetime(2016, 2, 29, 1, 16, tzinfo=UTC),
    datetime(2026, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC),
    datetime(999, 1, 2, 3, 4, 5, 6, tzinfo=timezone(timedelta(hours=5, minutes=30))),
    datetime(2026, 3, 29, 1, 30, tzinfo=timezone(-timedelta(hours=7))),
)


def _quick_utc_text(process: _Convert) -> _Convert:
    """SQLAlchemy's text of an aware datetime for SQLite (naive UTC, `YYYY-MM-DD HH:MM:SS.ffffff`)
    made by one C call instead of a format filled from a dict: ~7 us a moment, and an import
    makes some 70,000 distinct ones. Used only where it gives exactly what `process` gives on
    the sample moments; a naive datetime still goes to `process`, which refuses it."""

    def quick(value: Any) -> Any:
        if value is None or value.tzinfo is None:
            return process(value)
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")

    return quick if all(quick(m) == process(m) for m in _SAMPLE_MOMENTS) else process


def _none_kept(convert: _Convert) -> _Convert:
    def kept(value: Any) -> Any:
        return None if value is None else convert(value)

    return kept


def _json_text_for_copy(column_type: Any) -> _Convert | None:
    # A JSON column's value goes as its text; everything else psycopg dumps (aware datetimes,
    # booleans, numbers, text).
    return _json_or_none if isinstance(column_type, JSON) else None


# Column types COPY's binary format takes from psycopg's own binary dumpers, by the column's
# type oid: what to declare to psycopg for it. A binary row carries no types, the server reads
# each value with its column's own receive function: text, varchar, char and json all receive
# the bare UTF-8 text, so a JSON column's text is declared as text (psycopg's json dumper would
# encode the text again, as a JSON string). Any other type keeps COPY's text format.
_BINARY_AS = {
    16: 16,  # bool
    20: 20,  # int8
    21: 21,  # int2
    23: 23,  # int4
    701: 701,  # float8
    1082: 1082,  # date
    1184: 1184,  # timestamptz
    25: 25,  # text
    1042: 25,  # char(n)
    1043: 25,  # varchar(n)
    114: 25,  # json
}


class _PostgresCopy:
    remote = True

    def __init__(self, driver: Any) -> None:
        self._driver = driver
        self._converters = _Converters(_json_text_for_copy)
        self._column_types: dict[str, dict[str, int]] = {}

    def form(self, table: Table, column: str) -> _Convert | None:
        return self._converters.column(table, column)

    def ids(self, table: Table, key: str, values: Collection[str]) -> dict[str, int]:
        return dict(self.where(table, (key, "id"), key, values))

    def where(
        self, table: Table, columns: Sequence[str], key: str, values: Collection[Any]
    ) -> list[Row]:
        from psycopg import sql

        if not values:
            return []
        statement = sql.SQL("SELECT {columns} FROM {table} WHERE {key} = ANY(%s)").format(
            columns=sql.SQL(", ").join(map(sql.Identifier, columns)),
            key=sql.Identifier(key),
            table=sql.Identifier(table.name),
        )
        with self._driver.cursor() as cursor:
            cursor.execute(statement, [list(values)])
            return list(cursor.fetchall())

    def insert(
        self,
        table: Table,
        columns: Sequence[str],
        rows: Sequence[Row],
        *,
        ready: Collection[str] = (),
    ) -> None:
        with self._driver.cursor() as cursor:
            self._copy(cursor, table.name, table, columns, rows, ready)

    def update(
        self,
        table: Table,
        columns: Sequence[str],
        rows: Sequence[Row],
        *,
        ready: Collection[str] = (),
    ) -> None:
        # COPY into a temporary table shaped like the columns (dropped at commit), then one
        # UPDATE joining it: one statement instead of one per row.
        from psycopg import sql

        staging = f"calmdesk_bulk_{table.name}"
        every = [*columns, "id"]
        names = sql.SQL(", ").join(map(sql.Identifier, every))
        with self._driver.cursor() as cursor:
            cursor.execute(
                sql.SQL(
                    "CREATE TEMPORARY TABLE IF NOT EXISTS {} ON COMMIT DROP AS "
                    "SELECT {} FROM {} WITH NO DATA"
                ).format(sql.Identifier(staging), names, sql.Identifier(table.name))
            )
            cursor.execute(sql.SQL("TRUNCATE {}").format(sql.Identifier(staging)))
            self._copy(cursor, staging, table, every, rows, ready)
            cursor.execute(
                sql.SQL(
                    "UPDATE {table} AS t SET {sets}, version = t.version + 1 "
                    "FROM {staging} AS s WHERE t.id = s.id"
                ).format(
                    table=sql.Identifier(table.name),
                    staging=sql.Identifier(staging),
                    sets=sql.SQL(", ").join(
                        sql.SQL("{} = s.{}").format(sql.Identifier(c), sql.Identifier(c))
                        for c in columns
                    ),
                )
            )

    def _copy(
        self,
        cursor: Any,
        into: str,
        table: Table,
        columns: Sequence[str],
        rows: Sequence[Row],
        ready: Collection[str],
    ) -> None:
        """COPY `rows` into the table `into`, whose `columns` have `table`'s types: in binary
        when psycopg has a binary dumper for every column (no text made for a datetime, none
        parsed by the server), else in text."""
        from psycopg import sql

        types = self._binary_types(table, columns)
        statement = sql.SQL("COPY {} ({}) FROM STDIN{}").format(
            sql.Identifier(into),
            sql.SQL(", ").join(map(sql.Identifier, columns)),
            sql.SQL(" (FORMAT BINARY)" if types else ""),
        )
        with cursor.copy(statement) as copy:
            if types:
                copy.set_types(types)
            for row in self._converters.rows(table, columns, rows, ready):
                copy.write_row(row)

    def _binary_types(self, table: Table, columns: Sequence[str]) -> list[int] | None:
        found = self._column_types.get(table.name)
        if found is None:
            with self._driver.cursor() as cursor:
                cursor.execute(
                    "SELECT attname, atttypid::int FROM pg_attribute WHERE "
                    "attrelid = quote_ident(%s)::regclass AND attnum > 0 AND NOT attisdropped",
                    [table.name],
                )
                found = self._column_types[table.name] = dict(cursor.fetchall())
        types = [_BINARY_AS.get(found[name], 0) for name in columns]
        return None if 0 in types else types
