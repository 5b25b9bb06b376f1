"""Crash reports: named by time, one per burst of errors, and never holding a secret."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app import __version__
from app.adapters.crash_report import (
    REPORTS_KEPT,
    CrashContext,
    CrashReports,
    database_summary,
    redact,
    secrets_in,
)

SECRET = "Hunter2-planted-secret"
TEAM_URL = f"postgresql://agent:{SECRET}@db.example.com:5432/calmdesk"


class _Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 1, 5, 9, 0, 0)

    def __call__(self) -> datetime:
        return self.now


def _raised(message: str) -> BaseException:
    try:
        raise RuntimeError(message)
    except RuntimeError as error:
        return error


def _reports(folder: Path, clock: _Clock) -> CrashReports:
    context = CrashContext(
        version=__version__,
        database=database_summary(TEAM_URL),
        qt="6.x (test)",
        secrets=secrets_in(TEAM_URL),
    )
    return CrashReports(folder, context, now=clock)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (f"postgresql+psycopg://agent:{SECRET}@db:5432/calmdesk", "postgresql+psycopg://agent:"),
        (f"connect(host='db', password='{SECRET}')", "host='db'"),
        (f"host=db password={SECRET} user=agent", "user=agent"),
        (f'{{"password": "{SECRET}", "port": 5432}}', '"port": 5432'),
        (f"Authorization: Bearer {SECRET}", "Authorization: Bearer "),
        (f"{{'Authorization': 'Basic {SECRET}'}}", "'Authorization': 'Basic "),
        (f"POST https://hooks.slack.com/services/T01/B02/{SECRET} failed", "hooks.slack.com/"),
        (f"https://x.logic.azure.com:443/workflows/1/run?api-version=1&sig={SECRET}", "azure"),
    ],
)
def test_redaction_hides_every_kind_of_secret(text: str, kept: str) -> None:
    redacted = redact(text)
    assert SECRET not in redacted
    assert "***" in redacted
    assert kept in redacted


def test_a_named_secret_is_hidden_wherever_it_appears() -> None:
    assert redact(f"the value {SECRET} was refused", [SECRET]) == "the value *** was refused"


def test_the_database_summary_names_the_backend_but_not_the_password() -> None:
    summary = database_summary(TEAM_URL)
    assert summary == "postgresql: PostgreSQL calmdesk on db.example.com:5432"
    assert database_summary("not a url").startswith("unknown")
    assert secrets_in(TEAM_URL) == (SECRET,)
    assert secrets_in("sqlite:////tmp/x.sqlite3") == ()


def test_a_report_holds_version_platform_database_and_traceback_but_no_secret(
    tmp_path: Path,
) -> None:
    recorded = _reports(tmp_path, _Clock()).record(_raised(f"login failed for {TEAM_URL}"))
    assert recorded.new_burst
    assert recorded.path == tmp_path / "crash-20260105-090000.txt"
    text = recorded.path.read_text(encoding="utf-8")
    assert f"Version:   {__version__}" in text
    assert "Python:" in text
    assert "Qt:        6.x (test)" in text
    assert "Database:  postgresql: PostgreSQL calmdesk on db.example.com:5432" in text
    assert "Traceback (most recent call last)" in text
    assert "RuntimeError: login failed for postgresql://agent:***@db.example.com" in text
    assert SECRET not in text


def test_errors_in_a_burst_share_one_report_and_a_later_one_starts_another(
    tmp_path: Path,
) -> None:
    clock = _Clock()
    reports = _reports(tmp_path, clock)
    first = reports.record(_raised("first"))
    clock.now += timedelta(seconds=5)
    second = reports.record(_raised("second"))
    assert second.path == first.path
    assert not second.new_burst
    assert "RuntimeError: second" in first.path.read_text(encoding="utf-8")

    clock.now += timedelta(minutes=5)
    later = reports.record(_raised("later"))
    assert later.new_burst
    assert later.path != first.path


def test_two_bursts_in_the_same_second_get_two_files_and_old_reports_are_pruned(
    tmp_path: Path,
) -> None:
    for day in range(REPORTS_KEPT + 3):
        (tmp_path / f"crash-202501{day + 1:02d}-080000.txt").write_text("old")
    (tmp_path / "crash-20260105-090000.txt").write_text("another burst, same second")
    recorded = _reports(tmp_path, _Clock()).record(_raised("boom"))
    assert recorded.path.name == "crash-20260105-090000-2.txt"
    kept = sorted(p.name for p in tmp_path.glob("crash-*.txt"))
    assert len(kept) == REPORTS_KEPT
    assert "crash-20250101-080000.txt" not in kept
