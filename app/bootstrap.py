"""Opening the database the settings point at: connect, check, migrate, sign in. Shared by the
CLI and the console's composition root."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import ProgrammingError

from app.adapters.secrets import stored_password
from app.db.connection_name import os_user
from app.db.engine import Database, check_connection, open_database
from app.db.migrate import UpgradeReport, head_revision, upgrade
from app.domain.clock import Clock, CorrectedClock, SystemClock
from app.domain.errors import CalmdeskError, DatabaseUnavailable
from app.services.admin.identity import identify
from app.services.admin.local_file_recovery import (
    LocalFileDamaged,
    LocalFileProblem,
    aside_path,
    diagnose,
    latest_backup,
    sqlite_file,
)
from app.services.admin.sqlite_header import header_problem
from app.services.context import ServiceContext
from app.services.directory.reads import sign_in
from app.services.server_time.clock_sync import ClockSync
from app.settings import Settings


@dataclass(frozen=True)
class Session:
    ctx: ServiceContext
    upgrade: UpgradeReport


def os_login() -> str:
    return os_user()


def connect(
    settings: Settings, password: str | None = None, connections: int | None = None
) -> Database:
    """Open and check the database, or raise DatabaseUnavailable with a one-line reason.
    Without a `password`, the keyring's (if any) is used; libpq's own sources (PGPASSWORD,
    ~/.pgpass) still apply when neither has one. `connections`: see make_engine."""
    file = sqlite_file(settings.db_url)
    if settings.uses_default_database:
        settings.data_dir.mkdir(parents=True, exist_ok=True)  # this console's own folder
    if file is not None and file.exists():
        # One stat and a 100-byte read: a file that is not SQLite, or was cut short, is caught
        # before SQLite reads it (a cut-off file may otherwise open and fail much later).
        reason = header_problem(file)
        if reason is not None:
            now = datetime.now()
            backup = latest_backup(settings.backup_dir, file)
            raise LocalFileDamaged(file, reason, backup, aside_path(file, now))
    if password is None:
        password = stored_password(settings.db_url)
    db = open_database(
        settings.db_url,
        password=password,
        read_url=settings.read_db_url,
        connections=connections,
    )
    try:
        with explain_local_file(settings):
            check_connection(db)
    except Exception:
        db.dispose()
        raise
    return db


@contextmanager
def explain_local_file(settings: Settings) -> Iterator[None]:
    """A local file that is damaged or locked gets an explanation naming the last backup."""
    try:
        yield
    except DatabaseUnavailable as exc:
        file = sqlite_file(settings.db_url)
        if file is None or isinstance(exc, LocalFileProblem):
            raise
        problem = diagnose(file, str(exc), settings.backup_dir, datetime.now())
        if problem is None:
            raise
        raise problem from None


def start(
    settings: Settings,
    clock: Clock | None = None,
    login: str | None = None,
    password: str | None = None,
) -> Session:
    """Connect, bring the schema to head (backing up a SQLite file first) and sign in: as
    `login` when given, else as the database login (PostgreSQL) or the OS user (SQLite).

    The context's clock is `clock` (the workstation's own by default) corrected to the database
    server's time, measured here once; the console measures again every few minutes."""
    db = connect(settings, password)
    team_clock = CorrectedClock(clock or SystemClock())
    try:
        with explain_local_file(settings):
            report = upgrade_or_explain(db, settings)
            actor = sign_in(db, login) if login else identify(db, os_login())
        ClockSync(db, team_clock).sync()
    except Exception:
        db.dispose()
        raise
    ctx = ServiceContext(db=db, clock=team_clock, actor=actor, phone_region=settings.phone_region)
    return Session(ctx, report)


def upgrade_or_explain(db: Database, settings: Settings) -> UpgradeReport:
    """Upgrade the schema; an agent's login on a team server may not, so say who can."""
    try:
        return upgrade(db, settings.backup_dir)
    except ProgrammingError as exc:
        if "permission denied" not in str(exc.orig).lower() and "must be owner" not in str(
            exc.orig
        ):
            raise
        raise SchemaNeedsUpgrade(
            f"{db.description} needs its schema upgraded for this version of Calmdesk "
            f"({head_revision()}), and your login may not do that. Ask your administrator to "
            "run: calmdesk db upgrade"
        ) from None


class NoDatabaseHere(CalmdeskError):
    """A command that only reads was pointed at a SQLite file that does not exist."""

    def __init__(self, file: Path) -> None:
        super().__init__(
            f"{file}: no Calmdesk database here. Check the path (--db or CALMDESK_DB_URL); "
            "nothing was created."
        )


def require_existing(settings: Settings) -> None:
    """For commands that only read: a SQLite file that is not there is an error, not a new file
    (a typo in a path must not silently produce an empty report)."""
    file = sqlite_file(settings.db_url)
    if file is not None and not file.is_file():
        raise NoDatabaseHere(file)


class SchemaNeedsUpgrade(CalmdeskError):
    """The team database is older than this build and only its administrator can upgrade it."""
