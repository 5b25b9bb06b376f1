"""The first screen from a local SQLite file, with the sqlite3 driver (read.py says when)."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import Any

from app.db.location import describe_location
from app.db.utc_text import from_utc_text, utc_text
from app.domain.roles import Role
from app.services.actor import Actor
from app.services.admin.sqlite_header import header_problem
from app.services.first_screen import statements as sql
from app.services.first_screen.read import FirstScreen, screen_rows
from app.services.incidents.page_params import RESOLVED_SINCE, first_page_params

_BUSY_TIMEOUT_SECONDS = 5.0  # as the engine's busy timeout: a colleague's write may be running


def read_sqlite(
    database: str, login: str, now: datetime, resolved_since: datetime, limit: int
) -> FirstScreen | None:
    path = Path(database).expanduser()
    if not path.is_file() or header_problem(path) is not None:
        return None  # a new file (the full start makes it) or a damaged one (it explains)
    try:
        # mode=rw: never create a file here.
        uri = f"{path.resolve().as_uri()}?mode=rw"
        with closing(sqlite3.connect(uri, uri=True, timeout=_BUSY_TIMEOUT_SECONDS)) as db:
            read = _read(db, login, now, resolved_since, limit)
    except (sqlite3.Error, ValueError, KeyError):
        return None  # not what this version wrote: the full start finds out and says what
    if read is None:
        return None
    actor, rows = read
    return FirstScreen(actor, "sqlite", describe_location("sqlite", database), rows, limit)


def _read(
    db: sqlite3.Connection, login: str, now: datetime, resolved_since: datetime, limit: int
) -> tuple[Actor, list[Any]] | None:
    with db:  # one read transaction: the agent and the page from the same moment
        db.execute("BEGIN")
        if db.execute("SELECT version_num FROM alembic_version").fetchall() != [(sql.SCHEMA_HEAD,)]:
            return None  # an upgrade to run first, or a newer version's file
        agent = db.execute(sql.SQLITE_AGENT, {"login": login}).fetchone()
        if agent is None:
            return None  # a first sign-in: the full start adds the agent
        params: dict[str, Any] = {
            **first_page_params(now, resolved_since, limit),
            RESOLVED_SINCE: utc_text(resolved_since),
        }
        page = db.execute(sql.SQLITE_PAGE, {**sql.SQLITE_PAGE_CONSTANTS, **params}).fetchall()
    agent_id, agent_login, name, role, _active = agent  # a local file signs in whoever it is
    rows = screen_rows(page, from_utc_text, _labels)
    return Actor(agent_id, agent_login, name, Role(role)), rows


def _labels(stored: str | None) -> Any:
    return json.loads(stored) if stored is not None else None
