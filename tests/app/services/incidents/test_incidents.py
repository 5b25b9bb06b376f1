"""Opening, editing and assigning incidents, and notes on their timeline. Every test runs on a
real SQLite file and a real PostgreSQL database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.db.models import ChangeLogEntry, Counter, Incident, TimelineEvent
from app.domain.clock import ManualClock
from app.domain.priority import Priority
from app.domain.roles import Role
from app.services.context import ServiceContext
from app.services.errors import InvalidInput, NotFound
from app.services.incidents import unit_of_work as incident_writes
from app.services.incidents.commands import IncidentCommands, IncidentDraft
from app.services.incidents.reads import IncidentReads
from tests.helpers import add_agent, add_service, add_team, as_actor, open_incident


def _timeline_kinds(ctx: ServiceContext, incident_id: int) -> list[str]:
    return [entry.kind for entry in IncidentReads(ctx).timeline(incident_id)]


def _change_rows(ctx: ServiceContext, incident_id: int) -> list[ChangeLogEntry]:
    with ctx.db.read() as session:
        return list(
            session.scalars(
                select(ChangeLogEntry)
                .where(
                    ChangeLogEntry.entity == "incidents", ChangeLogEntry.entity_id == incident_id
                )
                .order_by(ChangeLogEntry.id)
            )
        )


# -- open ---------------------------------------------------------------------------------


def test_incidents_are_numbered_in_sequence(ctx: ServiceContext) -> None:
    first = open_incident(ctx, "Mail down")
    second = open_incident(ctx, "VPN down")
    assert (first.number, second.number) == ("INC0000001", "INC0000002")


def test_opening_derives_priority_from_impact_and_urgency(ctx: ServiceContext) -> None:
    incident = open_incident(ctx, impact=1, urgency=2)
    assert incident.priority is Priority.HIGH
    assert (incident.impact, incident.urgency) == (1, 2)


def test_opening_sets_sla_due_times_from_the_policy(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    incident = open_incident(ctx, impact=1, urgency=1)
    assert incident.opened_at == clock.now()
    assert incident.respond_by == clock.now() + timedelta(minutes=15)
    assert incident.resolve_by == clock.now() + timedelta(hours=4)
    assert incident.acknowledged_at is None


def test_a_new_incident_is_new_unassigned_and_at_version_one(ctx: ServiceContext) -> None:
    incident = open_incident(ctx)
    assert incident.status.value == "new"
    assert incident.assignee_id is None
    assert incident.version == 1
    assert not incident.major


def test_opening_writes_the_created_event_and_an_insert_in_the_change_log(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    incident = open_incident(ctx, "Mail down", impact=1, urgency=1)
    timeline = IncidentReads(ctx).timeline(incident.id)
    assert [(e.kind, e.actor, e.at) for e in timeline] == [("created", "Alice Admin", clock.now())]
    assert "INC0000001" in timeline[0].summary
    assert "P1 Critical" in timeline[0].summary
    [change] = _change_rows(ctx, incident.id)
    assert (change.action, change.version, change.actor_id) == ("insert", 1, ctx.actor.agent_id)


def test_opening_leaves_nothing_behind_when_the_change_log_write_fails(
    ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The incident, its number, its timeline and its change-log row are one transaction.
    def broken_record_change(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(incident_writes, "record_change", broken_record_change)
    with pytest.raises(RuntimeError, match="disk full"):
        open_incident(ctx)
    with ctx.db.read() as session:
        assert session.scalar(select(func.count(Incident.id))) == 0
        assert session.scalar(select(func.count(TimelineEvent.id))) == 0
        assert session.scalar(select(Counter.value).where(Counter.name == "incident_number")) == 0
    monkeypatch.undo()
    assert open_incident(ctx).number == "INC0000001"


def test_opening_with_an_assignee_takes_the_assignee_team(ctx: ServiceContext) -> None:
    team = add_team(ctx.db, "Network")
    marco = add_agent(ctx.db, "marco", "Marco Rossi", team_id=team)
    incident = IncidentCommands(ctx).open(
        IncidentDraft(title="Wi-Fi down", assignee_id=marco.agent_id)
    )
    assert (incident.assignee, incident.team) == ("Marco Rossi", "Network")


def test_an_imported_incident_keeps_its_original_opening_time(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    then = clock.now() - timedelta(days=2)
    incident = IncidentCommands(ctx).open(
        IncidentDraft(title="Old one", impact=3, urgency=3, opened_at=then)
    )
    assert incident.opened_at == then
    assert incident.resolve_by == then + timedelta(days=5)


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        (IncidentDraft(title="   "), "title"),
        (IncidentDraft(title="x" * 301), "title"),
        (IncidentDraft(title="Ok", impact=4), "impact"),
        (IncidentDraft(title="Ok", urgency=0), "urgency"),
        (IncidentDraft(title="Ok", channel="pigeon"), "channel"),
    ],
)
def test_opening_refuses_bad_input_naming_the_field(
    ctx: ServiceContext, draft: IncidentDraft, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        IncidentCommands(ctx).open(draft)
    assert refused.value.field == field
    assert IncidentReads(ctx).count() == 0


def test_opening_collapses_whitespace_in_the_title(ctx: ServiceContext) -> None:
    assert open_incident(ctx, "  Mail \n  down  ").title == "Mail down"


# -- edit ---------------------------------------------------------------------------------


def test_editing_impact_and_urgency_rederives_priority_and_moves_due_times(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    incident = open_incident(ctx, impact=2, urgency=2)
    opened = incident.opened_at
    assert incident.resolve_by == opened + timedelta(hours=24)
    clock.advance(timedelta(minutes=10))
    edited = IncidentCommands(ctx).edit(incident.id, incident.version, {"impact": 1, "urgency": 1})
    assert edited.priority is Priority.CRITICAL
    assert edited.respond_by == opened + timedelta(minutes=15)
    assert edited.resolve_by == opened + timedelta(hours=4)
    assert edited.version == incident.version + 1
    assert _timeline_kinds(ctx, incident.id) == ["created", "priority", "edited"]


def test_editing_urgency_alone_can_lower_priority(ctx: ServiceContext) -> None:
    incident = open_incident(ctx, impact=1, urgency=1)
    edited = IncidentCommands(ctx).edit(incident.id, incident.version, {"urgency": 3})
    assert edited.priority is Priority.MODERATE
    assert edited.resolve_by == incident.opened_at + timedelta(hours=24)


def test_editing_plain_fields_records_which_changed(ctx: ServiceContext) -> None:
    incident = open_incident(ctx)
    service = add_service(ctx.db, "Printing")
    edited = IncidentCommands(ctx).edit(
        incident.id,
        incident.version,
        {"title": "All printers jam", "service_id": service, "workaround": "  Use floor 3 "},
    )
    assert (edited.title, edited.service, edited.workaround) == (
        "All printers jam",
        "Printing",
        "Use floor 3",
    )
    assert edited.priority == incident.priority
    change = _change_rows(ctx, incident.id)[-1]
    assert (change.action, change.version) == ("update", 2)
    assert change.fields == ["service_id", "title", "workaround"]


def test_an_edit_that_changes_nothing_keeps_the_version(ctx: ServiceContext) -> None:
    incident = open_incident(ctx, "Mail down")
    same = IncidentCommands(ctx).edit(incident.id, incident.version, {"title": "Mail down"})
    assert same.version == incident.version
    assert _timeline_kinds(ctx, incident.id) == ["created"]


@pytest.mark.parametrize("field", ["priority", "status", "version", "number"])
def test_editing_a_field_that_is_not_editable_is_refused(ctx: ServiceContext, field: str) -> None:
    incident = open_incident(ctx)
    with pytest.raises(InvalidInput, match="cannot be edited") as refused:
        IncidentCommands(ctx).edit(incident.id, incident.version, {field: 1})
    assert refused.value.field == field
    assert IncidentReads(ctx).detail(incident.id).version == incident.version


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": " \t "}, "title"),
        ({"title": "y" * 301}, "title"),
        ({"impact": 7}, "impact"),
        ({"urgency": "urgent"}, "urgency"),
        ({"channel": "fax"}, "channel"),
        ({"eta": "tomorrow"}, "eta"),
    ],
)
def test_editing_refuses_invalid_values_naming_the_field(
    ctx: ServiceContext, changes: dict[str, object], field: str
) -> None:
    incident = open_incident(ctx, "Mail down")
    with pytest.raises(InvalidInput) as refused:
        IncidentCommands(ctx).edit(incident.id, incident.version, changes)
    assert refused.value.field == field
    assert str(refused.value)
    current = IncidentReads(ctx).detail(incident.id)
    assert (current.title, current.version) == ("Mail down", 1)


def test_editing_an_incident_that_does_not_exist_says_so(ctx: ServiceContext) -> None:
    with pytest.raises(NotFound, match="no longer exists"):
        IncidentCommands(ctx).edit(999, 1, {"title": "x"})


# -- assign -------------------------------------------------------------------------------


def test_assigning_sets_the_agent_and_their_team(ctx: ServiceContext) -> None:
    team = add_team(ctx.db, "Messaging")
    jon = add_agent(ctx.db, "jon", "Jon Eriksen", team_id=team)
    incident = open_incident(ctx)
    assigned = IncidentCommands(ctx).assign(incident.id, incident.version, assignee_id=jon.agent_id)
    assert (assigned.assignee_id, assigned.assignee) == (jon.agent_id, "Jon Eriksen")
    assert (assigned.team_id, assigned.team) == (team, "Messaging")
    assert assigned.version == 2
    timeline = IncidentReads(ctx).timeline(incident.id)
    assert timeline[-1].kind == "assigned"
    assert timeline[-1].summary == "Assigned to Jon Eriksen (Messaging)"


def test_assigning_to_a_team_explicitly_overrides_the_agent_team(ctx: ServiceContext) -> None:
    desk = add_team(ctx.db, "Service Desk")
    network = add_team(ctx.db, "Network")
    priya = add_agent(ctx.db, "priya", "Priya Nair", team_id=desk)
    incident = open_incident(ctx)
    assigned = IncidentCommands(ctx).assign(
        incident.id, incident.version, assignee_id=priya.agent_id, team_id=network
    )
    assert assigned.team == "Network"


def test_unassigning_keeps_the_team(ctx: ServiceContext) -> None:
    team = add_team(ctx.db, "Network")
    marco = add_agent(ctx.db, "marco", "Marco Rossi", team_id=team)
    commands = IncidentCommands(ctx)
    incident = open_incident(ctx)
    incident = commands.assign(incident.id, incident.version, assignee_id=marco.agent_id)
    unassigned = commands.assign(incident.id, incident.version, assignee_id=None)
    assert unassigned.assignee_id is None
    assert unassigned.team == "Network"
    assert IncidentReads(ctx).timeline(incident.id)[-1].summary == "Assigned to nobody (Network)"


def test_assigning_to_an_unknown_agent_is_refused(ctx: ServiceContext) -> None:
    incident = open_incident(ctx)
    with pytest.raises(InvalidInput) as refused:
        IncidentCommands(ctx).assign(incident.id, incident.version, assignee_id=4242)
    assert refused.value.field == "assignee_id"
    assert IncidentReads(ctx).detail(incident.id).assignee_id is None


def test_reassigning_to_the_same_agent_changes_nothing(ctx: ServiceContext) -> None:
    tom = add_agent(ctx.db, "tom", "Tom Becker")
    commands = IncidentCommands(ctx)
    incident = open_incident(ctx)
    incident = commands.assign(incident.id, incident.version, assignee_id=tom.agent_id)
    again = commands.assign(incident.id, incident.version, assignee_id=tom.agent_id)
    assert again.version == incident.version


# -- notes --------------------------------------------------------------------------------


def test_a_note_goes_on_the_timeline_without_changing_the_incident(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    incident = open_incident(ctx)
    clock.advance(timedelta(minutes=4))
    event_id = IncidentCommands(ctx).add_note(incident.id, "  Caller rebooted twice  ", pinned=True)
    last = IncidentReads(ctx).timeline(incident.id)[-1]
    assert (last.id, last.kind, last.summary, last.pinned) == (
        event_id,
        "note",
        "Caller rebooted twice",
        True,
    )
    assert last.at == clock.now()
    assert IncidentReads(ctx).detail(incident.id).version == incident.version
    change = _change_rows(ctx, incident.id)[-1]
    assert (change.action, change.fields) == ("note", ["timeline"])


def test_an_empty_note_is_refused(ctx: ServiceContext) -> None:
    incident = open_incident(ctx)
    with pytest.raises(InvalidInput) as refused:
        IncidentCommands(ctx).add_note(incident.id, "   ")
    assert refused.value.field == "note"
    assert _timeline_kinds(ctx, incident.id) == ["created"]


def test_a_note_on_a_missing_incident_says_so(ctx: ServiceContext) -> None:
    with pytest.raises(NotFound):
        IncidentCommands(ctx).add_note(12345, "hello")


def test_an_agent_may_open_edit_assign_and_note(ctx: ServiceContext) -> None:
    agent = add_agent(ctx.db, "lena", "Lena Kovacs", Role.AGENT)
    commands = IncidentCommands(as_actor(ctx, agent))
    incident = commands.open(IncidentDraft(title="Laptop will not boot"))
    incident = commands.edit(incident.id, incident.version, {"urgency": 1})
    incident = commands.assign(incident.id, incident.version, assignee_id=agent.agent_id)
    commands.add_note(incident.id, "Loan laptop given")
    assert IncidentReads(ctx).timeline(incident.id)[-1].actor == "Lena Kovacs"


def test_editing_to_a_service_that_does_not_exist_is_refused_by_field(
    ctx: ServiceContext,
) -> None:
    commands = IncidentCommands(ctx)
    incident = commands.open(IncidentDraft(title="Printer jam"))
    with pytest.raises(InvalidInput) as refused:
        commands.edit(incident.id, incident.version, {"service_id": 99_999})
    assert refused.value.field == "service_id"
    with pytest.raises(InvalidInput) as refused:
        commands.edit(incident.id, incident.version, {"caller_id": 99_999})
    assert refused.value.field == "caller_id"
