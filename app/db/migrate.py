"""Bring a database to the current schema at start-up: compare its revision with head, back up a
SQLite file, upgrade. Migrations ship inside the package, so installed and frozen builds find them.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text

from app.db.engine import Database, translate_errors
from app.domain.errors import CalmdeskError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# Alembic is imported only when a database needs upgrading (it costs ~100 ms of start-up): the
# usual start, on a database already at head, reads the revisions from the version files and
# the alembic_version table directly.
_REVISION = re.compile(r"^revision(?:\s*:[^=\n]*)?\s*=\s*[\"']([^\"']+)[\"']\s*$", re.M)
_DOWN_REVISION = re.compile(
    r"^down_revision(?:\s*:[^=\n]*)?\s*=\s*(?:[\"']([^\"']+)[\"']|(None))\s*$", re.M
)


class SchemaTooNew(CalmdeskError):
    """The database was upgraded by a newer Calmdesk than this one."""


@dataclass(frozen=True)
class UpgradeReport:
    from_revision: str | None
    to_revision: str
    backup: Path | None

    @property
    def changed(self) -> bool:
        return self.from_revision != self.to_revision


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    head = _plain_chain_head(Path(MIGRATIONS_DIR) / "versions")
    if head is None:  # a branch, a merge or a file written differently: Alembic decides
        from alembic.script import ScriptDirectory

        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the migration chain is empty"
    return head


def _plain_chain_head(versions: Path) -> str | None:
    """The head of a linear chain of version files, read from their `revision` and
    `down_revision` lines; None unless every file says both plainly and there is one head."""
    revisions, parents = set(), set()
    for path in versions.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revision, down = _REVISION.findall(source), _DOWN_REVISION.findall(source)
        if len(revision) != 1 or len(down) != 1:
            return None
        revisions.add(revision[0])
        parent, none = down[0]
        if parent:
            parents.add(parent)
        elif not none:
            return None
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 and parents <= revisions else None


def current_revision(db: Database) -> str | None:
    with translate_errors(db.engine.url), db.engine.connect() as connection:
        stored = _stored_revisions(connection)
        if len(stored) <= 1:
            return stored[0] if stored else None
        from alembic.runtime.migration import MigrationContext

        return MigrationContext.configure(connection).get_current_revision()  # explains heads


def _stored_revisions(connection: Connection) -> list[str]:
    if not inspect(connection).has_table("alembic_version"):
        return []
    return list(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


def upgrade(db: Database, backup_dir: Path | None = None) -> UpgradeReport:
    """Upgrade to head. A SQLite file that already holds data is copied to `backup_dir` first."""
    head = head_revision()
    current = current_revision(db)
    if current == head:
        return UpgradeReport(current, head, None)
    from alembic import command
    from alembic.script import ScriptDirectory

    known = {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if current is not None and current not in known:
        raise SchemaTooNew(
            f"This database was upgraded by a newer Calmdesk (schema {current}); "
            "install the newer version to open it."
        )
    backup = None
    if current is not None and backup_dir is not None and db.backend == "sqlite":
        backup = backup_sqlite(db, backup_dir, current)
    config = alembic_config()
    sqlite = db.backend == "sqlite"
    with translate_errors(db.engine.url), db.engine.connect() as connection:
        if sqlite:
            # Batch migrations rebuild SQLite tables (copy, drop, rename); with foreign keys on,
            # dropping a table other rows refer to fails. The pragma is ignored inside a
            # transaction, so it goes to the driver connection before BEGIN.
            _sqlite_pragma(connection, "foreign_keys = OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise RuntimeError("a migration left rows pointing at missing rows")
        finally:
            if sqlite:
                _sqlite_pragma(connection, "foreign_keys = ON")
    return UpgradeReport(current, head, backup)


def _sqlite_pragma(connection: Connection, pragma: str) -> None:
    cursor = connection.connection.cursor()
    cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def backup_sqlite(db: Database, backup_dir: Path, revision: str) -> Path:
    """Copy the live SQLite file with SQLite's backup API (safe while WAL is in use)."""
    source_path = db.engine.url.database
    assert source_path, "backup_sqlite needs a file database"
    backup_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = backup_dir / f"{Path(source_path).stem}-{stamp}-schema-{revision}.sqlite3"
    with sqlite3.connect(source_path) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    source.close()
    copy.close()
    return target
