"""The start-up revision check reads the version files itself (Alembic loads only to upgrade):
it must name the same head as Alembic, and leave anything but a plain chain to Alembic."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from app.db import migrate


def test_the_head_read_from_the_files_is_alembics_head() -> None:
    alembic_head = ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()
    assert migrate.head_revision() == alembic_head


def test_a_branched_chain_is_left_to_alembic(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    migrations = tmp_path / "migrations"
    shutil.copytree(
        migrate.MIGRATIONS_DIR, migrations, ignore=shutil.ignore_patterns("__pycache__")
    )
    first = sorted((migrations / "versions").glob("*.py"))[0].read_text(encoding="utf-8")
    twin = first.replace('revision: str = "0001"', 'revision: str = "0001b"')
    twin = twin.replace("down_revision: str | None = None", 'down_revision: str | None = "0001"')
    (migrations / "versions" / "0001b_twin.py").write_text(twin, encoding="utf-8")
    assert migrate._plain_chain_head(migrations / "versions") is None  # two heads
