"""Where the data lives, in words: "local file /home/sam/calmdesk.sqlite3", "PostgreSQL calmdesk
on db.example:5433". Never with a password. Free of SQLAlchemy, so the console's first screen
says it the same way before SQLAlchemy is imported."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote


def describe_location(
    backend: str, database: str | None, host: str | None = None, port: int | None = None
) -> str:
    if backend == "sqlite":
        return f"local file {shown(database)}"
    shown_port = f":{port}" if port else ""
    return f"PostgreSQL {shown(database)} on {shown(host) or 'localhost'}{shown_port}"


def sqlite_database(url: str) -> str | None:
    """The database (file name) of a plain SQLite URL, `sqlite:///relative` or
    `sqlite:////absolute`, as SQLAlchemy reads it; None for anything else, including URLs with
    options and in-memory databases. (A test holds it to SQLAlchemy's reading.)"""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme not in ("sqlite", "sqlite+pysqlite") or not rest.startswith("/"):
        return None
    if "?" in rest:
        return None
    database = unquote(rest[1:])
    return None if database in ("", ":memory:") else database


def sqlite_path(url: str) -> Path | None:
    """The file of a plain SQLite URL (see sqlite_database)."""
    database = sqlite_database(url)
    return None if database is None else Path(database).expanduser()


def shown(name: str | None) -> str:
    # A name with a line break or another control character in it is quoted, so a message
    # stays on one line and shows what is really there.
    return "" if name is None else name if name.isprintable() else repr(name)
