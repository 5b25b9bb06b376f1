"""Writes statements.py: the first screen's SQL, compiled from the queue's own SQLAlchemy
statements, kept as text so the console can run it with the driver alone before SQLAlchemy is
imported. `python -m app.services.first_screen.compile_sql` after changing a queue statement or
adding a migration; a test fails while the file is behind."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.postgresql import psycopg
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement

from app.db.migrate import head_revision
from app.db.models import Agent
from app.services.incidents.page_params import LIMIT, NOW, RESOLVED_SINCE
from app.services.incidents.reads import first_page_query

TARGET = Path(__file__).with_name("statements.py")
BOUND_AT_RUN_TIME = frozenset({NOW, RESOLVED_SINCE, LIMIT, "login"})

HEADER = '''"""The first screen's SQL for the sqlite3 driver (named parameters) and psycopg
(pyformat), compiled from the queue's SQLAlchemy statements by compile_sql.py. Generated: do not
edit; run `python -m app.services.first_screen.compile_sql` instead (a test says when this is
behind).

Each statement comes with the values of its constant parameters; read.py adds now_micros,
resolved_since, page_limit and login."""

# ruff: noqa: E501
'''


def _compiled(statement: ClauseElement, dialect: Dialect) -> tuple[str, dict[str, Any]]:
    # The IN lists of literals (app/db/open_statuses.py) are written into the text here, as the
    # engine does at execution; the run-time values are placeholders, left out of the constants.
    compiled: Any = statement.compile(dialect=dialect)  # a SQLCompiler: the typed Compiled lacks it
    expanded = compiled.construct_expanded_state(
        dict.fromkeys(BOUND_AT_RUN_TIME), escape_names=False
    )
    assert isinstance(expanded.parameters, dict)
    constants = {k: v for k, v in expanded.parameters.items() if k not in BOUND_AT_RUN_TIME}
    return expanded.statement, constants


def compiled_statements() -> dict[str, object]:
    """statements.py's names and values, compiled now."""
    agent = select(Agent.id, Agent.login, Agent.name, Agent.role, Agent.active).where(
        Agent.login == bindparam("login")
    )
    values: dict[str, object] = {"SCHEMA_HEAD": head_revision()}
    dialects: tuple[Dialect, ...] = (sqlite.dialect(paramstyle="named"), psycopg.dialect())  # type: ignore[no-untyped-call]
    for dialect in dialects:
        for part, statement in (
            ("AGENT", agent),
            ("PAGE", first_page_query(True, dialect.name)),
        ):
            name = f"{dialect.name.upper()}_{part}"
            values[name], values[f"{name}_CONSTANTS"] = _compiled(statement, dialect)
    return values


def render() -> str:
    lines = [HEADER]
    for name, value in compiled_statements().items():
        typed = ": dict[str, object]" if name.endswith("_CONSTANTS") else ""
        lines.append(f"{name}{typed} = {value!r}")
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
