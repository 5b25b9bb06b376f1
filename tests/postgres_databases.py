"""The test databases on the PostgreSQL server: made for one test, dropped after it.

Three costs used to come with each one, and are gone:

- Migrations (~0.7-1 s): a test that migrates its database anyway (through `db`, `team_server`
  or `pg_through_proxy`) gets a copy of one database this worker migrated once
  (`CREATE DATABASE ... TEMPLATE`, the default WAL_LOG strategy: as fast as an empty one, and no
  checkpoint, unlike FILE_COPY). `upgrade` still runs on it and finds it at head, as on SQLite
  (tests/migrated_sqlite.py); the copy gets an identity of its own, as a database made by
  `upgrade` would. The migrations themselves are tested on empty databases (tests/app/db/).
- The drop (~0.3-2 s): on PostgreSQL 15, DROP DATABASE waits for a checkpoint. The worker's
  databases are dropped on threads of their own while the next tests run, a few at once: drops
  waiting together share one checkpoint (16 took ~5 s one by one, ~1 s from 8 threads). All of
  them are gone before the worker ends.
- Waiting for the WAL to reach the disk at each commit: the test databases are made with
  `synchronous_commit = off` (a setting of the database, so every connection to it has it,
  through PgBouncer too). A commit is as visible and as atomic as before; only a crash of the
  server could lose the last few, which no test does. (`fsync = off` is not ours to set: the
  server is shared.)
"""

from __future__ import annotations

import queue
import threading
import uuid
from collections.abc import Iterator

import psycopg

from app.db.engine import open_database
from app.db.migrate import upgrade

_STOP = ""
_DROPPERS = 4


class PostgresDatabases:
    """One pytest worker's test databases on the server `admin_conninfo` points at."""

    def __init__(self, admin_conninfo: str, base_url: str) -> None:
        self._admin_conninfo = admin_conninfo
        self._base_url = base_url  # the server's URL without a database name
        self._template: str | None = None
        self._to_drop: queue.Queue[str] = queue.Queue()
        self._failures: list[str] = []
        self._droppers = [
            threading.Thread(target=self._drop_in_turn, name=f"test-db-dropper-{number}")
            for number in range(_DROPPERS)
        ]
        for dropper in self._droppers:
            dropper.start()

    def url(self, name: str) -> str:
        return f"{self._base_url}/{name}"

    def create(self, *, migrated: bool) -> str:
        """A new database's name: empty, or at the migrations' head when `migrated`."""
        name = f"calmdesk_test_{uuid.uuid4().hex[:12]}"
        template = f' TEMPLATE "{self._migrated_template()}"' if migrated else ""
        with psycopg.connect(self._admin_conninfo, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"{template}')
            admin.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
        if migrated:
            with psycopg.connect(self._conninfo(name), autocommit=True) as copy:
                copy.execute("UPDATE database_identity SET id = %s", (str(uuid.uuid4()),))
        return name

    def drop_later(self, name: str) -> None:
        self._to_drop.put(name)

    def close(self) -> None:
        """Drop what is left, the template last; raise if a drop failed."""
        for _ in self._droppers:
            self._to_drop.put(_STOP)
        for dropper in self._droppers:
            dropper.join()
        if self._template is not None:
            self._drop(self._template)
        if self._failures:
            raise RuntimeError("test databases not dropped: " + "; ".join(self._failures))

    def _migrated_template(self) -> str:
        if self._template is None:
            name = f"calmdesk_test_template_{uuid.uuid4().hex[:12]}"
            with psycopg.connect(self._admin_conninfo, autocommit=True) as admin:
                admin.execute(f'CREATE DATABASE "{name}"')
            database = open_database(self.url(name))
            try:
                upgrade(database)
            finally:
                database.dispose()  # a template takes no copies while anyone is connected
            self._template = name
        return self._template

    def _conninfo(self, name: str) -> str:
        return self.url(name).replace("postgresql+psycopg://", "postgresql://")

    def _drop_in_turn(self) -> None:
        while (name := self._to_drop.get()) != _STOP:
            self._drop(name)

    def _drop(self, name: str) -> None:
        try:
            with psycopg.connect(self._admin_conninfo, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except psycopg.Error as exc:
            self._failures.append(f"{name}: {exc}")


def throwaway(databases: PostgresDatabases, *, migrated: bool = False) -> Iterator[str]:
    """A new database's URL for as long as the generator runs; dropped (later) after it."""
    name = databases.create(migrated=migrated)
    try:
        yield databases.url(name)
    finally:
        databases.drop_later(name)
