"""The console's first screen, read with the database driver alone (sqlite3 or psycopg): who is
signed in and the queue's first rows in triage order, before SQLAlchemy, the models and the
console's services are imported (about half a second on a two-core machine, more than everything
else before the paint). The console paints these rows, then starts the rest behind them
(ui/console.py), and the rest checks everything again the full way.

It answers only when it can vouch for the answer: a database at this version's schema that
already knows the agent (on a team server: an active agent whose login the server grants
Calmdesk rights), reached at an address read without doubt. Anything else (a new, damaged or
older file, a first sign-in, a password to ask for, a server that does not answer at once, any
error) is None, and the console starts the full way, which creates, repairs, upgrades, signs in,
asks or explains.

The statements are the queue's own, compiled to text (statements.py); the rows are made by the
queue's own `to_row`. Tests hold this read to `IncidentReads.first_page` on both databases."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.db.connection_name import os_user
from app.db.location import sqlite_database
from app.db.postgres_address import postgres_address
from app.services.actor import Actor
from app.services.incidents.dto import IncidentRow
from app.services.incidents.row_shape import page_row

# The columns of a page row that hold moments: opened_at .. next_update_due (IncidentRow's order),
# then, after the row's 25 columns and the alert's name and labels, its first and last firing.
_MOMENTS = (*range(15, 23), 27, 28)
_LABELS = 26


@dataclass(frozen=True)
class FirstScreen:
    actor: Actor
    backend: str  # "sqlite" or "postgresql"
    description: str  # where the data lives, as app/db/location.py says it
    rows: list[IncidentRow]  # the first `limit` rows in triage order; fewer: the whole queue
    limit: int

    @property
    def whole_queue(self) -> bool:
        return len(self.rows) < self.limit


def read_first_screen(
    db_url: str, now: datetime, resolved_since: datetime, limit: int, login: str | None = None
) -> FirstScreen | None:
    """The first screen of the database at `db_url` at `now`, or None when only the full start
    can answer (see the module's text). `login`: who signs in on a local file (by default the
    OS user); a team server names its login itself."""
    database = sqlite_database(db_url)
    if database is not None:
        from app.services.first_screen.from_sqlite import read_sqlite

        login = (os_user() if login is None else login).strip().lower()
        return read_sqlite(database, login, now, resolved_since, limit) if login else None
    address = postgres_address(db_url)
    if address is not None:
        from app.services.first_screen.from_postgres import read_postgres  # psycopg: here only

        return read_postgres(address, now, resolved_since, limit)
    return None


def screen_rows(
    page: Sequence[Sequence[Any]],
    moment: Callable[[Any], datetime],
    labels: Callable[[Any], Any] = lambda stored: stored,
) -> list[IncidentRow]:
    """The page's rows (`reads.first_page_query`'s columns), each stored moment read by
    `moment` and an alert's labels by `labels`: what the driver returns, made into what the
    queue shows."""
    return [page_row(_read(row, moment, labels)) for row in page]


def _read(
    row: Sequence[Any], moment: Callable[[Any], datetime], labels: Callable[[Any], Any]
) -> list[Any]:
    values = list(row)
    for i in _MOMENTS:
        if values[i] is not None:
            values[i] = moment(values[i])
    values[_LABELS] = labels(values[_LABELS])
    return values
