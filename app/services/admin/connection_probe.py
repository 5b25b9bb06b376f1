"""Test connection: can this workstation use a database, and as whom? Read-only: it creates no
agent and changes no schema. Every answer is a line a person can act on, without the password."""

from __future__ import annotations

from dataclasses import dataclass, field

from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select

from app.db.engine import Database, check_connection, open_database, translate_errors
from app.db.live import behind_pooler
from app.db.migrate import alembic_config, current_revision, head_revision
from app.db.models import Agent
from app.db.team_roles import current_login, granted_role
from app.domain.errors import CalmdeskError, DatabaseUnavailable
from app.domain.roles import Role

_AUTH_REFUSED = "refused the user name or password"


@dataclass(frozen=True)
class ProbeResult:
    reachable: bool
    authenticated: bool
    schema_ok: bool  # this build can open it (possibly after an upgrade it may run)
    summary: str
    lines: tuple[str, ...] = field(default=())
    role: Role | None = None

    @property
    def ok(self) -> bool:
        return self.reachable and self.authenticated and self.schema_ok


def probe(url: str, password: str | None, os_user: str) -> ProbeResult:
    try:
        db = open_database(url, password=password)
    except DatabaseUnavailable as exc:
        return ProbeResult(False, False, False, str(exc), (f"✗ {exc}",))
    try:
        return _probe(db, os_user)
    finally:
        db.dispose()


def _probe(db: Database, os_user: str) -> ProbeResult:
    where = db.description
    try:
        check_connection(db)
    except DatabaseUnavailable as exc:
        message = str(exc)
        if _AUTH_REFUSED in message:
            return ProbeResult(
                True,
                False,
                False,
                message,
                (f"✓ {where} answers", "✗ The server refused the user name or password"),
            )
        return ProbeResult(False, False, False, message, (f"✗ {message}",))
    lines = [f"✓ {where} answers", "✓ Signed in to the database"]
    try:
        if db.backend == "postgresql":
            lines.append(_route(db))
        schema_ok, schema_line, empty = _schema(db)
        lines.append(schema_line)
        role, role_line = _role(db, os_user, empty)
        lines.append(role_line)
    except CalmdeskError as exc:
        lines.append(f"✗ {exc}")
        return ProbeResult(True, True, False, str(exc), tuple(lines))
    summary = "Ready to connect." if schema_ok and role is not None else lines[-1][2:]
    if not schema_ok:
        summary = schema_line[2:]
    return ProbeResult(True, True, schema_ok, summary, tuple(lines), role)


def _route(db: Database) -> str:
    """Whether a pooler sits in front of the server, and what that means for live updates."""
    with translate_errors(db.engine.url), db.engine.connect() as connection:
        pooled = behind_pooler(connection.connection.driver_connection)
    if pooled:
        return (
            "✓ Through a connection pooler: changes from other consoles arrive within a "
            "second (the change log is read every second)"
        )
    return "✓ A direct connection: changes from other consoles arrive at once (LISTEN)"


def _schema(db: Database) -> tuple[bool, str, bool]:
    """(usable, line, empty)."""
    current, head = current_revision(db), head_revision()
    if current == head:
        return True, f"✓ Schema {current}, the same as this Calmdesk", False
    if current is None:
        tables = inspect(db.engine).get_table_names()
        if tables and "incidents" in tables:
            return False, "✗ This database holds tables but no Calmdesk schema version", False
        if db.backend == "postgresql":
            return (
                True,
                "✓ Empty: Calmdesk sets it up on first connection (the login must own the "
                "database; see `calmdesk db init-postgres`)",
                True,
            )
        return True, "✓ A new file: Calmdesk sets it up when you connect", True
    known = {r.revision for r in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if current not in known:
        return (
            False,
            f"✗ Schema {current} is newer than this Calmdesk ({head}): install the newer version",
            False,
        )
    if db.backend == "postgresql":
        return (
            True,
            f"✓ Schema {current}, older than this Calmdesk ({head}): it is upgraded when an "
            "administrator runs `calmdesk db upgrade` (or on connecting, if you own it)",
            False,
        )
    return True, f"✓ Schema {current}: upgraded to {head} on connecting (after a backup)", False


def _role(db: Database, os_user: str, empty: bool) -> tuple[Role | None, str]:
    if db.backend != "postgresql":
        login = os_user.strip().lower()
        if empty:
            return Role.ADMIN, f"✓ You will be {login}, this file's first user: its admin"
        agent = _agent(db, login)
        if agent is None:
            return Role.AGENT, f"✓ You will join as {login}, an agent"
        return Role(agent.role), f"✓ You are {agent.name} ({agent.role})"
    with db.engine.connect() as connection:
        login = current_login(connection).lower()
        granted = None if empty else granted_role(connection)
    if empty:
        return Role.ADMIN, f"✓ You log in as {login}"
    if granted is None:
        return None, (
            f"✗ The login {login} has no Calmdesk rights here: ask your administrator to run "
            f"`calmdesk db add-agent --login {login}`"
        )
    agent = _agent(db, login)
    if agent is None:
        if granted == Role.ADMIN:
            return Role.ADMIN, f"✓ You log in as {login}, an administrator"
        return None, (
            f"✗ The login {login} is not a Calmdesk agent yet: ask your administrator to run "
            f"`calmdesk db add-agent --login {login}`"
        )
    role = Role(agent.role)
    effective = role if role.rank <= granted.rank else granted
    note = "" if effective == role else f"; the server grants only {granted.value}"
    return effective, f"✓ You are {agent.name} ({effective.value}{note})"


def _agent(db: Database, login: str) -> Agent | None:
    with db.read() as session:
        return session.scalar(select(Agent).where(Agent.login == login))
