"""Test connection: reachable, signed in, the schema against this build, and who you will be."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from sqlalchemy import make_url, text

from app.db.engine import open_database
from app.db.migrate import head_revision, upgrade
from app.domain.roles import Role
from app.services.admin.connection_probe import probe
from tests.helpers import PG_ADMIN_URL, TeamServer


def test_a_new_local_file_is_ready_and_you_become_its_admin(tmp_path: Path) -> None:
    result = probe(f"sqlite:///{(tmp_path / 'new.sqlite3').as_posix()}", None, "alice")
    assert result.ok
    assert result.role == Role.ADMIN
    assert any("new file" in line for line in result.lines)


def test_an_unreachable_server_is_not_reachable() -> None:
    result = probe("postgresql://nobody@127.0.0.1:1/none", "pw-not-shown", "alice")
    assert (result.reachable, result.ok) == (False, False)
    assert "Cannot reach" in result.summary
    assert "pw-not-shown" not in " ".join(result.lines)


def test_a_newer_schema_is_refused(sqlite_url: str) -> None:
    db = open_database(sqlite_url)
    upgrade(db)
    with db.write() as session:
        session.execute(text("UPDATE alembic_version SET version_num = 'f00d'"))
    db.dispose()
    result = probe(sqlite_url, None, "alice")
    assert not result.ok
    assert "newer than this Calmdesk" in result.summary


@pytest.mark.postgres
def test_an_agent_login_sees_its_schema_and_role(team_server: TeamServer) -> None:
    login = team_server.add_login("pat", Role.AGENT, display="Pat Agent")
    result = probe(team_server.url_for(login), None, "unused")
    assert result.ok, result.lines
    assert result.role == Role.AGENT
    assert f"✓ Schema {head_revision()}, the same as this Calmdesk" in result.lines
    assert "✓ You are Pat Agent (agent)" in result.lines


@pytest.mark.postgres
def test_a_login_that_is_no_agent_is_told_what_to_ask_for(team_server: TeamServer) -> None:
    login = f"{team_server.prefix}nobody"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{login}" LOGIN IN ROLE calmdesk_agent')
    result = probe(team_server.url_for(login), None, "unused")
    assert result.role is None
    assert "add-agent --login" in result.summary


@pytest.mark.postgres
def test_a_wrong_database_name_says_so(postgres_url: str) -> None:
    url = make_url(postgres_url).set(database="calmdesk_no_such_db")
    result = probe(url.render_as_string(hide_password=False), None, "alice")
    assert not result.ok
    assert "does not exist" in result.summary
