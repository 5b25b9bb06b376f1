"""The test databases on the PostgreSQL server: each test has one to itself, lent to one test
after another and put back as new in between.

Four costs used to come with each one, and are gone:

- Making it (~0.3 s each, for some 350 tests, and more for the server to do meanwhile): a
  database a test is done with is kept by its worker and lent to the next test that wants one
  of the same kind (empty, or migrated to head), put back as new first (~50 ms in all at load
  average ~4). Every client still connected to it is sent away (pg_terminate_backend, as DROP
  DATABASE ... WITH (FORCE) does, waiting until each has gone), and the database is renamed:
  each test gets a name of its own, so a connection a test leaked, PgBouncer's pool for the old
  name or a worker that reconnects can never reach the next test's data. Then its catalog is
  compared with a new one's, and the rows and sequences are put back as they were
  (tests/pristine_postgres.py); a migrated one gets a new identity, as a database made by
  `upgrade` would. A database whose schema, grants, triggers or settings a test changed, or
  that grew large, is dropped instead, and the next test gets a new one.
- Migrations (~0.7-1 s): a test that migrates its database anyway (through `db`, `team_server`
  or `pg_through_proxy`) gets a copy of one database this worker migrated once
  (`CREATE DATABASE ... TEMPLATE`, the default WAL_LOG strategy: as fast as an empty one, and no
  checkpoint, unlike FILE_COPY). `upgrade` still runs on it and finds it at head, as on SQLite
  (tests/migrated_sqlite.py). The migrations themselves are tested on empty databases
  (tests/app/db/), which a migration test leaves changed, so they are never lent twice.
- The drop (~0.3-2 s): on PostgreSQL 15, DROP DATABASE waits for a checkpoint. The databases
  that cannot be lent again are dropped on threads of their own while the next tests run, a few
  at once: drops waiting together share one checkpoint (16 took ~5 s one by one, ~1 s from 8
  threads). All of them, and those kept for lending, are gone before the worker ends.
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
from tests.pristine_postgres import Connection, Pristine

_STOP = ""
_DROPPERS = 4
_RENAME_TRIES = 5
_LEAVE_SECONDS = 10  # how long a client sent away may take to go


class PostgresDatabases:
    """One pytest worker's test databases on the server `admin_conninfo` points at. Used from
    the tests' thread only; the drops run on threads of their own."""

    def __init__(self, admin_conninfo: str, base_url: str) -> None:
        self._admin_conninfo = admin_conninfo
        self._base_url = base_url  # the server's URL without a database name
        self._admin_connection: Connection | None = None
        self._template: str | None = None
        self._pristine: dict[bool, Pristine] = {}  # by kind: migrated or not
        self._ready: dict[bool, list[str]] = {False: [], True: []}
        self._lent: dict[str, bool] = {}
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

    def lend(self, *, migrated: bool) -> str:
        """A database's name, as new: empty, or at the migrations' head when `migrated`."""
        ready = self._ready[migrated]
        name = ready.pop() if ready else self._create(migrated)
        self._lent[name] = migrated
        return name

    def take_back(self, name: str) -> None:
        """The test is done with it: put it back as new to lend again, or drop it (later)."""
        migrated = self._lent.pop(name)
        renamed = self._send_everyone_away(name)
        if renamed is None:
            self.drop_later(name)
        elif self._put_back(renamed, migrated):
            self._ready[migrated].append(renamed)
        else:
            self.drop_later(renamed)

    def drop_later(self, name: str) -> None:
        self._to_drop.put(name)

    def close(self) -> None:
        """Drop what is left, the template last; raise if a drop failed."""
        for name in [*self._ready[False], *self._ready[True], *self._lent]:
            self.drop_later(name)
        if self._admin_connection is not None:
            self._admin_connection.close()
        for _ in self._droppers:
            self._to_drop.put(_STOP)
        for dropper in self._droppers:
            dropper.join()
        if self._template is not None:
            self._drop(self._template)
        if self._failures:
            raise RuntimeError("test databases not dropped: " + "; ".join(self._failures))

    def _create(self, migrated: bool) -> str:
        name = _new_name()
        template = f' TEMPLATE "{self._migrated_template()}"' if migrated else ""
        admin = self._admin()
        admin.execute(f'CREATE DATABASE "{name}"{template}')
        admin.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
        if migrated or migrated not in self._pristine:
            with psycopg.connect(self._conninfo(name), autocommit=True) as new:
                if migrated not in self._pristine:
                    self._pristine[migrated] = Pristine.of(new)
                if migrated:
                    _new_identity(new)
        return name

    def _send_everyone_away(self, name: str) -> str | None:
        """Disconnect every client of database `name` and rename it; its new name, or None if
        clients kept coming back."""
        admin = self._admin()
        for _ in range(_RENAME_TRIES):
            admin.execute(
                "SELECT pg_terminate_backend(pid, %s) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                (_LEAVE_SECONDS * 1000, name),
            )
            renamed = _new_name()
            try:
                admin.execute(f'ALTER DATABASE "{name}" RENAME TO "{renamed}"')
            except psycopg.errors.ObjectInUse:
                continue
            return renamed
        return None

    def _put_back(self, name: str, migrated: bool) -> bool:
        with psycopg.connect(self._conninfo(name), autocommit=True) as used:
            if not self._pristine[migrated].restore(used):
                return False
            if migrated:
                _new_identity(used)
        return True

    def _admin(self) -> Connection:
        """The tests' thread's connection to the server's own database, kept for the run."""
        if self._admin_connection is None or self._admin_connection.closed:
            self._admin_connection = psycopg.connect(self._admin_conninfo, autocommit=True)
            # Only a crash of the server could lose a test database's creation or new name.
            self._admin_connection.execute("SET synchronous_commit = off")
        return self._admin_connection

    def _migrated_template(self) -> str:
        if self._template is None:
            name = f"calmdesk_test_template_{uuid.uuid4().hex[:12]}"
            self._admin().execute(f'CREATE DATABASE "{name}"')
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


def _new_name() -> str:
    return f"calmdesk_test_{uuid.uuid4().hex[:12]}"


def _new_identity(connection: Connection) -> None:
    connection.execute("UPDATE database_identity SET id = %s", (str(uuid.uuid4()),))


def throwaway(databases: PostgresDatabases, *, migrated: bool = False) -> Iterator[str]:
    """A database's URL, as new, for as long as the generator runs; taken back after it."""
    name = databases.lend(migrated=migrated)
    try:
        yield databases.url(name)
    finally:
        databases.take_back(name)
