"""`calmdesk report`, run as a user runs it: a real subprocess on a private profile, over a small
CSV imported with `calmdesk import csv` whose figures are worked out below."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.app.test_cli import _assert_one_line_error, _run

# Default SLA: P1 resolves within 4 h, P3 within 24 h. Impact 1 x urgency 1 is P1; 2 x 2 is P3.
INCIDENTS = """\
number,title,opened,acknowledged,resolved,impact,urgency,team,status
INC0000001,Mail slow,2026-01-05 09:00,2026-01-05 09:10,2026-01-05 11:00,1,1,Service desk,resolved
INC0000002,VPN down,2026-01-05 10:00,2026-01-05 10:30,2026-01-05 16:00,1,1,Service desk,resolved
INC0000003,Printer,2026-01-06 09:00,2026-01-06 09:20,2026-01-07 08:00,2,2,Service desk,resolved
INC0000004,Laptop,2026-01-06 12:00,,,2,2,Service desk,in_progress
INC0000005,Switch,2026-01-06 09:00,,2026-01-06 10:00,2,2,Network,resolved
"""
MAPPING = {
    "name": "report test",
    "date_format": "%Y-%m-%d %H:%M",
    "fields": {
        "number": "number",
        "title": "title",
        "opened_at": "opened",
        "acknowledged_at": "acknowledged",
        "resolved_at": "resolved",
        "impact": "impact",
        "urgency": "urgency",
        "team": "team",
        "status": "status",
    },
}
RANGE = ("--from", "2026-01-05", "--to", "2026-01-07")


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private profile whose local file holds INCIDENTS, imported once for the module's
    tests: `calmdesk report` only reads it (the files it writes go next to the profile)."""
    home = tmp_path_factory.mktemp("imported") / "calmdesk-home"
    folder = home.parent / "source"
    folder.mkdir()
    (folder / "desk.csv").write_text(INCIDENTS, encoding="utf-8")
    (folder / "desk.json").write_text(json.dumps(MAPPING), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:  # as `calmdesk_home` does for each test
        patch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
        result = _run(
            home, "import", "csv", str(folder / "desk.csv"), "--mapping", str(folder / "desk.json")
        )
    assert result.returncode == 0, result.stderr
    assert "5 incidents created" in result.stdout
    return home


def test_the_report_prints_each_table_for_the_team_and_range(imported: Path) -> None:
    result = _run(imported, "report", *RANGE, "--team", "service DESK")
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert text.startswith("Supervisor report, 2026-01-05 to 2026-01-07 (UTC days), Service desk\n")
    # MTTA over INC1-3: (10 + 30 + 20) / 3 min; SLA: INC2 took 6 h of its 4 h.
    for line in (
        "Incidents resolved      3",
        "MTTA (minutes)       20.0",
        "SLA met %            66.7",
        "Reopen rate %         0.0",
        "2026-01-05       2         2",
        "2026-01-06       2         0",
        "2026-01-07       0         1",
        "P1               2         4.0             50.0",
        "P3               1        23.0            100.0",
        "1-3 days         1",
    ):
        assert line in text.splitlines(), line
    assert "Major incidents\n---------------\n" in text
    assert "(none)" in text  # no major incident in the range


def test_the_report_as_csv_and_json_files(imported: Path) -> None:
    out = imported.parent / "reports" / "by-priority.csv"
    written = _run(imported, "report", *RANGE, "--table", "by-priority", "--format", "csv",
                   "--out", str(out))  # fmt: skip
    assert written.returncode == 0, written.stderr
    assert written.stdout.strip() == (
        f"Wrote the by-priority table of the supervisor report (2026-01-05 to 2026-01-07) to {out}"
    )
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    # All teams: INC5 (Network, P3, 1 h) joins INC3 (23 h) -> 12 h mean.
    assert rows == [
        ["priority", "resolved", "mttr_hours", "sla_met_percent"],
        ["P1", "2", "4.0", "50.0"],
        ["P3", "2", "12.0", "100.0"],
    ]
    as_json = _run(imported, "report", *RANGE, "--team", "Network", "--format", "json")
    assert as_json.returncode == 0, as_json.stderr
    document = json.loads(as_json.stdout)
    assert (document["from"], document["to"], document["team"]) == (
        "2026-01-05", "2026-01-07", "Network",
    )  # fmt: skip
    assert list(document["tables"]) == ["summary", "per-day", "by-priority", "backlog", "majors"]
    assert document["tables"]["by-priority"]["rows"] == [
        {"priority": "P3", "resolved": 1, "mttr_hours": 1.0, "sla_met_percent": 100.0}
    ]
    every = _run(imported, "report", *RANGE, "--format", "csv")
    sections = every.stdout.split("\n\n")
    assert [s.splitlines()[0] for s in sections] == [
        "Summary",
        "Opened and resolved per day",
        "MTTR and SLA by priority",
        "Backlog age at the end of the range",
        "Major incidents",
    ]


def test_mistakes_get_one_line_that_says_what_to_do(imported: Path) -> None:
    cases = [
        (("--from", "2026-13-01"), "--from '2026-13-01' is not a date: write it as YYYY-MM-DD"),
        (("--to", "yesterday"), "--to 'yesterday' is not a date"),
        (("--from", "2026-02-01", "--to", "2026-01-01"), "is after --to 2026-01-01: swap them"),
        (("--team", "Nobody"), "There is no team 'Nobody'. The teams are: Network, Service desk."),
        (("--out", str(imported)), f"Cannot write {imported}"),
    ]
    for args, message in cases:
        line = _assert_one_line_error(_run(imported, "report", *args))
        assert message in line, line


def test_an_unreachable_database_is_one_line(calmdesk_home: Path) -> None:
    url = "postgresql://agent:s3cret-pw@127.0.0.1:1/calmdesk"
    line = _assert_one_line_error(_run(calmdesk_home, "--db", url, "report"))
    assert "s3cret-pw" not in line


def test_a_file_that_is_not_a_database_is_one_line(calmdesk_home: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.sqlite3"
    notes.write_text("these are my notes, not a database\n", encoding="utf-8")
    line = _assert_one_line_error(
        _run(calmdesk_home, "--db", f"sqlite:///{notes.as_posix()}", "report")
    )
    assert "notes.sqlite3" in line
