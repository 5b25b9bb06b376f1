"""The open-incidents index is partial on both backends, and declaring it loads no dialect."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import CreateIndex

from app.db.models import Incident
from app.db.open_statuses import OPEN_INCIDENTS_SQL


def _open_index_ddl(dialect: sqlite.dialect | postgresql.dialect) -> str:
    index = next(i for i in Incident.__table__.indexes if i.name == "ix_incidents_open")
    return str(CreateIndex(index).compile(dialect=dialect))


def test_the_open_incidents_index_is_partial_on_sqlite_and_postgresql() -> None:
    for dialect in (sqlite.dialect(), postgresql.dialect()):
        ddl = _open_index_ddl(dialect)
        assert ddl.endswith(f"(status) WHERE {OPEN_INCIDENTS_SQL}"), ddl


def test_declaring_the_models_imports_no_dialect() -> None:
    # In a fresh interpreter: this one has long loaded both dialects.
    script = (
        "import sys, app.db.models\n"
        "print(sorted(m for m in sys.modules if m.startswith('sqlalchemy.dialects.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
