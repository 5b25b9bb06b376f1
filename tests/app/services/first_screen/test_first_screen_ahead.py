"""The team server's first screen read by a child process while the console loads Qt: the same
first screen the console would read itself, None whenever that would be None, and no child left
behind, whether it finished, failed or was called off (real server, real processes)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from app.adapters.secrets import PasswordVault
from app.domain.clock import ManualClock
from app.domain.roles import Role
from app.services.first_screen.ahead import ReadAhead, read_ahead
from app.services.first_screen.read import FirstScreen, read_first_screen
from bench.servers import PgBouncer
from tests.app.services.incidents.test_triage_page import _awkward_queue
from tests.helpers import CutLine, TeamServer, _pg_admin_conninfo

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not hasattr(os, "fork"), reason="read ahead only where there is fork"),
]


def _ahead(url: str, clock: ManualClock) -> ReadAhead | None:
    return read_ahead(url, clock.now(), clock.now() - timedelta(days=1), 300)


def _gone(ahead: ReadAhead) -> bool:
    """The child was reaped: nothing is left of it, not even a zombie."""
    try:
        os.waitpid(ahead.pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_the_child_reads_the_first_screen_the_console_would_read_itself(
    team_server: TeamServer, clock: ManualClock
) -> None:
    _awkward_queue(team_server.owner, clock.now() - timedelta(days=1))
    login = team_server.add_login("sam", Role.AGENT, display="Sam Okafor")
    url = team_server.url_for(login)
    team_server.ctx_as(login)  # signed in once the full way
    ahead = _ahead(url, clock)
    assert ahead is not None
    screen = ahead.result()
    assert screen is not None
    assert len(screen.rows) > 3
    assert screen == read_first_screen(url, clock.now(), clock.now() - timedelta(days=1), 300)
    assert _gone(ahead)


def test_what_the_console_could_not_vouch_for_is_none_from_the_child_too(
    team_server: TeamServer, clock: ManualClock
) -> None:
    stranger = f"{team_server.prefix}stranger"  # no Calmdesk rights, no agent
    with psycopg.connect(_pg_admin_conninfo(), autocommit=True) as admin:
        admin.execute(f'CREATE ROLE "{stranger}" LOGIN')
    ahead = _ahead(team_server.url_for(stranger), clock)
    assert ahead is not None
    assert ahead.result() is None
    assert _gone(ahead)


@pytest.fixture
def asking_pooler() -> Iterator[PgBouncer]:
    """A real PgBouncer that asks every client for its role's password, as a team's does."""
    bouncer = PgBouncer(passwords=True)
    yield bouncer
    bouncer.stop()


def test_a_password_the_server_asks_for_comes_from_the_keyring_as_in_the_full_start(
    team_server: TeamServer,
    asking_pooler: PgBouncer,
    file_keyring: Path,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", os.devnull)  # no password from libpq's own file either
    _awkward_queue(team_server.owner, clock.now() - timedelta(days=1))
    login = team_server.add_login("sam", Role.AGENT, password="Zx9-correct-horse")
    direct = team_server.url_for(login)
    url = make_url(direct).set(port=asking_pooler.port).render_as_string(hide_password=False)
    with pytest.raises(psycopg.OperationalError, match="password"):
        psycopg.connect(url.replace("+psycopg", ""), connect_timeout=5).close()
    nothing = _ahead(url, clock)  # the keyring holds nothing for this login yet
    assert nothing is not None
    assert nothing.result() is None

    assert PasswordVault().remember(url, "Zx9-correct-horse")  # as the connection dialog does
    ahead = _ahead(url, clock)
    assert ahead is not None
    screen = ahead.result()
    assert screen is not None
    assert screen.actor.login == login
    assert screen.rows == _first(direct, clock).rows  # the same rows as without a pooler
    assert _gone(ahead)


def _first(url: str, clock: ManualClock) -> FirstScreen:
    screen = read_first_screen(url, clock.now(), clock.now() - timedelta(days=1), 300)
    assert screen is not None
    return screen


def _waiting_on_silence(line: CutLine, clock: ManualClock) -> ReadAhead:
    """A child waiting for a server whose line went silent: an answer that does not come."""
    line.proxy.silence()
    ahead = _ahead(line.url, clock)
    assert ahead is not None
    return ahead


def test_a_child_that_does_not_answer_in_time_is_ended_and_the_full_start_decides(
    pg_through_proxy: CutLine, clock: ManualClock
) -> None:
    ahead = _waiting_on_silence(pg_through_proxy, clock)
    assert ahead.result(within=0.2) is None  # before the child's own 2 s connection wait
    assert _gone(ahead)


def test_a_server_that_does_not_answer_is_called_off_and_leaves_no_child(
    pg_through_proxy: CutLine, clock: ManualClock
) -> None:
    ahead = _waiting_on_silence(pg_through_proxy, clock)
    ahead.cancel()  # the console chose another database meanwhile
    assert _gone(ahead)
    assert ahead.result() is None


def test_a_local_file_is_read_by_the_console_itself(sqlite_url: str, clock: ManualClock) -> None:
    assert _ahead(sqlite_url, clock) is None
