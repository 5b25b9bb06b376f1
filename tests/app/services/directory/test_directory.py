"""Signing in, and the pickers' lists of agents, teams, services and callers."""

from __future__ import annotations

import pytest

from app.db.engine import Database
from app.db.models import Contact
from app.domain.roles import PermissionDenied, Role
from app.services.context import ServiceContext
from app.services.directory.reads import Directory, sign_in
from app.services.errors import InvalidInput
from tests.helpers import add_agent, add_service, add_team, as_actor


def test_the_first_person_to_sign_in_becomes_admin(db: Database) -> None:
    first = sign_in(db, "alice.admin", "Alice Admin")
    assert (first.login, first.name, first.role) == ("alice.admin", "Alice Admin", Role.ADMIN)


def test_later_people_join_as_agents(db: Database) -> None:
    sign_in(db, "alice.admin")
    later = sign_in(db, "bob.baker")
    assert later.role is Role.AGENT
    assert later.name == "Bob Baker"  # made from the login when no name is given


def test_signing_in_again_returns_the_same_agent(db: Database) -> None:
    first = sign_in(db, "alice.admin", "Alice Admin")
    sign_in(db, "bob.baker")
    again = sign_in(db, "  Alice.Admin ", "Ignored Name")
    assert again == first


def test_signing_in_without_a_login_is_refused(db: Database) -> None:
    with pytest.raises(InvalidInput) as refused:
        sign_in(db, "   ")
    assert refused.value.field == "login"


def test_directory_lists_active_agents_with_their_team(ctx: ServiceContext) -> None:
    team = add_team(ctx.db, "Network")
    add_agent(ctx.db, "marco", "Marco Rossi", team_id=team)
    agents = Directory(ctx).agents()
    assert [(a.name, a.team, a.role) for a in agents] == [
        ("Alice Admin", "", Role.ADMIN),
        ("Marco Rossi", "Network", Role.AGENT),
    ]


def test_directory_lists_teams_and_services_by_name(ctx: ServiceContext) -> None:
    add_team(ctx.db, "Network")
    add_team(ctx.db, "Messaging")
    add_service(ctx.db, "VPN")
    add_service(ctx.db, "Email")
    directory = Directory(ctx)
    assert [t.name for t in directory.teams()] == ["Messaging", "Network"]
    assert [s.name for s in directory.services()] == ["Email", "VPN"]


def test_finding_callers_matches_name_email_or_phone(ctx: ServiceContext) -> None:
    with ctx.db.write() as session:
        session.add(Contact(name="Anna Schmidt", email="anna@example.com", phone="+44 1111"))
        session.add(Contact(name="Ben Novak", email="ben@example.com", phone="+44 2222"))
    directory = Directory(ctx)
    assert [c.name for c in directory.find_contacts("anna")] == ["Anna Schmidt"]
    assert [c.name for c in directory.find_contacts("BEN@")] == ["Ben Novak"]
    assert [c.name for c in directory.find_contacts("2222")] == ["Ben Novak"]
    assert len(directory.find_contacts("example")) == 2


def test_ensuring_a_team_creates_it_once(ctx: ServiceContext) -> None:
    directory = Directory(ctx)
    first = directory.ensure_team("Security")
    assert directory.ensure_team("Security") == first
    assert [t.name for t in directory.teams()] == ["Security"]


def test_only_an_admin_may_create_teams(ctx: ServiceContext) -> None:
    agent = add_agent(ctx.db, "tom", "Tom Becker")
    with pytest.raises(PermissionDenied):
        Directory(as_actor(ctx, agent)).ensure_team("Security")
    assert Directory(ctx).teams() == []
