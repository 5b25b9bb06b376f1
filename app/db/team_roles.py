"""PostgreSQL roles for a team database: three group roles with least privilege, and the login
roles of individual agents, each a member of one group.

- calmdesk_agent reads everything; creates and updates incidents, calls, status updates and
  checklist ticks; appends to the timeline and the change log; plays a drill's script. It
  deletes nothing.
- calmdesk_supervisor is an agent that may also close (a trigger checks that, see migration 0002)
  and manage agents, teams, services, SLA policies and the priority matrix; start drills, write
  shift handovers, and clean an ended drill away through calmdesk_clean_drill (migration 0009),
  the one way anything is deleted.
- calmdesk_admin is a supervisor whose logins may also create logins (CREATEROLE).

The timeline and posted status updates are append-only for everyone: no group is granted UPDATE
or DELETE on them, and triggers refuse both even to the owner. Triggers (migration 0012) also make
an agent's or supervisor's login write history only in its own name and at the server's time;
owner and admin logins are trusted to bring in history with its own authors and times. The
application's role checks (app.domain.roles) are never looser than these grants, so what the
console offers the database allows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import psycopg
from psycopg import sql
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from app.db.engine import Database, translate_errors
from app.db.grants import (
    ADMIN_GROUP,
    AGENT_GROUP,
    GRANTS_SQL,
    GROUP_FOR_ROLE,
    GROUPS,
    SUPERVISOR_GROUP,
    role_from_grants,
)
from app.domain.errors import CalmdeskError
from app.domain.roles import Role

# Privileges beyond SELECT (which every group has on every table): (agents, supervisors' extra).
# Every table must be listed (a test checks): a new table is a decision about who may write it.
TABLE_GRANTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "incidents": (("INSERT", "UPDATE"), ()),
    "incident_services": (("INSERT",), ()),
    "calls": (("INSERT", "UPDATE"), ()),
    "contacts": (("INSERT", "UPDATE"), ()),
    "status_updates": (("INSERT",), ()),  # a posted update is final: a correction is a new one
    "checklist_items": (("INSERT", "UPDATE"), ()),
    "vendor_escalations": (("INSERT", "UPDATE"), ()),
    "timeline_events": (("INSERT",), ()),
    "change_log": (("INSERT",), ()),
    "counters": (("UPDATE",), ()),
    "presence": (("INSERT", "UPDATE"), ()),
    "applied_operations": (("INSERT",), ()),  # outbox receipts: written once, never changed
    "alert_groups": (("INSERT", "UPDATE"), ()),  # the alert intake's login is an agent
    "services": ((), ("INSERT", "UPDATE")),
    "teams": ((), ("INSERT", "UPDATE")),
    "agents": ((), ("INSERT", "UPDATE")),
    "sla_policies": ((), ("INSERT", "UPDATE")),
    "priority_matrix": ((), ("INSERT", "UPDATE")),
    # Post-incident reviews are written by supervisors; a removed action item is marked removed.
    "post_incident_reviews": ((), ("INSERT", "UPDATE")),
    "review_action_items": ((), ("INSERT", "UPDATE")),
    # A supervisor starts and ends a drill; any console taking part plays its next scripted
    # event (`played`). Cleaning a drill away goes through calmdesk_clean_drill (FUNCTION_GRANTS).
    "drills": (("UPDATE",), ("INSERT",)),
    "shift_handovers": ((), ("INSERT", "UPDATE")),
    # Anyone in a war room records and settles the gestures owed; a supervisor sets the page up.
    "goodwill_gestures": (("INSERT", "UPDATE"), ()),
    "status_page_settings": ((), ("INSERT", "UPDATE")),
    "database_identity": ((), ()),  # read by every console (its outbox); made by its migration
    "alembic_version": ((), ()),
}

# Functions that run with the owner's rights (SECURITY DEFINER), and the group allowed to call
# them; nobody else may (the migration revokes EXECUTE from PUBLIC).
FUNCTION_GRANTS: dict[str, str] = {"calmdesk_clean_drill(integer)": SUPERVISOR_GROUP}

T = TypeVar("T")
_LOGIN = re.compile(r"^[a-z_][a-z0-9_.\-]{0,62}$")


class ServerSetupError(CalmdeskError):
    """The server cannot be set up as asked (not PostgreSQL, not enough rights, a bad name)."""


def check_login(login: str) -> str:
    """A database login name as Calmdesk uses it: lowercase, so it matches `agents.login`."""
    cleaned = login.strip().lower()
    if not _LOGIN.match(cleaned) or cleaned.startswith("pg_") or cleaned in GROUPS:
        raise ServerSetupError(
            f"{login!r} cannot be a login: use lowercase letters, digits, '.', '-' or '_' "
            "(up to 63), starting with a letter, not pg_ and not a calmdesk group name."
        )
    return cleaned


def require_postgres(db: Database) -> None:
    if db.backend != "postgresql":
        raise ServerSetupError(
            f"{db.description} is not a PostgreSQL database; roles and grants exist only there."
        )


def groups_exist(connection: Connection) -> bool:
    found = connection.execute(
        text("SELECT count(*) FROM pg_roles WHERE rolname = ANY(:names)"), {"names": list(GROUPS)}
    ).scalar_one()
    return int(found) == len(GROUPS)


def create_groups(connection: Connection) -> None:
    """Create the three group roles if missing (roles belong to the whole server, so another
    Calmdesk database on it may have made them already), and chain them."""
    for group in GROUPS:
        _execute(
            connection,
            sql.SQL(
                "DO $$ BEGIN CREATE ROLE {} NOLOGIN; "
                "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
            ).format(sql.Identifier(group)),
        )
    _execute(connection, _grant_role(AGENT_GROUP, SUPERVISOR_GROUP))
    _execute(connection, _grant_role(SUPERVISOR_GROUP, ADMIN_GROUP))


def apply_grants(connection: Connection) -> int:
    """Reset the groups' privileges on this database to exactly TABLE_GRANTS. Returns the number
    of tables granted. Run after every upgrade, so new tables get their grants."""
    database = connection.execute(text("SELECT current_database()")).scalar_one()
    groups = sql.SQL(", ").join(sql.Identifier(g) for g in GROUPS)
    agent, supervisor = sql.Identifier(AGENT_GROUP), sql.Identifier(SUPERVISOR_GROUP)
    _execute(
        connection,
        sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(database), groups),
    )
    _execute(connection, sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(groups))
    _execute(
        connection, sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {}").format(groups)
    )
    _execute(
        connection, sql.SQL("REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {}").format(groups)
    )
    tables = [
        str(name)
        for name in connection.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ).scalars()
    ]
    unknown = sorted(set(tables) - set(TABLE_GRANTS))
    if unknown:
        raise ServerSetupError(
            f"No grants are defined for the tables {unknown}: add them to "
            "app/db/team_roles.py TABLE_GRANTS."
        )
    for table in tables:
        for_agents, for_supervisors = TABLE_GRANTS[table]
        name = sql.Identifier(table)
        privileges = sql.SQL(", ").join(sql.SQL(p) for p in ("SELECT", *for_agents))
        _execute(connection, sql.SQL("GRANT {} ON {} TO {}").format(privileges, name, agent))
        if for_supervisors:
            extra = sql.SQL(", ").join(sql.SQL(p) for p in for_supervisors)
            _execute(connection, sql.SQL("GRANT {} ON {} TO {}").format(extra, name, supervisor))
    for function, group in FUNCTION_GRANTS.items():
        _execute(
            connection,
            sql.SQL("GRANT EXECUTE ON FUNCTION {} TO {}").format(
                sql.SQL(function), sql.Identifier(group)
            ),
        )
    # nextval() on the id sequences of the tables they insert into.
    _execute(
        connection, sql.SQL("GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {}").format(agent)
    )
    return len(tables)


def ensure_login(
    connection: Connection, login: str, role: Role, password: str | None = None
) -> bool:
    """Create or update the login role for an agent: it can log in, belongs to exactly the group
    of its role, and (when given) has this password. Returns True when the login is new.

    The password is sent as a SCRAM-SHA-256 verifier computed here, so the statement the server
    runs, and may log, never holds the password itself."""
    login = check_login(login)
    exists = bool(
        connection.execute(
            text("SELECT count(*) FROM pg_roles WHERE rolname = :login"), {"login": login}
        ).scalar_one()
    )
    name = sql.Identifier(login)
    options = sql.SQL("LOGIN CREATEROLE" if role == Role.ADMIN else "LOGIN NOCREATEROLE")
    verb = sql.SQL("ALTER ROLE" if exists else "CREATE ROLE")
    _execute(connection, sql.SQL("{} {} {}").format(verb, name, options))
    if password:
        verifier = _scram_verifier(connection, login, password)
        _execute(
            connection,
            sql.SQL("ALTER ROLE {} PASSWORD {}").format(name, sql.Literal(verifier)),
        )
    for group in GROUPS:
        if group != GROUP_FOR_ROLE[role]:
            _execute(connection, sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(group), name))
    _execute(connection, _grant_role(GROUP_FOR_ROLE[role], login))
    return not exists


def granted_role(connection: Connection) -> Role | None:
    """What the logged-in database user may do, judged from the server's own grants (grants.py).
    None: no Calmdesk privileges at all."""
    _login, may_delete, member_of = connection.execute(text(GRANTS_SQL)).one()
    return role_from_grants(may_delete, member_of)


def current_login(connection: Connection) -> str:
    return str(connection.execute(text("SELECT current_user")).scalar_one())


def _grant_role(group: str, member: str) -> sql.Composed:
    return sql.SQL("GRANT {} TO {}").format(sql.Identifier(group), sql.Identifier(member))


def _execute(connection: Connection, statement: sql.Composable) -> None:
    # Identifiers and literals are quoted by psycopg; DDL takes no bind parameters.
    driver: Any = connection.connection.driver_connection
    connection.exec_driver_sql(statement.as_string(driver))


def _scram_verifier(connection: Connection, login: str, password: str) -> str:
    driver = connection.connection.driver_connection
    assert isinstance(driver, psycopg.Connection)
    verifier = driver.pgconn.encrypt_password(password.encode(), login.encode(), b"scram-sha-256")
    return verifier.decode()


@contextmanager
def explained_rights() -> Iterator[None]:
    """Turn the server's refusals of role and grant statements into one readable line."""
    try:
        yield
    except DBAPIError as exc:
        first = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else ""
        lowered = first.lower()
        if "permission denied" in lowered or "must be" in lowered or "must have" in lowered:
            raise ServerSetupError(
                f"The database login lacks the rights for this ({first}). Run it as the "
                "database owner with CREATEROLE, or as a superuser."
            ) from None
        raise


def run_setup(db: Database, work: Callable[[Connection], T]) -> T:
    """Run `work(connection)` in one transaction, with refusals made readable."""
    with translate_errors(db.engine.url), explained_rights(), db.engine.begin() as connection:
        return work(connection)
