"""Bring a database to the current schema at start-up: compare its revision with head, back up a
SQLite file, upgrade. Migrations ship inside the package, so installed and frozen builds find them.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from app.db.engine import Database, translate_errors
from app.domain.errors import CalmdeskError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


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
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the migration chain is empty"
    return head


def current_revision(db: Database) -> str | None:
    with translate_errors(db.engine.url), db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(db: Database, backup_dir: Path | None = None) -> UpgradeReport:
    """Upgrade to head. A SQLite file that already holds data is copied to `backup_dir` first."""
    head = head_revision()
    current = current_revision(db)
    if current == head:
        return UpgradeReport(current, head, None)
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
