"""A local SQLite file that is damaged or locked: say so plainly, name the last backup, and offer
the way out (restore the backup, or start empty), never deleting the damaged file.

The check at start-up costs one `stat` and a 100-byte read of the file header. The slower check
(`PRAGMA quick_check`) runs only after opening the file already failed, to tell damage from a
lock. Regular backups (`backup_if_due`) keep "the last backup" recent: once a day, off the UI
thread, verified, the newest few kept.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import make_url

from app.db.engine import SQLITE_BUSY_TIMEOUT_MS
from app.domain.errors import DatabaseUnavailable
from app.services.admin.sqlite_header import header_problem

DAILY_BACKUPS_KEPT = 5
DAILY = "daily"
_STAMP = "%Y%m%d-%H%M%S"
_SIDE_FILES = ("-wal", "-shm", "-journal")


@dataclass(frozen=True)
class Backup:
    path: Path
    taken: datetime  # local time, from the name the backup was given

    @property
    def when(self) -> str:
        return f"{self.taken:%d %b %Y %H:%M}".lstrip("0")


class LocalFileProblem(DatabaseUnavailable):
    """The local SQLite file cannot be used; `str()` is the one-line explanation."""

    def __init__(self, message: str, path: Path, backup: Backup | None) -> None:
        super().__init__(message)
        self.path = path
        self.backup = backup


class LocalFileDamaged(LocalFileProblem):
    """Not a database, or a malformed one. `aside` is where the damaged file will be kept."""

    def __init__(self, path: Path, reason: str, backup: Backup | None, aside: Path) -> None:
        if backup is not None:
            todo = (
                f"The last backup is {backup.path}, from {backup.when}. Restore it from the "
                "console or with `calmdesk db restore`; the damaged file is kept as "
                f"{aside.name}."
            )
        else:
            todo = (
                "There is no backup yet. Start with an empty database from the console (the "
                f"damaged file is kept as {aside.name}), or ask whoever looks after this "
                "computer to recover the file."
            )
        super().__init__(f"The database file {path} is damaged ({reason}). {todo}", path, backup)
        self.reason = reason
        self.aside = aside


class LocalFileLocked(LocalFileProblem):
    """Another program holds a lock on the file for longer than the busy timeout."""

    def __init__(self, path: Path, holder: str, backup: Backup | None) -> None:
        last = (
            f"The last backup is {backup.path}, from {backup.when}."
            if backup is not None
            else "There is no backup yet."
        )
        seconds = SQLITE_BUSY_TIMEOUT_MS // 1000
        super().__init__(
            f"The database file {path} is locked by {holder} and was not freed within "
            f"{seconds} seconds. Close that program (another Calmdesk, a database browser, or a "
            f"sync or backup tool), then try again. {last}",
            path,
            backup,
        )
        self.holder = holder


def sqlite_file(url: str) -> Path | None:
    """The file behind a SQLite URL; None for PostgreSQL, memory databases or bad URLs."""
    try:
        parsed = make_url(url)
    except Exception:  # a malformed URL is reported when the engine is made
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).expanduser()


# -- finding the problem -------------------------------------------------------------------


def diagnose(path: Path, error: str, backup_dir: Path, now: datetime) -> LocalFileProblem | None:
    """Why opening `path` failed with `error`, when the file itself is the reason."""
    if not path.is_file():
        return None
    lowered = error.lower()
    reason = header_problem(path)
    if reason is None and ("not a database" in lowered or "malformed" in lowered):
        reason = "SQLite reports it as malformed"
    if reason is None and "locked" not in lowered:
        reason, locked = _quick_check(path)
        if locked:
            lowered += " locked"
    if reason is not None:
        return LocalFileDamaged(
            path, reason, latest_backup(backup_dir, path), aside_path(path, now)
        )
    if "locked" in lowered or "busy" in lowered:
        return LocalFileLocked(path, lock_holder(path), latest_backup(backup_dir, path))
    return None


def _quick_check(path: Path) -> tuple[str | None, bool]:
    """(why the file is damaged, or None; whether it is locked). Only after opening failed."""
    try:
        with closing(
            sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True, timeout=0.5)
        ) as check:
            rows = check.execute("PRAGMA quick_check(3)").fetchall()
    except sqlite3.Error as exc:
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            return None, True
        if "not a database" in text or "malformed" in text:
            return "SQLite reports it as malformed", False
        return None, False
    if [row[0] for row in rows] != ["ok"]:
        return "SQLite's integrity check failed: " + "; ".join(str(r[0]) for r in rows), False
    return None, False


def lock_holder(path: Path) -> str:
    """Who holds the lock, where the system says (Linux's /proc/locks); else a general phrase."""
    try:
        stats = [p.stat() for p in (path, Path(f"{path}-shm")) if p.exists()]
        wanted = {f"{os.major(s.st_dev):02x}:{os.minor(s.st_dev):02x}:{s.st_ino}" for s in stats}
        lines = Path("/proc/locks").read_text().splitlines()
    except (OSError, AttributeError):  # no /proc (Windows, macOS) or no os.major
        return "another program"
    for line in lines:
        fields = line.split()
        if len(fields) >= 6 and fields[5] in wanted and fields[4].isdigit():
            pid = int(fields[4])
            if pid != os.getpid():
                return _describe_process(pid)
    return "another program"


def _describe_process(pid: int) -> str:
    try:
        name = Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return f"another program (process {pid})"
    return f"another program: {name} (process {pid})"


# -- backups -------------------------------------------------------------------------------


def _stamp_of(name: str, stem: str) -> datetime | None:
    match = re.fullmatch(rf"{re.escape(stem)}-(\d{{8}}-\d{{6}})(?:-\d+)?-.*\.sqlite3", name)
    if match is None:
        return None
    try:
        return datetime.strptime(match.group(1), _STAMP)
    except ValueError:
        return None


def backups_of(backup_dir: Path, db_path: Path, kind: str | None = None) -> list[Backup]:
    """The backups of `db_path` in `backup_dir`, newest first (`kind`: only e.g. daily ones)."""
    try:
        names = [p for p in backup_dir.iterdir() if p.is_file()]
    except OSError:
        return []
    found = []
    for candidate in names:
        taken = _stamp_of(candidate.name, db_path.stem)
        if taken is not None and (kind is None or candidate.stem.endswith(f"-{kind}")):
            found.append(Backup(candidate, taken))
    return sorted(found, key=lambda b: (b.taken, b.path.name), reverse=True)


def backup_from(path: Path) -> Backup:
    """A backup the user named: its date from its name when Calmdesk made it, else the file's."""
    try:
        taken = _stamp_of(path.name, path.name.split("-")[0]) or datetime.fromtimestamp(
            path.stat().st_mtime
        )
    except OSError as exc:
        raise DatabaseUnavailable(f"Cannot read the backup {path}: {exc.strerror}.") from None
    return Backup(path, taken)


def latest_backup(backup_dir: Path, db_path: Path) -> Backup | None:
    found = backups_of(backup_dir, db_path)
    return found[0] if found else None


def backup_name(db_path: Path, now: datetime, kind: str) -> str:
    return f"{db_path.stem}-{now.strftime(_STAMP)}-{kind}.sqlite3"


def backup_if_due(
    db_path: Path,
    backup_dir: Path,
    now: datetime,
    *,
    every: timedelta = timedelta(days=1),
    keep: int = DAILY_BACKUPS_KEPT,
) -> Path | None:
    """Copy the live file when the newest backup is older than `every` (or there is none).

    Uses SQLite's backup API (a consistent copy while the console writes, WAL included), then
    checks the copy with quick_check so a damaged file never becomes "the last backup". Keeps
    the newest `keep` daily backups; backups made before schema upgrades are left alone."""
    newest = latest_backup(backup_dir, db_path)
    if newest is not None and now - newest.taken < every:
        return None
    if not db_path.is_file() or header_problem(db_path) is not None:
        return None
    backup_dir.mkdir(parents=True, exist_ok=True)
    target = _free(backup_dir / backup_name(db_path, now, DAILY))
    partial = target.with_name(target.name + ".part")
    try:
        with (
            closing(sqlite3.connect(db_path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)) as source,
            closing(sqlite3.connect(partial)) as copy,
        ):
            source.backup(copy)
            ok = copy.execute("PRAGMA quick_check(1)").fetchone()
        if ok is None or ok[0] != "ok":
            partial.unlink(missing_ok=True)
            return None
        partial.replace(target)
    except sqlite3.Error:
        partial.unlink(missing_ok=True)
        raise
    for old in backups_of(backup_dir, db_path, DAILY)[keep:]:
        old.path.unlink(missing_ok=True)
    return target


# -- recovering ----------------------------------------------------------------------------


def aside_path(path: Path, now: datetime) -> Path:
    """Where the damaged file goes: beside it, named with the time, never over another file."""
    return _free(path.with_name(f"{path.stem}-damaged-{now.strftime(_STAMP)}{path.suffix}"))


def _free(path: Path) -> Path:
    candidate, number = path, 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
        number += 1
    return candidate


def move_aside(path: Path, aside: Path) -> Path:
    """Rename the damaged file (and its -wal / -shm companions) to `aside`; never deletes."""
    aside = _free(aside)
    try:
        path.replace(aside)
        for suffix in _SIDE_FILES:
            side = Path(f"{path}{suffix}")
            if side.exists():
                side.replace(Path(f"{aside}{suffix}"))
    except OSError as exc:
        raise DatabaseUnavailable(
            f"Calmdesk could not move {path} aside ({exc.strerror}). Close any program using "
            "it and try again."
        ) from None
    return aside


def restore_backup(path: Path, backup: Backup, aside: Path) -> Path | None:
    """Keep the damaged file as `aside`, then put a copy of `backup` in its place. Returns
    where the damaged file went (None when there was none). The backup stays where it is."""
    incoming = path.with_name(path.name + ".restoring")
    try:
        shutil.copyfile(backup.path, incoming)
    except OSError as exc:
        incoming.unlink(missing_ok=True)
        raise DatabaseUnavailable(
            f"Calmdesk could not read the backup {backup.path} ({exc.strerror})."
        ) from None
    moved = move_aside(path, aside) if path.exists() else None
    os.replace(incoming, path)
    return moved


def start_empty(path: Path, aside: Path) -> Path:
    """Keep the damaged file as `aside`; Calmdesk then creates a new, empty database."""
    return move_aside(path, aside)
