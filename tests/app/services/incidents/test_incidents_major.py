"""Declaring major incidents (roles, cadence, checklist, affected services) and linking child
incidents to a parent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.adapters.runbooks import load_runbook
from app.db.models import ChecklistItem, IncidentService, Service
from app.domain.clock import ManualClock
from app.domain.errors import RuleViolation
from app.domain.lifecycle import Status
from app.domain.roles import PermissionDenied, Role
from app.domain.services_state import ServiceState
from app.services.context import Actor, ServiceContext
from app.services.errors import InvalidInput, NotFound
from app.services.incidents.commands import AffectedService, IncidentCommands
from app.services.incidents.dto import IncidentDetail
from app.services.incidents.reads import IncidentReads
from tests.helpers import add_agent, add_service, as_actor, open_incident


@pytest.fixture
def supervisor(ctx: ServiceContext) -> Actor:
    return add_agent(ctx.db, "sam.okafor", "Sam Okafor", Role.SUPERVISOR)


def _declare(ctx: ServiceContext, incident: IncidentDetail, commander: Actor) -> IncidentDetail:
    return IncidentCommands(as_actor(ctx, commander)).declare_major(
        incident.id, incident.version, commander_id=commander.agent_id
    )


# -- declare major ------------------------------------------------------------------------


def test_declaring_major_needs_a_supervisor(ctx: ServiceContext) -> None:
    agent = add_agent(ctx.db, "priya", "Priya Nair", Role.AGENT)
    incident = open_incident(ctx, impact=1, urgency=1)
    with pytest.raises(PermissionDenied, match="declare a major incident"):
        IncidentCommands(as_actor(ctx, agent)).declare_major(
            incident.id, incident.version, commander_id=agent.agent_id
        )
    assert not IncidentReads(ctx).detail(incident.id).major


def test_declaring_a_p1_major_starts_a_thirty_minute_update_countdown(
    ctx: ServiceContext, clock: ManualClock, supervisor: Actor
) -> None:
    incident = open_incident(ctx, impact=1, urgency=1)
    clock.advance(timedelta(minutes=6))
    major = _declare(ctx, incident, supervisor)
    assert major.major
    assert major.declared_major_at == clock.now()
    assert major.next_update_due == clock.now() + timedelta(minutes=30)
    assert (major.commander_id, major.commander) == (supervisor.agent_id, "Sam Okafor")
    timeline = IncidentReads(ctx).timeline(incident.id)
    assert (timeline[-1].kind, timeline[-1].pinned) == ("declared_major", True)
    assert "commander Sam Okafor" in timeline[-1].summary


def test_a_major_p3_gets_the_hourly_fallback_cadence(
    ctx: ServiceContext, clock: ManualClock, supervisor: Actor
) -> None:
    incident = open_incident(ctx, impact=2, urgency=2)
    major = _declare(ctx, incident, supervisor)
    assert major.next_update_due == clock.now() + timedelta(hours=1)


def test_raising_a_major_incident_to_p1_restarts_its_countdown(
    ctx: ServiceContext, clock: ManualClock, supervisor: Actor
) -> None:
    incident = _declare(ctx, open_incident(ctx, impact=2, urgency=2), supervisor)
    clock.advance(timedelta(minutes=20))
    raised = IncidentCommands(ctx).edit(incident.id, incident.version, {"impact": 1, "urgency": 1})
    assert raised.next_update_due == clock.now() + timedelta(minutes=30)


def test_declaring_with_a_runbook_creates_its_checklist(
    ctx: ServiceContext, supervisor: Actor
) -> None:
    runbook = load_runbook("email-outage")
    incident = open_incident(ctx, "Email down for everyone", impact=1, urgency=1)
    major = IncidentCommands(as_actor(ctx, supervisor)).declare_major(
        incident.id, incident.version, commander_id=supervisor.agent_id, runbook=runbook
    )
    assert major.runbook_key == "email-outage"
    with ctx.db.read() as session:
        items = session.scalars(
            select(ChecklistItem)
            .where(ChecklistItem.incident_id == incident.id)
            .order_by(ChecklistItem.position)
        ).all()
        rows = [(i.position, i.text, i.owner_role, i.done_at, i.ad_hoc) for i in items]
    assert rows == [
        (n, item.text, item.owner, None, False) for n, item in enumerate(runbook.items, start=1)
    ]
    assert "runbook Email outage" in IncidentReads(ctx).timeline(incident.id)[-1].summary


def test_declaring_sets_the_affected_services_state(ctx: ServiceContext, supervisor: Actor) -> None:
    email = add_service(ctx.db, "Email")
    webmail = add_service(ctx.db, "Webmail", state=ServiceState.DEGRADED.value)
    incident = open_incident(ctx, impact=1, urgency=1)
    IncidentCommands(as_actor(ctx, supervisor)).declare_major(
        incident.id,
        incident.version,
        commander_id=supervisor.agent_id,
        comms_lead_id=ctx.actor.agent_id,
        affected=[
            AffectedService(email, ServiceState.MAJOR_OUTAGE),
            AffectedService(webmail, ServiceState.DEGRADED),
        ],
    )
    with ctx.db.read() as session:
        states = dict(session.execute(select(Service.name, Service.state)).all())
        linked = set(
            session.scalars(
                select(IncidentService.service_id).where(IncidentService.incident_id == incident.id)
            )
        )
    assert states == {"Email": "major_outage", "Webmail": "degraded"}
    assert linked == {email, webmail}
    summaries = [e.summary for e in IncidentReads(ctx).timeline(incident.id)]
    assert "Email: Operational → Major outage" in summaries
    assert not any(s.startswith("Webmail:") for s in summaries)  # it was already degraded
    assert IncidentReads(ctx).detail(incident.id).comms_lead == "Alice Admin"


def test_declaring_an_unknown_affected_service_is_refused_and_changes_nothing(
    ctx: ServiceContext, supervisor: Actor
) -> None:
    incident = open_incident(ctx, impact=1, urgency=1)
    with pytest.raises(InvalidInput) as refused:
        IncidentCommands(as_actor(ctx, supervisor)).declare_major(
            incident.id,
            incident.version,
            commander_id=supervisor.agent_id,
            affected=[AffectedService(999, ServiceState.MAJOR_OUTAGE)],
        )
    assert refused.value.field == "service_id"
    assert not IncidentReads(ctx).detail(incident.id).major


def test_declaring_with_an_unknown_commander_is_refused(
    ctx: ServiceContext, supervisor: Actor
) -> None:
    incident = open_incident(ctx, impact=1, urgency=1)
    with pytest.raises(InvalidInput, match="commander must be an existing agent"):
        IncidentCommands(as_actor(ctx, supervisor)).declare_major(
            incident.id, incident.version, commander_id=31337
        )


def test_declaring_twice_is_refused(ctx: ServiceContext, supervisor: Actor) -> None:
    major = _declare(ctx, open_incident(ctx, impact=1, urgency=1), supervisor)
    with pytest.raises(RuleViolation, match="already a major incident"):
        _declare(ctx, major, supervisor)
    assert IncidentReads(ctx).detail(major.id).version == major.version


def test_a_resolved_incident_cannot_be_declared_major(
    ctx: ServiceContext, supervisor: Actor
) -> None:
    commands = IncidentCommands(ctx)
    incident = open_incident(ctx)
    incident = commands.transition(incident.id, incident.version, Status.IN_PROGRESS)
    incident = commands.transition(incident.id, incident.version, Status.RESOLVED, resolution="x")
    with pytest.raises(RuleViolation, match="reopen it before declaring it major"):
        _declare(ctx, incident, supervisor)


def test_resolving_a_major_incident_stops_its_countdown_and_reopening_restarts_it(
    ctx: ServiceContext, clock: ManualClock, supervisor: Actor
) -> None:
    commands = IncidentCommands(ctx)
    incident = _declare(ctx, open_incident(ctx, impact=1, urgency=1), supervisor)
    incident = commands.transition(incident.id, incident.version, Status.IN_PROGRESS)
    incident = commands.transition(
        incident.id, incident.version, Status.RESOLVED, resolution="Restored sign-in."
    )
    assert incident.next_update_due is None
    clock.advance(timedelta(minutes=45))
    reopened = commands.transition(incident.id, incident.version, Status.IN_PROGRESS)
    assert reopened.next_update_due == clock.now() + timedelta(minutes=30)


# -- links --------------------------------------------------------------------------------


def test_linking_a_child_records_it_on_both_timelines(ctx: ServiceContext) -> None:
    parent = open_incident(ctx, "Email down", impact=1, urgency=1)
    child = open_incident(ctx, "Outlook disconnected")
    linked = IncidentCommands(ctx).link_to_parent(child.id, child.version, parent.id)
    assert (linked.parent_id, linked.parent_number) == (parent.id, "INC0000001")
    assert linked.version == child.version + 1
    reads = IncidentReads(ctx)
    assert reads.timeline(child.id)[-1].summary == "Linked to INC0000001"
    assert reads.timeline(parent.id)[-1].summary == "INC0000002 linked as a child"
    assert reads.detail(parent.id).version == parent.version  # a link does not edit the parent


def test_unlinking_clears_the_parent(ctx: ServiceContext) -> None:
    commands = IncidentCommands(ctx)
    parent = open_incident(ctx, "Email down")
    child = open_incident(ctx, "Outlook disconnected")
    child = commands.link_to_parent(child.id, child.version, parent.id)
    unlinked = commands.link_to_parent(child.id, child.version, None)
    assert unlinked.parent_id is None
    assert IncidentReads(ctx).timeline(child.id)[-1].kind == "unlinked"


def test_linking_to_the_same_parent_again_changes_nothing(ctx: ServiceContext) -> None:
    commands = IncidentCommands(ctx)
    parent = open_incident(ctx, "Email down")
    child = open_incident(ctx, "Outlook disconnected")
    child = commands.link_to_parent(child.id, child.version, parent.id)
    again = commands.link_to_parent(child.id, child.version, parent.id)
    assert again.version == child.version


def test_linking_an_incident_under_its_own_child_is_refused(ctx: ServiceContext) -> None:
    commands = IncidentCommands(ctx)
    grandparent = open_incident(ctx, "Data centre power")
    parent = open_incident(ctx, "Email down")
    child = open_incident(ctx, "Outlook disconnected")
    parent = commands.link_to_parent(parent.id, parent.version, grandparent.id)
    child = commands.link_to_parent(child.id, child.version, parent.id)
    grandparent = IncidentReads(ctx).detail(grandparent.id)
    with pytest.raises(RuleViolation, match="would make a loop"):
        commands.link_to_parent(grandparent.id, grandparent.version, child.id)
    assert IncidentReads(ctx).detail(grandparent.id).parent_id is None


def test_linking_an_incident_to_itself_is_refused(ctx: ServiceContext) -> None:
    incident = open_incident(ctx)
    with pytest.raises(RuleViolation, match="would make a loop"):
        IncidentCommands(ctx).link_to_parent(incident.id, incident.version, incident.id)


def test_linking_to_a_closed_parent_is_refused(ctx: ServiceContext) -> None:
    commands = IncidentCommands(ctx)
    parent = open_incident(ctx, "Old outage")
    for step in (Status.IN_PROGRESS, Status.RESOLVED, Status.CLOSED):
        parent = commands.transition(parent.id, parent.version, step, resolution="Fixed.")
    child = open_incident(ctx, "Outlook disconnected")
    with pytest.raises(RuleViolation, match="INC0000001 is closed; link to an open incident"):
        commands.link_to_parent(child.id, child.version, parent.id)
    assert IncidentReads(ctx).detail(child.id).parent_id is None
    assert [e.kind for e in IncidentReads(ctx).timeline(parent.id)][-1] == "status"


def test_linking_to_a_missing_parent_says_so(ctx: ServiceContext) -> None:
    child = open_incident(ctx)
    with pytest.raises(NotFound, match="parent incident no longer exists"):
        IncidentCommands(ctx).link_to_parent(child.id, child.version, 777)
