"""The headless commands, run as a user runs them: in a real subprocess, with a private profile."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import __version__

CONSOLE_SCRIPT = Path(sys.executable).with_name("calmdesk")


def _run(
    home: Path, *args: str, program: tuple[str, ...] = (sys.executable, "-m", "app.cli")
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALMDESK_")}
    env["CALMDESK_HOME"] = str(home)
    return subprocess.run(
        [*program, *args],
        cwd=home.parent,  # anywhere but the project: migrations and runbooks ship in the package
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _assert_one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("calmdesk: ")
    return lines[0]


def _demo(home: Path, *db: str) -> None:
    demo = _run(home, "demo", *db)
    assert demo.returncode == 0, demo.stderr
    assert "204 incidents" in demo.stdout


def _export(home: Path, *db: str) -> list[dict[str, str]]:
    out = home.parent / "export" / "incidents.csv"
    export = _run(home, "export", "incidents", "--format", "csv", "--out", str(out), *db)
    assert export.returncode == 0, export.stderr
    assert export.stdout.strip() == f"Exported 204 incidents to {out}"
    with out.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def _assert_is_the_sample(rows: list[dict[str, str]]) -> None:
    assert 200 <= len(rows) <= 210
    majors = [row for row in rows if row["major"] == "yes"]
    assert len(majors) == 1
    assert majors[0]["service"] == "Email"
    assert majors[0]["calls"] == "30"
    assert majors[0]["status"] in {"New", "In progress", "On hold"}


def test_version_is_printed(calmdesk_home: Path) -> None:
    result = _run(calmdesk_home, "--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"calmdesk {__version__}"


def test_the_installed_console_script_prints_the_version(calmdesk_home: Path) -> None:
    assert CONSOLE_SCRIPT.is_file(), f"{CONSOLE_SCRIPT} is missing: reinstall with pip install -e ."
    result = _run(calmdesk_home, "--version", program=(str(CONSOLE_SCRIPT),))
    assert result.returncode == 0
    assert result.stdout.strip() == f"calmdesk {__version__}"


def test_no_command_explains_itself(calmdesk_home: Path) -> None:
    result = _run(calmdesk_home)
    assert result.returncode == 2
    assert "give a command" in result.stderr


def test_db_upgrade_twice_says_up_to_date_the_second_time(calmdesk_home: Path) -> None:
    first = _run(calmdesk_home, "db", "upgrade")
    second = _run(calmdesk_home, "db", "upgrade")
    assert first.returncode == second.returncode == 0
    database = calmdesk_home / "data" / "calmdesk.sqlite3"
    assert first.stdout.strip().startswith(f"local file {database}: upgraded schema empty -> ")
    assert second.stdout.strip().endswith("is up to date")
    assert database.is_file()
    assert not (calmdesk_home / "data" / "backups").exists()  # nothing to back up yet


def test_db_status_reports_the_schema(calmdesk_home: Path) -> None:
    before = _assert_one_line_error(_run(calmdesk_home, "db", "status"))
    _run(calmdesk_home, "db", "upgrade")
    after = _run(calmdesk_home, "db", "status")
    assert "no Calmdesk database here" in before
    assert after.stdout.strip().endswith("(up to date)")


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private profile whose local file `calmdesk demo` filled, once for the tests below: they
    only read it, or are refused (the sample is ~1,000 transactions)."""
    home = tmp_path_factory.mktemp("demo") / "calmdesk-home"
    with pytest.MonkeyPatch.context() as patch:  # as `calmdesk_home` does for each test
        patch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
        _demo(home)
    return home


def test_demo_then_export_gives_the_sample_back(demo_home: Path) -> None:
    _assert_is_the_sample(_export(demo_home))


def test_demo_twice_is_refused_in_one_line(demo_home: Path) -> None:
    line = _assert_one_line_error(_run(demo_home, "demo"))
    assert "already holds 204 incidents" in line
    assert "--force" in line


@pytest.mark.parametrize(
    "url",
    [
        "this is not a url",
        "mysql://agent:s3cret-pw@db.example.com/calmdesk",
        "postgresql://agent:s3cret-pw@db.example.com:port/calmdesk",
        "postgresql://agent:s3cret-pw@127.0.0.1:1/calmdesk",
    ],
)
def test_a_bad_database_url_is_one_line_without_a_traceback(calmdesk_home: Path, url: str) -> None:
    line = _assert_one_line_error(_run(calmdesk_home, "--db", url, "db", "upgrade"))
    assert "s3cret-pw" not in line


def test_the_database_url_can_come_from_the_environment(
    calmdesk_home: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "team" / "desk.sqlite3"
    elsewhere.parent.mkdir()
    env_url = f"sqlite:///{elsewhere.as_posix()}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALMDESK_")}
    env |= {"CALMDESK_HOME": str(calmdesk_home), "CALMDESK_DB_URL": env_url}
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "db", "upgrade"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert elsewhere.is_file()
    assert not (calmdesk_home / "data" / "calmdesk.sqlite3").exists()


@pytest.mark.postgres
def test_demo_then_export_round_trip_on_postgresql(calmdesk_home: Path, postgres_url: str) -> None:
    upgraded = _run(calmdesk_home, "db", "upgrade", "--db", postgres_url)
    assert upgraded.returncode == 0, upgraded.stderr
    assert upgraded.stdout.startswith("PostgreSQL ")
    _demo(calmdesk_home, "--db", postgres_url)
    _assert_is_the_sample(_export(calmdesk_home, "--db", postgres_url))
    again = _run(calmdesk_home, "demo", "--db", postgres_url)
    assert "already holds 204 incidents" in _assert_one_line_error(again)
    assert not (calmdesk_home / "data" / "calmdesk.sqlite3").exists()


@pytest.mark.parametrize(
    "command",
    [
        ("export", "incidents", "--format", "csv", "--out", "OUT/incidents.csv"),
        ("export", "calls", "--format", "csv", "--out", "OUT/calls.csv"),
        ("report",),
        ("db", "status"),
    ],
)
def test_a_command_that_only_reads_creates_nothing_at_a_mistyped_path(
    calmdesk_home: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    missing = tmp_path / "desk.sqlite3"
    out = tmp_path / "out"
    args = [a.replace("OUT", str(out)) for a in command]
    line = _assert_one_line_error(_run(calmdesk_home, "--db", f"sqlite:///{missing}", *args))
    assert line == (
        f"calmdesk: {missing}: no Calmdesk database here. "
        "Check the path (--db or CALMDESK_DB_URL); nothing was created."
    )
    assert not missing.exists()
    assert not out.exists()


@pytest.mark.parametrize(
    "command", [("db", "upgrade"), ("demo",), ("export", "incidents", "--out", "x.csv")]
)
def test_a_database_path_in_a_folder_that_does_not_exist_is_refused(
    calmdesk_home: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    folder = tmp_path / "nonexistent-dir" / "x"
    url = f"sqlite:///{folder / 'y.db'}"
    line = _assert_one_line_error(_run(calmdesk_home, "--db", url, *command))
    assert str(folder) in line
    assert not (tmp_path / "nonexistent-dir").exists()


def test_the_default_database_gets_its_own_folder(calmdesk_home: Path) -> None:
    result = _run(calmdesk_home, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    assert (calmdesk_home / "data" / "calmdesk.sqlite3").is_file()
