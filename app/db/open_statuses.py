"""The open statuses (app.domain.lifecycle.OPEN_STATUSES) as SQL: the one place that form is
built. The partial index ix_incidents_open is defined with it, and every query asking for open
incidents uses `is_open`, which writes the same list in the same order into the statement.

Literals, not bound parameters, and in one fixed order: SQLite and PostgreSQL use a partial
index only when they can see that the query's condition is the index's own, which they cannot
with bound parameters or another order.
"""

from __future__ import annotations

from sqlalchemy import BindParameter, ColumnElement, SQLColumnExpression, bindparam

from app.domain.lifecycle import OPEN_STATUSES

OPEN_STATUS_VALUES = tuple(sorted(s.value for s in OPEN_STATUSES))
OPEN_INCIDENTS_SQL = "status IN ({})".format(", ".join(f"'{v}'" for v in OPEN_STATUS_VALUES))


def is_open(status: SQLColumnExpression[str]) -> ColumnElement[bool]:
    """`status IN ('in_progress', 'new', 'on_hold')` for this status column (`~is_open(...)` for
    the closed ones)."""
    listed: BindParameter[str] = bindparam(
        "open", OPEN_STATUS_VALUES, expanding=True, literal_execute=True, unique=True
    )
    return status.in_(listed)
