"""Who is at this workstation. On a shared PostgreSQL server the database login identifies the
agent (each agent logs in as themselves); on a SQLite file, the operating-system user does.

On PostgreSQL the agent's role in Calmdesk is capped by what the server grants that login, so the
console never offers an action the database would refuse.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from app.db.engine import Database, translate_errors
from app.db.grants import capped
from app.db.models import Agent
from app.domain.roles import PermissionDenied, Role
from app.services.context import Actor
from app.services.directory.reads import sign_in


class NotAnAgent(PermissionDenied):
    """The database login works, but no agent record matches it."""


def identify(db: Database, os_user: str) -> Actor:
    if db.backend != "postgresql":
        return sign_in(db, os_user)
    # Only here: team_roles brings in psycopg, which a console on a SQLite file never needs.
    from app.db.team_roles import current_login, granted_role

    with translate_errors(db.engine.url), db.engine.connect() as connection:
        login = current_login(connection).lower()
        granted = granted_role(connection)
    if granted is None:
        raise PermissionDenied(
            f"The database login {login!r} has no Calmdesk rights on {db.description}. Ask your "
            f"administrator to run: calmdesk db add-agent --login {login} --name ... --role agent"
        )
    with db.read() as session:
        agent = session.scalar(select(Agent).where(Agent.login == login))
    if agent is not None and not agent.active:
        raise PermissionDenied(
            f"The agent {agent.name} ({login}) is deactivated. Ask your shift supervisor."
        )
    if agent is None:
        if granted != Role.ADMIN:
            raise NotAnAgent(
                f"The database login {login!r} is not a Calmdesk agent yet. Ask your "
                f"administrator to run: calmdesk db add-agent --login {login} --name ..."
            )
        actor = sign_in(db, login)  # the administrator; the first one becomes admin
    else:
        actor = Actor(agent.id, agent.login, agent.name, Role(agent.role))
    return replace(actor, role=capped(actor.role, granted))
