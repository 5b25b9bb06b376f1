"""Opening databases: SQLite in WAL mode with foreign keys on, and every way of failing to reach a
database turned into one readable line that never shows the password."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import make_url, select, text
from sqlalchemy.exc import IntegrityError

from app.bootstrap import connect
from app.db.engine import (
    SQLITE_BUSY_TIMEOUT_MS,
    SQLITE_CACHE_KIB,
    Database,
    check_connection,
    describe,
    open_database,
    parse_url,
)
from app.db.models import Team
from app.domain.errors import DatabaseUnavailable
from app.settings import load_settings

PASSWORD = "s3cret-pw"


def _refusal(url: str) -> str:
    """The message a user sees when Calmdesk cannot use `url`."""

    def attempt() -> None:
        db = open_database(url)
        try:
            check_connection(db)
        finally:
            db.dispose()

    with pytest.raises(DatabaseUnavailable) as refused:
        attempt()
    return str(refused.value)


def _assert_one_clean_line(message: str) -> None:
    assert message.strip()
    assert "\n" not in message
    assert PASSWORD not in message
    assert "Traceback" not in message


def _wrong(postgres_url: str, *, database: str | None = None, user: str | None = None) -> str:
    """The test server's URL with the password set and the database or user name replaced."""
    url = make_url(postgres_url).set(password=PASSWORD)
    url = url.set(database=database or url.database, username=user or url.username)
    return url.render_as_string(hide_password=False)


def test_sqlite_runs_in_wal_mode_with_foreign_keys_on_and_a_small_page_cache(
    sqlite_url: str,
) -> None:
    db = open_database(sqlite_url)
    try:
        with db.engine.connect() as connection:
            settings = {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "foreign_keys", "busy_timeout", "cache_size")
            }
    finally:
        db.dispose()
    assert settings == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "busy_timeout": SQLITE_BUSY_TIMEOUT_MS,
        "cache_size": -SQLITE_CACHE_KIB,  # KiB per connection (negative: a size, not pages)
    }


def test_the_sqlite_file_is_created_on_first_use_in_a_folder_that_exists(tmp_path: Path) -> None:
    path = tmp_path / "calmdesk.sqlite3"
    db = open_database(f"sqlite:///{path.as_posix()}")
    try:
        check_connection(db)
    finally:
        db.dispose()
    assert path.is_file()


def test_a_sqlite_file_in_a_folder_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "nonexistent-dir" / "x" / "calmdesk.sqlite3"
    with pytest.raises(DatabaseUnavailable, match="there is no such folder"):
        open_database(f"sqlite:///{path.as_posix()}")
    assert not (tmp_path / "nonexistent-dir").exists()


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(IntegrityError), db.write() as session:
        session.execute(
            text(
                "INSERT INTO agents (login, name, role, active, team_id) "
                "VALUES ('x', 'X', 'agent', true, 999)"
            )
        )
    with db.read() as session:
        assert session.execute(text("SELECT count(*) FROM agents")).scalar() == 0


def test_a_unit_of_work_commits_together_or_not_at_all(db: Database) -> None:
    with db.write() as session:
        session.add(Team(name="Network"))

    def crash_half_way() -> None:
        with db.write() as session:
            session.add(Team(name="Messaging"))
            session.flush()
            raise RuntimeError("crash half-way")

    with pytest.raises(RuntimeError, match="half-way"):
        crash_half_way()
    with db.read() as session:
        assert session.scalars(select(Team.name)).all() == ["Network"]


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("not a url", "That database URL is not valid"),
        ("", "That database URL is not valid"),
        (f"postgresql://agent:{PASSWORD}@db.example.com:notaport/calmdesk", "not valid"),
        (f"mysql://agent:{PASSWORD}@db.example.com/calmdesk", "not 'mysql'"),
        (f"oracle://agent:{PASSWORD}@db.example.com/calmdesk", "SQLite or PostgreSQL"),
        (f"postgresql+nodriver://agent:{PASSWORD}@db.example.com/x", "No database driver"),
    ],
)
def test_a_url_calmdesk_cannot_use_is_refused_in_one_line(url: str, says: str) -> None:
    message = _refusal(url)
    _assert_one_clean_line(message)
    assert says in message


def test_an_unreachable_postgresql_server_is_one_line_without_the_password() -> None:
    message = _refusal(f"postgresql://calmdesk:{PASSWORD}@127.0.0.1:1/calmdesk")
    _assert_one_clean_line(message)
    assert message == (
        "Cannot reach PostgreSQL calmdesk on 127.0.0.1:1: "
        "the server is down or the network is unreachable."
    )


@pytest.mark.postgres
def test_a_wrong_database_name_says_the_database_does_not_exist(postgres_url: str) -> None:
    message = _refusal(_wrong(postgres_url, database="calmdesk_no_such_db"))
    _assert_one_clean_line(message)
    assert "calmdesk_no_such_db" in message
    assert "that database does not exist" in message


@pytest.mark.postgres
def test_an_unknown_user_is_told_to_check_the_user_name_and_password(postgres_url: str) -> None:
    message = _refusal(_wrong(postgres_url, user="calmdesk_nobody"))
    _assert_one_clean_line(message)
    assert "refused the user name or password" in message


def test_a_file_that_is_not_a_database_says_so(tmp_path: Path) -> None:
    impostor = tmp_path / "calmdesk.sqlite3"
    impostor.write_bytes(b"Quarterly report, definitely not SQLite.\n" * 100)
    message = _refusal(f"sqlite:///{impostor.as_posix()}")
    _assert_one_clean_line(message)
    assert str(impostor) in message
    assert "not a Calmdesk database, or it is damaged" in message


def test_connect_refuses_early_and_in_one_line(tmp_path: Path) -> None:
    settings = load_settings(db_url=f"postgresql://calmdesk:{PASSWORD}@127.0.0.1:1/calmdesk")
    with pytest.raises(DatabaseUnavailable) as refused:
        connect(settings)
    _assert_one_clean_line(str(refused.value))


@pytest.mark.parametrize(
    ("url", "description"),
    [
        (
            f"postgresql://agent:{PASSWORD}@db.example.com:5433/calmdesk",
            "PostgreSQL calmdesk on db.example.com:5433",
        ),
        (
            f"postgres://agent:{PASSWORD}@db.example.com/calmdesk",
            "PostgreSQL calmdesk on db.example.com",
        ),
        ("sqlite:////srv/calmdesk/desk.sqlite3", "local file /srv/calmdesk/desk.sqlite3"),
    ],
)
def test_where_the_data_lives_is_described_without_the_password(url: str, description: str) -> None:
    assert describe(parse_url(url)) == description


def test_postgres_urls_use_the_psycopg_driver() -> None:
    assert parse_url("postgresql://a@h/d").drivername == "postgresql+psycopg"
    assert parse_url("postgres://a@h/d").drivername == "postgresql+psycopg"


def test_database_reports_its_backend(db: Database) -> None:
    assert db.backend in ("sqlite", "postgresql")
    assert PASSWORD not in db.description


@pytest.mark.postgres
def test_a_service_keeps_the_connections_it_asks_for_a_console_one(postgres_url: str) -> None:
    service = open_database(postgres_url, connections=4)
    console = open_database(postgres_url)
    try:
        held = [service.engine.connect() for _ in range(8)]  # four kept, four more while busy
        assert (service.engine.pool.size(), console.engine.pool.size()) == (4, 1)
        for connection in held:
            connection.close()
    finally:
        service.dispose()
        console.dispose()
