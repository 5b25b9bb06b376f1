"""The sample (`load_demo`) in a UI test's SQLite file, loaded for real once per worker and state.

Loading the sample is ~1,000 service transactions, ~3.5 CPU-s; about thirty UI tests start from
it on a fresh SQLite file. The sample is deterministic: the same database, clock and actor give
the same result. So `demo(ctx)` keys on exactly those (every row and schema statement of the file
as it is, the clock's time, the actor); the first time a key is seen it runs `load_demo` and
keeps a copy of the result, and afterwards it copies that result into the test's file with
SQLite's backup API (~10 ms). Anything else (PostgreSQL, another state) runs `load_demo` as
before; `tests/app/services/admin/test_demo.py` always does.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from app.services.admin.demo import load_demo
from app.services.admin.local_file_recovery import sqlite_file
from app.services.context import ServiceContext

LoadDemo = Callable[[ServiceContext], int]


class DemoSamples:
    """This worker's loaded samples, one file per starting state, in `folder`."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._created: dict[str, int] = {}

    def load(self, ctx: ServiceContext) -> int:
        """What `load_demo(ctx)` does, and returns."""
        file = sqlite_file(str(ctx.db.engine.url))
        if file is None:
            return load_demo(ctx)
        key = _state_key(file, ctx)
        kept = self._folder / f"{key}.sqlite3"
        if key in self._created:
            _copy(kept, file)
            return self._created[key]
        created = load_demo(ctx)
        _copy(file, kept)
        self._created[key] = created
        return created


def _state_key(file: Path, ctx: ServiceContext) -> str:
    digest = hashlib.sha256()
    with closing(sqlite3.connect(file)) as connection:
        for statement in connection.iterdump():
            digest.update(statement.encode())
    digest.update(repr((ctx.clock.now(), ctx.actor)).encode())
    return digest.hexdigest()[:24]


def _copy(source: Path, target: Path) -> None:
    """Every page of `source` into `target`, through SQLite (other connections to `target` see
    the new content at their next transaction)."""
    with closing(sqlite3.connect(source)) as reading, closing(sqlite3.connect(target)) as writing:
        reading.backup(writing)


@pytest.fixture(scope="session")
def _demo_samples(tmp_path_factory: pytest.TempPathFactory) -> DemoSamples:
    return DemoSamples(tmp_path_factory.mktemp("demo-samples"))


@pytest.fixture
def demo(_demo_samples: DemoSamples) -> LoadDemo:
    """`demo(ctx)`: load the sample into the test's database, as `load_demo(ctx)` would."""
    return _demo_samples.load
