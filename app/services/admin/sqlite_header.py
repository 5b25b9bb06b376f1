"""Whether a file looks like an intact SQLite database, from its first 100 bytes: checked before
SQLite opens it (a cut-off file may otherwise open and fail much later). Free of SQLAlchemy, so
the console's first screen (app/services/first_screen) checks the file the same way."""

from __future__ import annotations

from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"


def header_problem(path: Path) -> str | None:
    """What is wrong with the file's header, from a 100-byte read; None when it looks right.
    Catches a file that is not SQLite at all and one cut short (a truncated copy)."""
    try:
        size = path.stat().st_size
        with path.open("rb") as file:
            header = file.read(100)
    except OSError:
        return None  # missing or unreadable: SQLite creates it or says why
    if size == 0:
        return None  # an empty file is a new, empty database
    if len(header) < 100 or not header.startswith(SQLITE_HEADER):
        return "it is not a SQLite database file"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The page count in the header is valid only when its "version valid for" matches the
    # change counter (files written by very old SQLite versions leave it stale).
    counted = header[24:28] == header[92:96] and pages > 0
    if page_size < 512 or page_size & (page_size - 1):
        return "its header is damaged"
    if _has_hot_log(path):
        return None  # SQLite finishes (or undoes) an interrupted write from the log first
    if size % page_size or (counted and size < pages * page_size):
        return "the file is shorter than its header says: it was cut off"
    return None


def _has_hot_log(path: Path) -> bool:
    for suffix in ("-wal", "-journal"):
        try:
            if Path(f"{path}{suffix}").stat().st_size > 0:
                return True
        except OSError:
            continue
    return False
