"""A test's SQLite file starts as a copy of one migrated to head, not by running every migration.

The migrations take ~0.3 s on a quiet machine (over a second on a loaded one) and the suite opens
about a thousand SQLite files; a copy takes a millisecond. Each test worker migrates one file
once. The state is exactly what `upgrade` gives: `upgrade` still runs on every test's database
and finds it at head. The migrations themselves are tested on fresh files (tests/app/db/).

PostgreSQL test databases do the same with `CREATE DATABASE ... TEMPLATE`
(tests/postgres_databases.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import make_url

from app.db.engine import open_database
from app.db.migrate import upgrade


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("migrated") / "calmdesk.sqlite3"
    database = open_database(f"sqlite:///{path.as_posix()}")
    upgrade(database)
    database.dispose()
    return path


def start_from_migrated(url: str, request: pytest.FixtureRequest) -> None:
    """When `url` names a SQLite file that does not exist yet, make it a copy of the migrated
    one. Anything else is left as it is."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        path = Path(parsed.database)
        if not path.exists():
            shutil.copyfile(request.getfixturevalue("migrated_sqlite_file"), path)
