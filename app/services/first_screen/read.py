"""The console's first screen, read with the sqlite3 driver alone: who is signed in and the
queue's first rows in triage order, before SQLAlchemy, the models and the console's services are
imported (about half a second on a two-core machine, more than everything else before the
paint). The console paints these rows, then starts the rest behind them (ui/console.py), and the
rest checks everything again the full way.

It answers only when it can vouch for the answer: a local SQLite file that exists, looks intact,
is at this version's schema, and already knows the agent. Anything else (a team server, a new
or damaged file, a schema to upgrade, a first sign-in, any error) is None, and the console
starts the full way, which creates, repairs, upgrades, signs in or explains.

The statements are the queue's own, compiled to text (statements.py); the rows are made by the
queue's own `to_row`. A test holds this read to `IncidentReads.first_page` over awkward data."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from app.db.connection_name import os_user
from app.db.location import describe_location, sqlite_database
from app.db.utc_text import from_utc_text, utc_text
from app.domain.roles import Role
from app.services.actor import Actor
from app.services.admin.sqlite_header import header_problem
from app.services.first_screen import statements as sql
from app.services.incidents.dto import IncidentRow
from app.services.incidents.page_params import RESOLVED_SINCE, first_page_params
from app.services.incidents.row_shape import to_row, with_alerts
from app.services.intake.dto import AlertMark, alert_mark

# The columns of a page row (IncidentRow's order) that hold moments: opened_at .. next_update_due.
_MOMENTS = range(15, 23)
# In an alert row: the incident's id, then alert_mark's values; labels, first and last firing.
_LABELS, _FIRST_FIRING, _LAST_FIRING = 2, 3, 4
_BUSY_TIMEOUT_SECONDS = 5.0  # as the engine's busy timeout: a colleague's write may be running


@dataclass(frozen=True)
class FirstScreen:
    actor: Actor
    description: str  # where the data lives, as app/db/location.py says it
    rows: list[IncidentRow]  # the first `limit` rows in triage order; fewer: the whole queue
    limit: int

    @property
    def whole_queue(self) -> bool:
        return len(self.rows) < self.limit


def read_first_screen(
    db_url: str, now: datetime, resolved_since: datetime, limit: int, login: str | None = None
) -> FirstScreen | None:
    """The first screen of the SQLite file `db_url` at `now` for `login` (by default the OS
    user, who signs in on a local file), or None when only the full start can answer (see the
    module's text)."""
    login = (os_user() if login is None else login).strip().lower()
    database = sqlite_database(db_url)
    if database is None or not login:
        return None
    path = Path(database).expanduser()
    if not path.is_file() or header_problem(path) is not None:
        return None
    try:
        # mode=rw: never create a file here (the full start does, then migrates it).
        uri = f"{path.resolve().as_uri()}?mode=rw"
        with closing(sqlite3.connect(uri, uri=True, timeout=_BUSY_TIMEOUT_SECONDS)) as db:
            return _read(
                db, login, now, resolved_since, limit, describe_location("sqlite", database)
            )
    except (sqlite3.Error, ValueError, KeyError):
        return None  # not what this version wrote: the full start finds out and says what


def _read(
    db: sqlite3.Connection,
    login: str,
    now: datetime,
    resolved_since: datetime,
    limit: int,
    description: str,
) -> FirstScreen | None:
    with db:  # one read transaction: the page and its alerts from the same moment
        db.execute("BEGIN")
        version = db.execute("SELECT version_num FROM alembic_version").fetchall()
        if version != [(sql.SCHEMA_HEAD,)]:
            return None  # an upgrade to run first, or a newer version's file
        agent = db.execute(sql.SQLITE_AGENT, {"login": login}).fetchone()
        if agent is None:
            return None  # a first sign-in: the full start adds the agent
        params: dict[str, Any] = {
            **first_page_params(now, resolved_since, limit),
            RESOLVED_SINCE: utc_text(resolved_since),
        }
        page = db.execute(sql.SQLITE_PAGE, {**sql.SQLITE_PAGE_CONSTANTS, **params}).fetchall()
        alerts = db.execute(
            sql.SQLITE_PAGE_ALERTS, {**sql.SQLITE_PAGE_ALERTS_CONSTANTS, **params}
        ).fetchall()
    agent_id, agent_login, name, role = agent
    rows = [to_row(_with_moments(row, _MOMENTS)) for row in page]
    marks = {row[0]: _mark(row) for row in alerts}
    actor = Actor(agent_id, agent_login, name, Role(role))
    return FirstScreen(actor, description, with_alerts(rows, marks), limit)


def _with_moments(row: Sequence[Any], columns: range) -> list[Any]:
    values = list(row)
    for i in columns:
        if values[i] is not None:
            values[i] = from_utc_text(values[i])
    return values


def _mark(row: Sequence[Any]) -> AlertMark:
    values = list(row)
    values[_LABELS] = json.loads(values[_LABELS]) if values[_LABELS] is not None else None
    values[_FIRST_FIRING] = from_utc_text(values[_FIRST_FIRING])
    values[_LAST_FIRING] = from_utc_text(values[_LAST_FIRING])
    return alert_mark(values[1:])
