"""Huge and hostile import files: refused or imported with a clear message (file, line, what is
wrong), in bounded memory, and never half an import: run again, it completes without duplicates."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.adapters.import_files import MAX_LINE
from app.db.engine import Database, open_database
from app.db.migrate import upgrade
from app.db.models import Incident, TimelineEvent
from app.services.context import ServiceContext
from app.services.errors import InvalidInput
from app.services.imports.commands import import_servicenow
from tests.helpers import DATA_DIR, FIXTURES_DIR

FIFTY = FIXTURES_DIR / "servicenow_first50.csv"
FULL = DATA_DIR / "uci498_incident_event_log.csv.xz"


def _lines() -> list[str]:
    return FIFTY.read_text(encoding="utf-8").splitlines(keepends=True)


def _counts(ctx: ServiceContext) -> tuple[int, int]:
    with ctx.db.read() as session:
        incidents = session.scalar(select(func.count(Incident.id))) or 0
        events = session.scalar(select(func.count(TimelineEvent.id))) or 0
    return int(incidents), int(events)


def _refused(ctx: ServiceContext, path: Path, says: str) -> None:
    with pytest.raises(InvalidInput, match=says):
        import_servicenow(ctx, path)
    assert _counts(ctx) == (0, 0)


def test_a_100_mb_field_is_refused_naming_the_line(ctx: ServiceContext, tmp_path: Path) -> None:
    lines = _lines()
    path = tmp_path / "huge-field.csv"
    with path.open("w", encoding="utf-8") as out:
        out.writelines(lines[:5])
        out.write('INC0000999,"' + "x" * (100 * 1024 * 1024) + '"\n')
        out.writelines(lines[5:])
    _refused(ctx, path, rf"huge-field.csv, line 6: the line is longer than {MAX_LINE // 1024} KB")


def test_text_that_is_not_utf8_is_refused_naming_the_line(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    text = "".join(_lines()[:12]).replace("Caller 2403", "Café Müller", 1)
    path = tmp_path / "latin1.csv"
    path.write_bytes(text.encode("latin-1"))
    line = 1 + next(n for n, row in enumerate(_lines()) if "Caller 2403" in row)
    _refused(ctx, path, rf"latin1.csv, line {line}: byte 0xe9 is not UTF-8 text")


def test_binary_data_is_refused(ctx: ServiceContext, tmp_path: Path) -> None:
    path = tmp_path / "workbook.csv"  # an Excel workbook renamed: a zip archive
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00b\xee\x9dh^\x01\n")
    _refused(ctx, path, "workbook.csv, line 1: it holds binary data")


def test_a_file_cut_short_in_the_middle_of_a_row_imports_nothing(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    lines = _lines()
    path = tmp_path / "cut.csv"
    path.write_text("".join(lines[:30]) + lines[30][:60], encoding="utf-8")
    _refused(ctx, path, "cut.csv, line 31: the file ends in the middle of a row")
    path.write_text("".join(lines), encoding="utf-8")  # the whole file, copied again
    report = import_servicenow(ctx, path)
    assert report.incidents_created == 50
    assert _counts(ctx)[0] == 50


def test_a_last_line_without_its_end_is_still_a_whole_row(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    path = tmp_path / "no-final-newline.csv"
    path.write_text("".join(_lines()).rstrip("\n"), encoding="utf-8")
    assert import_servicenow(ctx, path).incidents_created == 50


def _import_command(home: Path, url: str, path: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALMDESK_")}
    env["CALMDESK_HOME"] = str(home)
    return subprocess.Popen(
        [sys.executable, "-m", "app.cli", "--db", url, "import", "servicenow", str(path)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_an_import_killed_half_way_leaves_nothing_and_runs_again_whole(
    tmp_path: Path, calmdesk_home: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    db = open_database(url)
    try:
        upgrade(db)
        running = _import_command(calmdesk_home, url, FULL)
        assert running.stderr is not None
        # "Importing …% " lines go to stderr between batches, inside the import's transaction.
        line = running.stderr.readline()
        assert line.startswith("Importing uci498"), line
        running.send_signal(signal.SIGKILL)
        running.communicate(timeout=60)  # reaps it and closes its pipes
        assert running.returncode == -signal.SIGKILL
        assert _database_counts(db) == (0, 0), "a killed import left part of its work behind"
        again = _import_command(calmdesk_home, url, FULL)
        _, err = again.communicate(timeout=600)
        assert again.returncode == 0, err
        assert _database_counts(db)[0] == 24_918
    finally:
        db.dispose()


def _database_counts(db: Database) -> tuple[int, int]:
    with db.read() as session:
        incidents = session.scalar(select(func.count(Incident.id))) or 0
        events = session.scalar(select(func.count(TimelineEvent.id))) or 0
    return int(incidents), int(events)
