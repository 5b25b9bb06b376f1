"""Engines and sessions, for a local SQLite file or a shared PostgreSQL server.

SQLite is opened in WAL mode (readers never block the writer) with foreign keys on and a busy
timeout. Write units of work start with BEGIN IMMEDIATE, so two workstations writing the same
file queue up instead of failing half-way with "database is locked".
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from app.db.connection_name import application_name, os_user, this_workstation
from app.db.location import describe_location, shown
from app.db.pool import IdleClosingPool
from app.domain.errors import DatabaseUnavailable

SQLITE_BUSY_TIMEOUT_MS = 10_000
# Each SQLite connection's page cache, in KiB (SQLite's default is 2,000). A console holds up to
# five connections, and every one that has read the queue kept its cache full: ~7 MB of the
# console's memory with 25,000 open incidents. A scan of the queue is bigger than either size (it
# reads the file's pages again whatever the cache), and the pages an index look-up needs again
# fit in 512 KiB; the rest comes from the operating system's file cache.
SQLITE_CACHE_KIB = 256
_WRITE_OPTION = "calmdesk_write"


def parse_url(url: str) -> URL:
    """A SQLAlchemy URL, or a DatabaseUnavailable that says what is wrong with the text."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise DatabaseUnavailable(
            "That database URL is not valid. Use sqlite:///path/to/file.sqlite3 or "
            "postgresql://user@host:5432/database."
        ) from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseUnavailable(
            f"Calmdesk works with SQLite or PostgreSQL, not {parsed.get_backend_name()!r}."
        )
    return parsed


def describe(url: URL) -> str:
    """A human description of where the data lives, never with the password."""
    return describe_location(url.get_backend_name(), url.database, url.host, url.port)


def without_password(url: URL) -> URL:
    """`url` with no password. (URL.set ignores None: it would keep the password.)"""
    return url._replace(password=None)


def make_engine(
    url: str | URL,
    *,
    echo: bool = False,
    password: str | None = None,
    name: str | None = None,
    connections: int | None = None,
    autocommit: bool = False,
) -> Engine:
    """`name` is the connections' `application_name`; by default Calmdesk, its version, the
    database login and this workstation's host name (app/db/connection_name.py). `connections`:
    how many PostgreSQL connections to keep (as many again while busy), for a service serving
    many requests at once; by default a console's one (app/db/pool.py). `autocommit`: on
    PostgreSQL, every statement its own transaction (see `open_database`'s `read_url`)."""
    parsed = parse_url(url) if isinstance(url, str) else url
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, echo)
    if any("\x00" in part for part in _parts(parsed)):
        # libpq would cut its connection string at the NUL and connect to another database,
        # as another user.
        raise DatabaseUnavailable(
            "The database URL holds a NUL character (%00), which PostgreSQL cannot take. "
            "Correct the URL."
        )
    # The password goes to the driver, never into the engine's URL: no URL the engine shows,
    # logs or puts in an error message can then carry it.
    secret = password if password is not None else parsed.password
    # Every round trip has a deadline (app/db/deadlines.py), the ping when a connection leaves
    # the pool included: a silent network is declared offline in seconds. Imported here: it
    # loads psycopg, which a console on a SQLite file never needs (start-up, bench/README.md).
    from app.db import deadlines

    connect_args = {**deadlines.connect_args(parsed), **_pooler_safe(parsed, name)}
    if secret:
        connect_args["password"] = str(secret)
    parsed = without_password(parsed)
    options: dict[str, Any] = (
        {} if connections is None else {"pool_size": connections, "max_overflow": connections}
    )
    if autocommit:
        options["isolation_level"] = "AUTOCOMMIT"
    engine = _create(
        parsed,
        echo=echo,
        poolclass=IdleClosingPool,  # few connections, closed when idle (app/db/pool.py)
        connect_args=connect_args,
        **options,
    )
    deadlines.install(engine)
    return engine


def _pooler_safe(url: URL, name: str | None) -> dict[str, Any]:
    """Options that let a DBA see who holds each connection, and let it work through a pooler
    in transaction mode: no server-side prepared statements (the next statement of a session
    may run on another server connection, which never saw the PREPARE)."""
    options: dict[str, Any] = {"prepare_threshold": None}
    if "application_name" not in url.query:
        login = url.username or os_user()
        options["application_name"] = name or application_name(login, this_workstation())
    return options


def _parts(url: URL) -> list[str]:
    values = [url.username, url.password, url.host, url.database]
    for value in url.query.values():
        values.extend([value] if isinstance(value, str) else value)
    return [str(value) for value in values if value]


def _create(url: URL, **options: Any) -> Engine:
    try:
        return create_engine(url, **options)
    except NoSuchModuleError as exc:
        raise DatabaseUnavailable(f"No database driver for {url.drivername}: {exc}") from None
    except (ValueError, TypeError) as exc:  # the dialect reads the options after "?" here
        names = ", ".join(shown(key) for key in url.query)
        raise DatabaseUnavailable(
            f"The options after '?' in the database URL ({names}) cannot be used: {exc}. "
            "Remove or correct them."
        ) from None


def _sqlite_engine(url: URL, echo: bool) -> Engine:
    if url.database and "\x00" in url.database:
        raise DatabaseUnavailable(
            f"{shown(url.database)} is not a file name: it holds a NUL character. "
            "Choose the database file again."
        )
    if url.database and url.database != ":memory:":
        # A mistyped path must not quietly become a new, empty database: the folder has to be
        # there already (the console's own data folder is made by the bootstrap).
        folder = Path(url.database).expanduser().parent
        if not folder.is_dir():
            raise DatabaseUnavailable(
                f"{shown(str(folder))}: there is no such folder, so no database file can be "
                "there. Check the path for a typo, or create the folder first."
            )
    engine = _create(url, echo=echo)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin event below decide how transactions start (the pysqlite
        # driver's own handling would start them late and deferred).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        # In WAL mode NORMAL is durable against application crashes (SIGKILL); only a power
        # cut can lose the last transactions, never corrupt the file.
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = "IMMEDIATE" if connection.get_execution_options().get(_WRITE_OPTION) else "DEFERRED"
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


@dataclass(frozen=True)
class Database:
    """An engine with its two session factories: reads, and writes (one transaction each).

    Reads may go through an engine of their own (`read_engine`): behind PgBouncer, a pool that
    logs in to the server as one read-only role, shared by every console, while writes keep each
    agent's own login (PgBouncer keeps a pool per login, so 300 logins reading every second
    would need 300 server connections)."""

    engine: Engine
    reader: sessionmaker[Session]
    writer: sessionmaker[Session]
    read_engine: Engine | None = None

    @property
    def reading_engine(self) -> Engine:
        return self.read_engine or self.engine

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @property
    def description(self) -> str:
        return describe(self.engine.url)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with translate_errors(self.engine.url), self.reader() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One unit of work: commits when the block ends, rolls back if it raises."""
        with translate_errors(self.engine.url), self.writer.begin() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
        if self.read_engine is not None:
            self.read_engine.dispose()


def open_database(
    url: str | URL,
    *,
    echo: bool = False,
    password: str | None = None,
    name: str | None = None,
    read_url: str | URL | None = None,
    connections: int | None = None,
) -> Database:
    """`password` (from the keyring, or asked for) overrides one written in the URL; `name` is
    what the server shows as the connections' application_name, `connections` how many it keeps
    (see make_engine). `read_url`: where reads go instead, with the same password (a PgBouncer
    database entry that logs in as a shared read-only role; see "Behind PgBouncer" in README.md).
    Reads there run in autocommit: in transaction pooling a transaction keeps its server
    connection from BEGIN to ROLLBACK, the console's own work between statements included, while
    a statement on its own keeps it only while the server runs it. (Under READ COMMITTED each
    statement sees its own snapshot either way, and the read-only role can write nothing.)"""
    engine = make_engine(url, echo=echo, password=password, name=name, connections=connections)
    read_engine = (
        None
        if read_url is None
        else make_engine(
            read_url,
            echo=echo,
            password=password,
            name=name,
            connections=connections,
            autocommit=True,
        )
    )
    write_engine = engine.execution_options(**{_WRITE_OPTION: True})
    return Database(
        engine=engine,
        reader=sessionmaker(read_engine or engine, expire_on_commit=False),
        writer=sessionmaker(write_engine, expire_on_commit=False),
        read_engine=read_engine,
    )


def check_connection(db: Database) -> None:
    """Connect once, so a bad URL or password fails now, with a clear message. Always a real
    attempt, even just after one timed out (app/db/silent_line.py): this is "try now"."""
    for engine in (db.engine, db.read_engine):
        pool = engine.pool if engine is not None else None
        if isinstance(pool, IdleClosingPool):
            pool.silent_line.try_now()
    try:
        with translate_errors(db.engine.url), db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except DBAPIError as exc:
        # Any other driver error here came from connecting, e.g. psycopg refusing the
        # connection options ("unterminated quoted string in connection info string").
        raise DatabaseUnavailable(_explain(db.engine.url, exc)) from None


@contextmanager
def translate_errors(url: URL) -> Iterator[None]:
    """Turn driver errors about reaching the database into one readable line."""
    try:
        yield
    except DBAPIError as exc:
        if exc.connection_invalidated or _is_connection_error(exc):
            raise DatabaseUnavailable(_explain(url, exc)) from None
        raise


def _is_connection_error(exc: DBAPIError) -> bool:
    # Both drivers report unreachable servers, refused logins, locked or damaged files and
    # dropped connections as OperationalError or InterfaceError.
    # (psycopg raises subclasses of them: ConnectionTimeout for a connect_timeout.)
    names = {kind.__name__ for kind in type(exc.orig).__mro__}
    if names & {"OperationalError", "InterfaceError"}:
        return True
    message = str(exc.orig).lower()
    return "not a database" in message or "malformed" in message


# What the drivers say when the server is down, restarting, or the network to it is cut.
_UNREACHABLE = (
    "connection refused",
    "timeout",
    "timed out",
    "could not receive",
    "closed the connection",
    "terminating connection",
    "connection is closed",
    "connection is lost",
    "network is unreachable",
    "no route to host",
    "the database system is starting up",
    "the database system is shutting down",
)


def _no_answer() -> str:
    from app.db.deadlines import NO_ANSWER  # psycopg: only ever for a PostgreSQL URL

    return NO_ANSWER


def _explain(url: URL, exc: DBAPIError) -> str:
    where = describe(url)
    message = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else ""
    lowered = str(exc.orig).lower()
    if (
        "password authentication failed" in lowered
        or "no password supplied" in lowered
        or ("role" in lowered and "does not exist" in lowered)
    ):
        return f"{where} refused the user name or password. Check them and try again."
    if "does not exist" in lowered and "database" in lowered:
        return f"{where}: that database does not exist. Check its name, or ask your administrator."
    if "resolve host" in lowered or "translate host name" in lowered or "not known" in lowered:
        return f"Cannot find the server {url.host!r}. Check the host name in the database URL."
    if url.get_backend_name() != "sqlite" and _no_answer() in lowered:
        return f"{where} stopped answering ({message}): the network to it is down or silent."
    if any(sign in lowered for sign in _UNREACHABLE):
        return f"Cannot reach {where}: the server is down or the network is unreachable."
    if "not a database" in lowered or "malformed" in lowered:
        # At start-up the file is checked and the console offers to restore the last backup.
        return (
            f"{where} is not a Calmdesk database, or it is damaged. Quit Calmdesk and open it "
            "again to restore the last backup (or run: calmdesk db restore)."
        )
    if "unable to open" in lowered:
        return f"Cannot open {where}: check the folder exists and you may write to it."
    if "locked" in lowered:
        return f"{where} is locked by another program. Close it, or try again in a moment."
    if url.password:
        message = message.replace(str(url.password), "***")
    return f"Cannot use {where}: {message}"
