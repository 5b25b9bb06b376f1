"""Opening the database the settings point at: connect, check, migrate, sign in. Shared by the
CLI and the console's composition root."""

from __future__ import annotations

import getpass
from dataclasses import dataclass

from app.db.engine import Database, check_connection, open_database
from app.db.migrate import UpgradeReport, upgrade
from app.domain.clock import Clock, SystemClock
from app.services.context import ServiceContext
from app.services.directory import sign_in
from app.settings import Settings


@dataclass(frozen=True)
class Session:
    ctx: ServiceContext
    upgrade: UpgradeReport


def os_login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in a container or service account
        return "calmdesk"


def connect(settings: Settings) -> Database:
    """Open and check the database, or raise DatabaseUnavailable with a one-line reason."""
    db = open_database(settings.db_url)
    try:
        check_connection(db)
    except Exception:
        db.dispose()
        raise
    return db


def start(settings: Settings, clock: Clock | None = None, login: str | None = None) -> Session:
    """Connect, bring the schema to head (backing up a SQLite file first) and sign in."""
    db = connect(settings)
    report = upgrade(db, settings.backup_dir)
    actor = sign_in(db, login or os_login())
    return Session(ServiceContext(db=db, clock=clock or SystemClock(), actor=actor), report)
