"""What a new test database on PostgreSQL holds, and putting a used one back to exactly that.

tests/postgres_databases.py lends a database to one test after another instead of making one for
each (~0.3 s). Between two tests it comes back here:

- The catalog is compared with the new database's, as one fingerprint (a hash of what the
  catalogs say of every object made in it: tables, columns, defaults, constraints, indexes,
  triggers and whether each is enabled, functions, policies, rules, types, sequences' settings,
  grants, owners, comments, the database's own settings and grants, statistics from an ANALYZE,
  and every dependency recorded, which any new object of whatever kind adds). A test that
  changed any of that (`calmdesk db init-postgres` grants, a tamper test disabling a trigger, a
  migration test) leaves a database that is dropped, never lent again: nothing a test does to
  the schema reaches the next one, including what a future test may think of.
- The rows are put back, in one transaction: every table emptied with DELETE, the rows the new
  database had (the migrations' seed rows: priorities, SLA policies, the counter, the revision)
  copied back in with COPY, every sequence set back to where it was, so ids start where they
  would. `session_replication_role = replica` keeps every trigger quiet meanwhile, the
  append-only guards and the foreign keys' checks alike; the rows go back exactly as they were.

DELETE, not TRUNCATE: emptying the 26 tables took ~6 ms with DELETE and ~250 ms with TRUNCATE,
which gives every table and index a new file and writes each index's to the disk at once. DELETE
leaves dead rows behind, and this server runs no autovacuum; a database where any table or index
has grown past a few pages is dropped instead, so the planner's estimates stay those of a new one
(it takes a table of under 10 pages, never vacuumed, for a 10-page one).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql

Connection = psycopg.Connection[tuple[Any, ...]]

# A relation (table, index, TOAST table) past this many 8 kB pages has the database dropped.
MOST_PAGES = 8

# Objects made in the database have oids from 16384 (FirstNormalObjectId) up; the built-in ones
# are below, and a copy of a database has the same oids as the original. Each catalog below is
# hashed whole, row by row, as its text: no deparsing and no name look-ups, which cost a new
# connection (one per test) ~30 ms more on this machine. An object dropped and made again comes
# back with another oid: a change too. Temporary objects (bulk updates use ON COMMIT DROP tables)
# are gone with their session, but their schemas, pg_temp_N, stay: they are left out.
_CATALOGS = (
    ("pg_namespace", "c", "nspname !~ '^pg_(toast_)?temp_'"),
    ("pg_class", "c", "oid >= 16384 AND relpersistence <> 't'"),
    (
        "pg_attribute",
        "ROW(attrelid, attnum, attname, atttypid, atttypmod, attnotnull, atthasdef, attisdropped,"
        " attidentity, attgenerated, attacl, attoptions, attstattarget, attcollation)",
        "attrelid >= 16384 AND attrelid IN (SELECT oid FROM kept)",
    ),
    ("pg_attrdef", "c", "oid >= 16384"),
    ("pg_constraint", "c", "oid >= 16384"),
    ("pg_index", "c", "indexrelid >= 16384 AND indexrelid IN (SELECT oid FROM kept)"),
    ("pg_trigger", "c", "oid >= 16384"),
    ("pg_proc", "c", "oid >= 16384"),
    ("pg_policy", "c", "true"),
    ("pg_rewrite", "c", "oid >= 16384"),
    ("pg_sequence", "c", "true"),
    ("pg_type", "c", "oid >= 16384 AND (typrelid = 0 OR typrelid IN (SELECT oid FROM kept))"),
    ("pg_enum", "c", "true"),
    ("pg_statistic", "ROW(starelid, staattnum, stainherit)", "starelid >= 16384"),
    ("pg_statistic_ext", "c", "true"),
    ("pg_description", "c", "objoid >= 16384"),
    ("pg_extension", "c", "true"),
    ("pg_event_trigger", "c", "true"),
    ("pg_default_acl", "c", "true"),
    ("pg_publication", "c", "true"),
    ("pg_largeobject_metadata", "c", "true"),
    (
        "pg_depend",
        "c",
        "objid >= 16384 AND objid NOT IN (SELECT oid FROM pg_class WHERE relpersistence = 't')",
    ),
    # The catalogs every database shares: this one's rows only, less its oid (each copy has its
    # own).
    (
        "pg_shdepend",
        "ROW(classid, objid, objsubid, refclassid, refobjid, deptype)",
        "dbid = (SELECT oid FROM this)",
    ),
    ("pg_db_role_setting", "ROW(setrole, setconfig)", "setdatabase = (SELECT oid FROM this)"),
    ("pg_prepared_xacts", "c", "database = current_database()"),
)
# Rows are hashed in the order the catalog holds them (no sorting: it took half the time). A
# copy holds them in the original's order, and only a change to the catalog moves them; a move
# alone would only have a database dropped, never lent again unchanged.
_FINGERPRINT = (
    "WITH this AS (SELECT oid FROM pg_database WHERE datname = current_database()),"
    " kept AS (SELECT oid FROM pg_class WHERE relpersistence <> 't')"
    " SELECT md5(concat("
    + ", ".join(
        f"(SELECT md5(string_agg({row}::text, '')) FROM {catalog} c WHERE {where})"
        for catalog, row, where in _CATALOGS
    )
    # Not its name, which changes each time it is lent.
    + ", (SELECT ROW(datdba, datacl, datconnlimit, datallowconn, datistemplate)::text"
    " FROM pg_database WHERE datname = current_database()))),"
    " (SELECT coalesce(max(pg_relation_size(oid)), 0) / 8192 FROM pg_class"
    "  WHERE oid >= 16384 AND relkind IN ('r', 'i', 't') AND relpersistence <> 't')"
)

_TABLES = """
SELECT nspname, relname FROM pg_class JOIN pg_namespace ON pg_namespace.oid = relnamespace
WHERE pg_class.oid >= 16384 AND relkind = %s AND relpersistence <> 't'
ORDER BY 1, 2
"""


@dataclass(frozen=True)
class Pristine:
    """A new database's catalog fingerprint, its rows and its sequences' positions."""

    fingerprint: str
    tables: tuple[sql.Identifier, ...]  # every table
    rows: tuple[tuple[sql.Identifier, bytes], ...]  # (table, its rows as COPY text) if it has any
    sequences: tuple[tuple[str, int, bool], ...]  # (sequence, last_value, is_called)

    @classmethod
    def of(cls, connection: Connection) -> Pristine:
        """Read from a database no test has touched yet."""
        fingerprint, _pages = _catalog(connection)
        tables = tuple(sql.Identifier(*name) for name in connection.execute(_TABLES, ("r",)))
        rows = []
        for table in tables:
            copied = bytearray()
            with connection.cursor().copy(sql.SQL("COPY {} TO STDOUT").format(table)) as copy:
                for block in copy:
                    copied += block
            if copied:
                rows.append((table, bytes(copied)))
        sequences = []
        for name in connection.execute(_TABLES, ("S",)).fetchall():
            sequence = sql.Identifier(*name)
            (last_value, is_called), *_ = connection.execute(
                sql.SQL("SELECT last_value, is_called FROM {}").format(sequence)
            )
            sequences.append((sequence.as_string(connection), int(last_value), bool(is_called)))
        return cls(fingerprint, tables, tuple(rows), tuple(sequences))

    def restore(self, connection: Connection) -> bool:
        """Put the rows and sequences back as they were, when nothing else has changed and no
        table or index has grown past MOST_PAGES. False, with nothing done, when the database
        cannot be lent again."""
        fingerprint, pages = _catalog(connection)
        if fingerprint != self.fingerprint or pages > MOST_PAGES:
            return False
        with connection.transaction():
            connection.execute("SET LOCAL session_replication_role = replica")
            if self.tables:
                connection.execute(
                    sql.SQL("; ").join(
                        sql.SQL("DELETE FROM {}").format(table) for table in self.tables
                    )
                )
            for table, copied in self.rows:
                with connection.cursor().copy(sql.SQL("COPY {} FROM STDIN").format(table)) as copy:
                    copy.write(copied)
            if self.sequences:
                names, values, called = zip(*self.sequences, strict=True)
                connection.execute(
                    "SELECT setval(name::regclass, value, called) FROM unnest("
                    "%s::text[], %s::bigint[], %s::boolean[]) AS s(name, value, called)",
                    (list(names), list(values), list(called)),
                )
        return True


def _catalog(connection: Connection) -> tuple[str, int]:
    """The catalog's fingerprint, and the most pages any table or index takes."""
    (fingerprint, pages), *_ = connection.execute(_FINGERPRINT)
    return str(fingerprint), int(pages)
