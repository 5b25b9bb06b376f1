"""Setting up a team database, for an administrator: `calmdesk db init-postgres` and
`calmdesk db add-agent`. Roles and grants are defined in app/db/team_roles.py."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select

from app.db.engine import Database
from app.db.migrate import UpgradeReport, upgrade
from app.db.models import Agent
from app.db.team_roles import (
    apply_grants,
    check_login,
    create_groups,
    ensure_login,
    explained_rights,
    groups_exist,
    require_postgres,
    run_setup,
)
from app.domain.roles import Action, Role
from app.services.context import ServiceContext
from app.services.errors import InvalidInput
from app.services.feed.records import record_change


@dataclass(frozen=True)
class ServerReady:
    upgrade: UpgradeReport
    tables: int


@dataclass(frozen=True)
class AgentAdded:
    login: str
    name: str
    role: Role
    new_agent: bool
    new_login: bool | None  # None on SQLite, where the agent is an operating-system user


def init_postgres(db: Database) -> ServerReady:
    """Bring the schema to head, create the group roles, grant them least privilege."""
    require_postgres(db)
    report = upgrade(db)

    def setup(connection: Connection) -> int:
        create_groups(connection)
        return apply_grants(connection)

    return ServerReady(report, run_setup(db, setup))


def refresh_grants(db: Database) -> int | None:
    """After an upgrade: grant the groups their privileges on any new table. None when this is
    not a team server (SQLite, or init-postgres never ran)."""
    if db.backend != "postgresql":
        return None

    def refresh(connection: Connection) -> int | None:
        return apply_grants(connection) if groups_exist(connection) else None

    return run_setup(db, refresh)


def add_agent(
    ctx: ServiceContext, login: str, name: str, role: Role, password: str | None = None
) -> AgentAdded:
    """Create or update an agent record and, on PostgreSQL, its login role in the matching
    group, in one transaction."""
    ctx.actor.require(Action.MANAGE_AGENTS)
    postgres = ctx.db.backend == "postgresql"
    login = check_login(login) if postgres else login.strip().lower()
    name = name.strip()
    if not login:
        raise InvalidInput("login", "A login name is needed.")
    if not name:
        raise InvalidInput("name", "The agent needs a display name.")
    if password and not postgres:
        raise InvalidInput("password", "A SQLite file has no logins, so no password to set.")
    with ctx.db.write() as session:
        agent = session.scalar(select(Agent).where(Agent.login == login))
        new_agent = agent is None
        if agent is None:
            agent = Agent(login=login, name=name, role=role.value, active=True)
            session.add(agent)
        else:
            agent.name, agent.role, agent.active = name, role.value, True
        session.flush()
        record_change(session, ctx, "agents", agent.id, "insert" if new_agent else "update")
        new_login = None
        if postgres:
            with explained_rights():
                new_login = ensure_login(session.connection(), login, role, password)
    return AgentAdded(login, name, role, new_agent, new_login)
