"""The first screen from a team's PostgreSQL server, with psycopg (read.py says when). Signs in
as the full start does (app/services/admin/identity.py): the server's login names the agent, who
must be active, with the role the server grants capped (app/db/grants.py)."""

from __future__ import annotations

from contextlib import closing
from datetime import UTC, datetime
from typing import Any

import psycopg

from app.db.connection_name import application_name, os_user, this_workstation
from app.db.grants import GRANTS_SQL, capped, role_from_grants
from app.db.libpq_deadlines import libpq_deadlines
from app.db.location import describe_location
from app.db.postgres_address import PostgresAddress
from app.domain.roles import Role
from app.services.actor import Actor
from app.services.first_screen import statements as sql
from app.services.first_screen.read import FirstScreen, screen_rows
from app.services.incidents.page_params import first_page_params

# A server that does not answer within this is left to the full start, which waits its full
# deadline and explains (libpq's least).
_CONNECT_SECONDS = 2


def read_postgres(
    address: PostgresAddress, now: datetime, resolved_since: datetime, limit: int
) -> FirstScreen | None:
    try:
        with closing(_connect(address)) as connection:
            read = _read(connection, now, resolved_since, limit)
    except (psycopg.Error, ValueError, KeyError):
        return None  # no answer, a password to ask for, no rights: the full start says which
    if read is None:
        return None
    actor, rows = read
    where = describe_location("postgresql", address.database, address.host, address.port)
    return FirstScreen(actor, "postgresql", where, rows, limit)


def _connect(address: PostgresAddress) -> psycopg.Connection[Any]:
    """Connected with the password the full start would send (app/bootstrap.py): the URL's or
    libpq's own (PGPASSWORD, .pgpass), else, when the server asks for one, the keyring's."""
    params = _connect_params(address)
    try:
        return psycopg.connect(**params)
    except psycopg.OperationalError as exc:
        asked = exc.pgconn is not None and exc.pgconn.needs_password
        password = _keyring_password(address) if asked and address.password is None else None
        if password is None:
            raise
    return psycopg.connect(**params, password=password)


def _keyring_password(address: PostgresAddress) -> str | None:
    if not address.username:
        return None
    from app.adapters.secrets import PasswordVault, login_account  # keyring: only when asked

    account = login_account(address.username, address.host, address.port, address.database)
    return PasswordVault().password_for_account(account)


def _connect_params(address: PostgresAddress) -> dict[str, Any]:
    """What the full start's engine connects with (app/db/engine.py), but a shorter wait."""
    params: dict[str, Any] = {
        key: value
        for key, value in (
            ("host", address.host),
            ("port", address.port),
            ("user", address.username),
            ("password", address.password),
            ("dbname", address.database),
        )
        if value is not None
    }
    params |= libpq_deadlines(address.query) | address.query
    if "connect_timeout" not in address.query:
        params["connect_timeout"] = _CONNECT_SECONDS
    if "application_name" not in address.query:
        login = address.username or os_user()
        params["application_name"] = application_name(login, this_workstation())
    params["prepare_threshold"] = None  # through a pooler in transaction mode too
    return params


def _read(
    connection: psycopg.Connection[Any], now: datetime, resolved_since: datetime, limit: int
) -> tuple[Actor, list[Any]] | None:
    with connection.transaction():
        version = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        if version != [(sql.SCHEMA_HEAD,)]:
            return None  # an upgrade to run first, or a newer version's database
        grants = connection.execute(GRANTS_SQL).fetchone()
        assert grants is not None
        login, may_delete, member_of = grants
        granted = role_from_grants(may_delete, member_of)
        agent = connection.execute(sql.POSTGRESQL_AGENT, {"login": login.lower()}).fetchone()
        if granted is None or agent is None or not agent[4]:
            return None  # no rights, not an agent yet, or deactivated: the full start says
        params = first_page_params(now, resolved_since, limit)
        page = connection.execute(
            sql.POSTGRESQL_PAGE, {**sql.POSTGRESQL_PAGE_CONSTANTS, **params}
        ).fetchall()
    agent_id, agent_login, name, role, _active = agent
    actor = Actor(agent_id, agent_login, name, capped(Role(role), granted))
    return actor, screen_rows(page, _utc)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)  # as UtcDateTime reads it: the session's zone may be another
