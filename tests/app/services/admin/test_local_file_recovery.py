"""A damaged or locked local SQLite file: real files, real locks, real messages that name the last
backup; restoring keeps the damaged file aside; the CLI says the same."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest

from app.bootstrap import start
from app.services.admin.local_file_recovery import (
    LocalFileDamaged,
    LocalFileLocked,
    backup_if_due,
    backups_of,
    header_problem,
    latest_backup,
    restore_backup,
    start_empty,
)
from tests.local_files import (  # noqa: F401  (fixtures)
    NOW,
    Locker,
    count_incidents,
    damage,
    local_database,
    short_busy_timeout,
)


def test_a_garbage_file_is_named_with_the_last_backup_and_what_to_do(tmp_path: Path) -> None:
    settings, file = local_database(3)
    backup = backup_if_due(file, settings.backup_dir, NOW)
    assert backup is not None
    damage(file)

    with pytest.raises(LocalFileDamaged) as raised:
        start(settings)
    message = str(raised.value)
    assert len(message.splitlines()) == 1
    assert f"The database file {file} is damaged (it is not a SQLite database file)" in message
    assert f"The last backup is {backup}, from 5 Jan 2026 09:00" in message
    assert "calmdesk db restore" in message
    assert raised.value.aside.parent == file.parent
    assert raised.value.aside.name.startswith("calmdesk-damaged-")


def test_a_database_cut_off_mid_page_is_caught_before_sqlite_reads_it() -> None:
    settings, file = local_database(20)
    size = file.stat().st_size
    with file.open("r+b") as handle:
        handle.truncate(size // 2 + 1000)  # not on a page boundary
    assert header_problem(file) == "the file is shorter than its header says: it was cut off"
    with pytest.raises(LocalFileDamaged, match="There is no backup yet"):
        start(settings)

    with file.open("r+b") as handle:  # cut on a page boundary: the header still tells
        handle.truncate(4096 * 3)
    assert header_problem(file) is not None


def test_a_healthy_file_passes_the_header_check_and_an_empty_one_is_new() -> None:
    _settings, file = local_database(1)
    assert header_problem(file) is None
    empty = file.with_name("new.sqlite3")
    empty.write_bytes(b"")
    assert header_problem(empty) is None


def test_a_file_with_an_unfinished_write_ahead_log_is_left_to_sqlite() -> None:
    """A crash mid-checkpoint can leave the header ahead of the file; the WAL completes it."""
    _settings, file = local_database(1)
    with closing(sqlite3.connect(file)) as writer:
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        writer.execute("CREATE TABLE scratch (x)")
        writer.executemany("INSERT INTO scratch VALUES (?)", [(b"x" * 500,)] * 200)
        writer.commit()
        assert Path(f"{file}-wal").stat().st_size > 0
        with file.open("r+b") as handle:
            handle.truncate(file.stat().st_size - 100)
        assert header_problem(file) is None


def test_restoring_keeps_the_damaged_file_aside_and_opens_the_backups_data() -> None:
    settings, file = local_database(3)
    backup_if_due(file, settings.backup_dir, NOW)
    garbage = damage(file)
    with pytest.raises(LocalFileDamaged) as raised:
        start(settings)
    problem = raised.value
    assert problem.backup is not None

    kept = restore_backup(file, problem.backup, problem.aside)

    assert kept == problem.aside
    assert kept.read_bytes() == garbage  # never deleted
    assert problem.backup.path.exists()  # the backup stays a backup
    assert count_incidents(settings) == 3


def test_starting_empty_keeps_the_damaged_file_aside() -> None:
    settings, file = local_database(3)
    garbage = damage(file)
    with pytest.raises(LocalFileDamaged) as raised:
        start(settings)
    kept = start_empty(file, raised.value.aside)
    assert kept.read_bytes() == garbage
    assert count_incidents(settings) == 0


@pytest.mark.usefixtures("short_busy_timeout")
def test_a_file_locked_by_another_process_says_so_and_names_the_holder() -> None:
    settings, file = local_database(2)
    locker = Locker(file)
    try:
        with pytest.raises(LocalFileLocked) as raised:
            start(settings)
    finally:
        locker.release()
    message = str(raised.value)
    assert f"The database file {file} is locked by another program" in message
    assert "then try again" in message
    assert "There is no backup yet" in message
    if Path("/proc/locks").exists():
        assert f"(process {locker.process.pid})" in message
    assert count_incidents(settings) == 2  # and once it is free, it opens


def test_daily_backups_are_verified_copies_and_only_the_newest_five_are_kept() -> None:
    settings, file = local_database(2)
    made = []
    for day in range(7):
        made.append(backup_if_due(file, settings.backup_dir, NOW + timedelta(days=day)))
    assert all(made)
    assert backup_if_due(file, settings.backup_dir, NOW + timedelta(days=6, hours=2)) is None
    kept = backups_of(settings.backup_dir, file)
    assert [b.taken.day for b in kept] == [11, 10, 9, 8, 7]
    newest = latest_backup(settings.backup_dir, file)
    assert newest is not None
    assert newest.path == made[-1]

    damage(file)  # a damaged file never becomes "the last backup"
    assert backup_if_due(file, settings.backup_dir, NOW + timedelta(days=9)) is None


def _cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, CALMDESK_HOME=str(home))
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_cli_explains_a_damaged_file_and_restores_the_last_backup(
    calmdesk_home: Path,
) -> None:
    settings, file = local_database(4)
    backup = backup_if_due(file, settings.backup_dir, NOW)
    garbage = damage(file)

    status = _cli("db", "status", home=calmdesk_home)
    assert status.returncode == 1
    assert status.stderr.startswith(f"calmdesk: The database file {file} is damaged")
    assert f"The last backup is {backup}" in status.stderr
    assert len(status.stderr.strip().splitlines()) == 1
    assert "Traceback" not in status.stderr

    restored = _cli("db", "restore", home=calmdesk_home)
    assert restored.returncode == 0, restored.stderr
    assert f"Restored {file} from {backup}" in restored.stdout
    kept = [p for p in file.parent.glob("calmdesk-damaged-*.sqlite3")]
    assert len(kept) == 1
    assert kept[0].read_bytes() == garbage

    status = _cli("db", "status", home=calmdesk_home)
    assert status.returncode == 0, status.stderr
    assert "up to date" in status.stdout
    assert count_incidents(settings) == 4
