"""Writing many rows at once inside the caller's transaction, the fastest way each database has:
SQLite's own `executemany` on the session's connection (no SQLAlchemy statement per row), and
PostgreSQL's `COPY ... FROM STDIN` (psycopg 3's `cursor.copy()`), the server reading rows as a
stream instead of one INSERT each.

One interface for both, so a bulk writer (the importer) keeps one implementation of its rules and
picks only how the rows travel. Rows are tuples of Python values in the order of `columns`; the
values are converted as the column types say (SQLAlchemy's own bind processors on SQLite, with
the datetimes' text cached, since an import repeats the same minutes; JSON as text for COPY).
Triggers run as they do for any INSERT: on PostgreSQL, COPY fires the row triggers of migration
0012 too, so a restricted login's rows are stamped or refused exactly as its INSERTs would be.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from sqlalchemy import JSON, Table
from sqlalchemy.orm import Session

from app.db.types import UtcDateTime

Row = tuple[Any, ...]
_Convert = Callable[[Any], Any]


class BulkRows(Protocol):
    """Inserts and keyed updates of many rows, in the session's transaction."""

    def insert(self, table: Table, columns: Sequence[str], rows: Sequence[Row]) -> None:
        """Insert `rows` (values in the order of `columns`)."""

    def update(self, table: Table, columns: Sequence[str], rows: Sequence[Row]) -> None:
        """Update by primary key: each row is its values for `columns`, then the row's id.
        The row's version goes up by one, as every other write of it does."""


def bulk_rows(session: Session) -> BulkRows:
    """The bulk path for the session's database, on the connection of its transaction."""
    connection = session.connection()  # begins the transaction if it has not begun
    driver = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        return _PostgresCopy(driver)
    return _SqliteExecutemany(driver, session)


class _Converters:
    """Per table, the columns whose values need converting, and how (cached per column set)."""

    def __init__(self, convert_for: Callable[[Any], _Convert | None]) -> None:
        self._convert_for = convert_for
        self._known: dict[tuple[str, tuple[str, ...]], list[tuple[int, _Convert]]] = {}

    def rows(
        self, table: Table, columns: Sequence[str], rows: Sequence[Row]
    ) -> list[Sequence[Any]]:
        key = (table.name, tuple(columns))
        plan = self._known.get(key)
        if plan is None:
            plan = [
                (index, convert)
                for index, name in enumerate(columns)
                if (convert := self._convert_for(table.c[name].type)) is not None
            ]
            self._known[key] = plan
        if not plan:
            return list(rows)
        converted: list[Sequence[Any]] = []
        for row in rows:
            values = list(row)  # both drivers take any sequence: no tuple made again
            for index, convert in plan:
                value = values[index]
                if value is not None:
                    values[index] = convert(value)
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


def _cached(convert: _Convert, seen: dict[Any, Any]) -> _Convert:
    """`convert` remembering its answers in `seen`: an import repeats the same minutes a lot."""

    def cached(value: Any) -> Any:
        try:
            return seen[value]
        except KeyError:
            if len(seen) > 200_000:  # bounded memory, whatever the file
                seen.clear()
            found = seen[value] = convert(value)
            return found

    return cached


class _SqliteExecutemany:
    def __init__(self, driver: Any, session: Session) -> None:
        self._driver = driver
        self._preparer = session.get_bind().dialect.identifier_preparer
        dialect = session.get_bind().dialect
        moments: dict[Any, Any] = {}  # one cache for every datetime column: the same moments

        def convert_for(column_type: Any) -> _Convert | None:
            # What SQLAlchemy itself would send: the dialect's own form of the type.
            if isinstance(column_type, JSON):
                return json_text
            process: _Convert | None = column_type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None and isinstance(column_type, UtcDateTime):
                return _cached(process, moments)
            return process

        self._converters = _Converters(convert_for)

    def _names(self, columns: Sequence[str]) -> list[str]:
        return [self._preparer.quote(name) for name in columns]

    def insert(self, table: Table, columns: Sequence[str], rows: Sequence[Row]) -> None:
        names = self._names(columns)
        statement = (
            f"INSERT INTO {self._preparer.format_table(table)} ({', '.join(names)}) "
            f"VALUES ({', '.join('?' for _ in names)})"
        )
        self._driver.executemany(statement, self._converters.rows(table, columns, rows))

    def update(self, table: Table, columns: Sequence[str], rows: Sequence[Row]) -> None:
        assignments = ", ".join(f"{name} = ?" for name in self._names(columns))
        statement = (
            f"UPDATE {self._preparer.format_table(table)} SET {assignments}, "
            "version = version + 1 WHERE id = ?"
        )
        self._driver.executemany(statement, self._converters.rows(table, [*columns, "id"], rows))


def _json_text_for_copy(column_type: Any) -> _Convert | None:
    # COPY's text format takes a JSON column's value as its text; everything else psycopg adapts
    # (aware datetimes, booleans, text with tabs, newlines and backslashes escaped for COPY).
    return json_text if isinstance(column_type, JSON) else None


class _PostgresCopy:
    def __init__(self, driver: Any) -> None:
        self._driver = driver
        self._converters = _Converters(_json_text_for_copy)

    def insert(self, table: Table, columns: Sequence[str], rows: Sequence[Row]) -> None:
        from psycopg import sql  # only a PostgreSQL session gets here

        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        with self._driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in self._converters.rows(table, columns, rows):
                copy.write_row(row)

    def update(self, table: Table, columns: Sequence[str], rows: Sequence[Row]) -> None:
        # COPY into a temporary table shaped like the columns (dropped at commit), then one
        # UPDATE joining it: one statement instead of one per row.
        from psycopg import sql

        staging = sql.Identifier(f"calmdesk_bulk_{table.name}")
        every = [*columns, "id"]
        names = sql.SQL(", ").join(map(sql.Identifier, every))
        with self._driver.cursor() as cursor:
            cursor.execute(
                sql.SQL(
                    "CREATE TEMPORARY TABLE IF NOT EXISTS {} ON COMMIT DROP AS "
                    "SELECT {} FROM {} WITH NO DATA"
                ).format(staging, names, sql.Identifier(table.name))
            )
            cursor.execute(sql.SQL("TRUNCATE {}").format(staging))
            with cursor.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(staging, names)) as copy:
                for row in self._converters.rows(table, every, rows):
                    copy.write_row(row)
            cursor.execute(
                sql.SQL(
                    "UPDATE {table} AS t SET {sets}, version = t.version + 1 "
                    "FROM {staging} AS s WHERE t.id = s.id"
                ).format(
                    table=sql.Identifier(table.name),
                    staging=staging,
                    sets=sql.SQL(", ").join(
                        sql.SQL("{} = s.{}").format(sql.Identifier(c), sql.Identifier(c))
                        for c in columns
                    ),
                )
            )
