"""What a command hands back is the incident as stored: every name it shows beside an id (read in
the same statement as the row, three of them from the agents table), and on a team server's
restricted login the times the server's triggers wrote, not the workstation's. On SQLite and on a
real PostgreSQL server (the `ctx` fixture runs each test on both)."""

from __future__ import annotations

import pytest

from app.db.engine import Database
from app.db.models import Contact
from app.domain.lifecycle import Status
from app.domain.roles import Role
from app.services.context import ServiceContext
from app.services.incidents.commands import IncidentCommands, IncidentDraft
from app.services.incidents.dto import Assignment, IncidentChanges
from app.services.incidents.reads import IncidentReads
from tests.helpers import TeamServer, add_agent, add_service, add_team, open_incident


def _add_contact(db: Database, name: str) -> int:
    with db.write() as session:
        contact = Contact(name=name)
        session.add(contact)
        session.flush()
        return contact.id


def test_a_saved_incident_names_everyone_and_everything_it_points_to(
    ctx: ServiceContext,
) -> None:
    network, messaging = add_team(ctx.db, "Network"), add_team(ctx.db, "Messaging")
    sam = add_agent(ctx.db, "sam", "Sam Okafor", Role.SUPERVISOR, team_id=network)
    priya = add_agent(ctx.db, "priya", "Priya Nair", Role.AGENT, team_id=network)
    jon = add_agent(ctx.db, "jon", "Jon Eriksen", Role.AGENT, team_id=messaging)
    email, anna = add_service(ctx.db, "Email"), _add_contact(ctx.db, "Anna Schmidt")
    commands = IncidentCommands(ctx)
    outage = open_incident(ctx, "Email down for everyone")
    major = commands.declare_major(
        outage.id, outage.version, commander_id=sam.agent_id, comms_lead_id=priya.agent_id
    )
    opened = commands.open(
        IncidentDraft("Outlook shows Disconnected", service_id=email, caller_id=anna)
    )
    linked = commands.link_to_parent(opened.id, opened.version, major.id)

    saved = commands.save(
        linked.id,
        linked.version,
        IncidentChanges(
            fields={"title": "Outlook disconnected"}, assignment=Assignment(jon.agent_id, network)
        ),
    )

    assert (major.commander, major.comms_lead, major.assignee) == ("Sam Okafor", "Priya Nair", "")
    assert (opened.service, opened.caller, opened.parent_number) == ("Email", "Anna Schmidt", None)
    assert linked.parent_number == major.number
    assert (saved.service, saved.caller, saved.parent_number) == (
        "Email",
        "Anna Schmidt",
        major.number,
    )
    # Jon's own team is Messaging: the team shown is the one he was assigned with.
    assert (saved.assignee, saved.team, saved.commander, saved.comms_lead) == (
        "Jon Eriksen",
        "Network",
        "",
        "",
    )
    assert saved == IncidentReads(ctx).detail(saved.id)
    assert IncidentReads(ctx).detail(major.id) == major


@pytest.mark.postgres
def test_on_a_restricted_login_a_command_hands_back_the_times_the_server_wrote(
    team_server: TeamServer,
) -> None:
    pat = team_server.ctx_as(team_server.add_login("pat", Role.AGENT, display="Pat Agent"))
    commands = IncidentCommands(pat)

    opened = open_incident(pat)
    assert opened == IncidentReads(pat).detail(opened.id)
    moved = commands.transition(opened.id, opened.version, Status.IN_PROGRESS)

    assert moved == IncidentReads(pat).detail(opened.id)
    # The server's clock, not the workstation's (the tests' clock stands still on a Monday).
    assert opened.opened_at != pat.clock.now()
    assert moved.acknowledged_at != pat.clock.now()
