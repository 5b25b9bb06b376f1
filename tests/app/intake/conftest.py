"""The intake service for this folder's tests: one per backend and module (each test uses its own
alert names), on a SQLite file and on a PostgreSQL database made for it and dropped after."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.db.engine import Database, open_database
from tests.app.intake.intake_server import IntakeProcess, running
from tests.helpers import add_service, throwaway_postgres_database


@dataclass
class Intake:
    server: IntakeProcess
    db: Database  # the same database, opened by the test to read what was written
    url: str


@pytest.fixture(scope="module")
def module_postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    yield from throwaway_postgres_database(request)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def intake_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("intake-db") / "calmdesk.sqlite3"
        return f"sqlite:///{path.as_posix()}"
    return str(request.getfixturevalue("module_postgres_url"))


@pytest.fixture(scope="module")
def intake(intake_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Intake]:
    folder: Path = tmp_path_factory.mktemp("intake")
    with running(intake_url, folder) as server:
        db = open_database(intake_url)  # upgraded by the service as it started
        add_service(db, "Email")  # what the test mapping's `mail` label names
        yield Intake(server, db, intake_url)
        db.dispose()
