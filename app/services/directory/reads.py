"""Who and what there is: agents, teams, services and callers, for pickers and sign-in."""

from __future__ import annotations

from sqlalchemy import false, func, select
from sqlalchemy.orm import Session

from app.db.engine import Database
from app.db.models import Agent, Contact, Service, Team
from app.domain.alerts import MONITORING_LOGIN
from app.domain.phone_numbers import normalise_phone
from app.domain.roles import Action, Role
from app.services.context import Actor, ServiceContext
from app.services.directory.phones import has_number
from app.services.errors import InvalidInput
from app.services.feed.records import record_change
from app.services.incidents.dto import AgentInfo, NamedRef


def sign_in(db: Database, login: str, display_name: str | None = None) -> Actor:
    """The agent for an OS login. The first person to use a fresh database becomes its admin;
    later unknown logins join as agents (a supervisor can promote them)."""
    login = login.strip().lower()
    if not login:
        raise InvalidInput("login", "A login name is needed to sign in.")
    with db.write() as session:
        agent = session.scalar(select(Agent).where(Agent.login == login))
        if agent is None:
            # The alert intake's "Monitoring" agent is no person: it never makes anyone admin.
            people = select(func.count(Agent.id)).where(Agent.login != MONITORING_LOGIN)
            first = not session.scalar(people)
            agent = Agent(
                login=login,
                name=display_name or login.replace(".", " ").title(),
                role=(Role.ADMIN if first else Role.AGENT).value,
                active=True,
            )
            session.add(agent)
            session.flush()
        return Actor(agent_id=agent.id, login=agent.login, name=agent.name, role=Role(agent.role))


class Directory:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def agents(self) -> list[AgentInfo]:
        query = (
            select(Agent, Team.name)
            .outerjoin(Team, Team.id == Agent.team_id)
            .where(Agent.active.is_(True))
            .order_by(Agent.name)
        )
        with self._ctx.db.read() as session:
            return [
                AgentInfo(a.id, a.login, a.name, Role(a.role), a.team_id, team or "")
                for a, team in session.execute(query)
            ]

    def teams(self) -> list[NamedRef]:
        with self._ctx.db.read() as session:
            return [
                NamedRef(t.id, t.name) for t in session.scalars(select(Team).order_by(Team.name))
            ]

    def services(self) -> list[NamedRef]:
        with self._ctx.db.read() as session:
            return [
                NamedRef(s.id, s.name)
                for s in session.scalars(select(Service).order_by(Service.name))
            ]

    def find_contacts(self, text: str, limit: int = 20) -> list[NamedRef]:
        pattern = f"%{text.strip()}%"
        e164 = normalise_phone(text, self._ctx.phone_region)
        query = (
            select(Contact)
            .where(
                Contact.name.ilike(pattern)
                | Contact.email.ilike(pattern)
                | Contact.phone.ilike(pattern)
                | (has_number(e164) if e164 else false())
            )
            .order_by(Contact.name)
            .limit(limit)
        )
        with self._ctx.db.read() as session:
            return [NamedRef(c.id, c.name) for c in session.scalars(query)]

    def ensure_team(self, name: str) -> NamedRef:
        self._ctx.actor.require(Action.MANAGE_AGENTS)
        with self._ctx.db.write() as session:
            return NamedRef(*_ensure_team(session, self._ctx, name))


def _ensure_team(session: Session, ctx: ServiceContext, name: str) -> tuple[int, str]:
    team = session.scalar(select(Team).where(Team.name == name))
    if team is None:
        team = Team(name=name)
        session.add(team)
        session.flush()
        record_change(session, ctx, "teams", team.id, "insert")
    return team.id, team.name
