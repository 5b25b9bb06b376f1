"""Setting up a team server from the command line, as an administrator would: init-postgres,
add-agent (with a password typed at the prompt), and the agent's own first sign-in."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import make_url

from app.db.engine import open_database
from app.domain.roles import Role
from app.services.admin.identity import identify
from tests.helpers import PG_ADMIN_URL

pytestmark = pytest.mark.postgres


def _calmdesk(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALMDESK_")}
    env["CALMDESK_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        cwd=home.parent,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def login_prefix() -> Iterator[str]:
    prefix = f"cli{uuid.uuid4().hex[:8]}_"
    yield prefix
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        for (role,) in admin.execute(
            "SELECT rolname FROM pg_roles WHERE rolname LIKE %s", (f"{prefix}%",)
        ).fetchall():
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s",
                (role,),
            )
            admin.execute(f'DROP ROLE IF EXISTS "{role}"')


def test_init_postgres_then_add_agent_gives_a_working_least_privilege_login(
    postgres_url: str, calmdesk_home: Path, login_prefix: str
) -> None:
    ready = _calmdesk(calmdesk_home, "db", "init-postgres", "--db", postgres_url)
    assert ready.returncode == 0, ready.stderr
    assert "calmdesk_agent, calmdesk_supervisor, calmdesk_admin" in ready.stdout
    assert "append-only" in ready.stdout

    login = f"{login_prefix}sam"
    added = _calmdesk(
        calmdesk_home,
        "db",
        "add-agent",
        "--db",
        postgres_url,
        "--login",
        login,
        "--name",
        "Sam Okafor",
        "--role",
        "supervisor",
        "--password-prompt",
        stdin="S3cret-pass\nS3cret-pass\n",
    )
    assert added.returncode == 0, added.stderr
    assert f"Added Sam Okafor ({login}, supervisor)" in added.stdout
    assert "S3cret-pass" not in added.stdout + added.stderr

    as_sam = open_database(make_url(postgres_url).set(username=login))
    try:
        actor = identify(as_sam, "unused")
    finally:
        as_sam.dispose()
    assert (actor.login, actor.name, actor.role) == (login, "Sam Okafor", Role.SUPERVISOR)

    upgraded = _calmdesk(calmdesk_home, "db", "upgrade", "--db", postgres_url)
    assert upgraded.returncode == 0, upgraded.stderr
    assert "grants checked on" in upgraded.stdout


def test_mismatched_passwords_change_nothing(
    postgres_url: str, calmdesk_home: Path, login_prefix: str
) -> None:
    assert _calmdesk(calmdesk_home, "db", "init-postgres", "--db", postgres_url).returncode == 0
    result = _calmdesk(
        calmdesk_home,
        *("db", "add-agent", "--db", postgres_url, "--login", f"{login_prefix}x"),
        *("--name", "X", "--password-prompt"),
        stdin="one\ntwo\n",
    )
    assert result.returncode == 1
    assert "differ" in result.stderr
    with psycopg.connect(PG_ADMIN_URL) as admin:
        found = admin.execute(
            "SELECT count(*) FROM pg_roles WHERE rolname = %s", (f"{login_prefix}x",)
        ).fetchone()
    assert found == (0,)


def test_init_postgres_refuses_a_sqlite_file(tmp_path: Path, calmdesk_home: Path) -> None:
    url = f"sqlite:///{(tmp_path / 'x.sqlite3').as_posix()}"
    result = _calmdesk(calmdesk_home, "db", "init-postgres", "--db", url)
    assert result.returncode == 1
    assert "not a PostgreSQL database" in result.stderr
    assert "Traceback" not in result.stderr
