"""Settings, declared once with their defaults. Tests point CALMDESK_HOME at a temporary folder so
they never touch the user's real profile."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "Calmdesk"
DB_FILE_NAME = "calmdesk.sqlite3"


@dataclass(frozen=True)
class Settings:
    data_dir: Path  # the SQLite file, its backups, the outbox
    log_dir: Path
    db_url: str  # a SQLAlchemy URL; the local SQLite file unless told otherwise

    @property
    def backup_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def uses_default_database(self) -> bool:
        return self.db_url == default_db_url(self.data_dir)


def default_db_url(data_dir: Path) -> str:
    return f"sqlite:///{(data_dir / DB_FILE_NAME).as_posix()}"


def load_settings(env: Mapping[str, str] | None = None, db_url: str | None = None) -> Settings:
    """Settings from, in order of precedence: the --db argument, CALMDESK_DB_URL, the default."""
    env = os.environ if env is None else env
    home = env.get("CALMDESK_HOME")
    if home:
        data_dir = Path(home).expanduser() / "data"
        log_dir = Path(home).expanduser() / "logs"
    else:
        data_dir = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
        log_dir = Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
    url = db_url or env.get("CALMDESK_DB_URL") or default_db_url(data_dir)
    return Settings(data_dir=data_dir, log_dir=log_dir, db_url=url)
