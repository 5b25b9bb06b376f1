"""Logging calls through the use case: saved once, linked to the outage, prefilled incidents,
contacts made on the fly. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from app.db.models import Call, ChangeLogEntry, Contact
from app.domain.errors import RuleViolation
from app.domain.lifecycle import Status
from app.domain.roles import Role
from app.domain.services_state import ServiceState
from app.services.calls.commands import CallCommands
from app.services.calls.dto import CallDraft, ContactDraft
from app.services.calls.reads import CallReads
from app.services.context import ServiceContext
from app.services.errors import InvalidInput
from app.services.incidents.commands import AffectedService, IncidentCommands, IncidentDraft
from app.services.incidents.dto import IncidentDetail
from app.services.incidents.reads import IncidentReads
from tests.helpers import add_agent, add_service, as_actor


@dataclass(frozen=True)
class World:
    email: int
    vpn: int
    anna: int
    outage: IncidentDetail


def _contact(ctx: ServiceContext, name: str, phone: str, email: str, vip: bool = False) -> int:
    with ctx.db.write() as session:
        contact = Contact(name=name, phone=phone, email=email, vip=vip)
        session.add(contact)
        session.flush()
        return contact.id


def declare_outage(ctx: ServiceContext, service_id: int, title: str) -> IncidentDetail:
    commands = IncidentCommands(ctx)
    opened = commands.open(IncidentDraft(title=title, impact=1, urgency=1, service_id=service_id))
    major = commands.declare_major(
        opened.id,
        opened.version,
        commander_id=ctx.actor.agent_id,
        affected=[AffectedService(service_id, ServiceState.MAJOR_OUTAGE)],
    )
    return commands.edit(
        major.id,
        major.version,
        {"public_message": "We know email is down; use webmail meanwhile. Next update at 10:00."},
    )


@pytest.fixture
def world(ctx: ServiceContext) -> World:
    email, vpn = add_service(ctx.db, "Email"), add_service(ctx.db, "VPN")
    anna = _contact(ctx, "Anna Schmidt", "+44 20 7946 1000", "anna.schmidt@example.com", vip=True)
    _contact(ctx, "Annabel Lee", "+44 20 7946 2000", "annabel@example.com")
    outage = declare_outage(ctx, email, "Email down for all users: Outlook cannot connect")
    return World(email, vpn, anna, outage)


def draft(**fields: object) -> CallDraft:
    values: dict[str, object] = {"client_uuid": str(uuid.uuid4()), "caller_name": "Ben Okoro"}
    values.update(fields)
    return CallDraft(**values)  # type: ignore[arg-type]


def _count(ctx: ServiceContext, model: type[Call] | type[Contact]) -> int:
    with ctx.db.read() as session:
        return int(session.scalar(select(func.count(model.id))) or 0)


def test_a_logged_call_is_saved_with_who_what_and_when(ctx: ServiceContext, world: World) -> None:
    logged = CallCommands(ctx).log_call(
        draft(
            service_id=world.email,
            symptom="Outlook says disconnected",
            callback_wanted=True,
            callback_number="+44 20 7946 5555",
        )
    )
    call = logged.call
    assert logged.created
    assert (call.caller, call.service, call.symptom) == (
        "Ben Okoro",
        "Email",
        "Outlook says disconnected",
    )
    assert call.at == ctx.clock.now()
    assert call.callback_pending
    assert call.callback_number == "+44 20 7946 5555"
    assert call.incident_id is None
    assert logged.incident_calls is None
    assert call.agent == ctx.actor.name
    with ctx.db.read() as session:
        entry = session.scalars(
            select(ChangeLogEntry).where(ChangeLogEntry.entity == "calls")
        ).one()
    assert (entry.entity_id, entry.action) == (call.id, "insert")


def test_saving_the_same_draft_twice_saves_one_call(ctx: ServiceContext, world: World) -> None:
    commands = CallCommands(ctx)
    same = draft(service_id=world.email, incident_id=world.outage.id)
    first, again = commands.log_call(same), commands.log_call(same)
    assert first.created
    assert not again.created
    assert again.call == first.call
    assert again.incident_calls == first.incident_calls == 1
    assert _count(ctx, Call) == 1
    timeline = IncidentReads(ctx).timeline(world.outage.id)
    assert sum(e.kind == "call" for e in timeline) == 1


def test_linking_to_the_outage_grows_its_call_count_and_writes_its_timeline(
    ctx: ServiceContext, world: World
) -> None:
    commands = CallCommands(ctx)
    for n in range(3):
        logged = commands.log_call(
            draft(caller_name=f"Caller {n}", symptom="No mail", incident_id=world.outage.id)
        )
        assert logged.incident_calls == n + 1
    [row] = IncidentReads(ctx).rows([world.outage.id])
    assert row.calls == 3
    last = IncidentReads(ctx).timeline(world.outage.id)[-1]
    assert (last.kind, last.summary) == ("call", "Call from Caller 2 linked: No mail")
    with ctx.db.read() as session:
        fields = session.scalars(
            select(ChangeLogEntry.fields)
            .where(
                ChangeLogEntry.entity == "incidents", ChangeLogEntry.entity_id == world.outage.id
            )
            .order_by(ChangeLogEntry.id.desc())
            .limit(1)
        ).one()
    assert fields == ["calls"]
    assert IncidentReads(ctx).detail(world.outage.id).version == world.outage.version


def test_link_by_number_accepts_short_numbers_and_names_a_missing_one(
    ctx: ServiceContext, world: World
) -> None:
    commands = CallCommands(ctx)
    short = world.outage.number.removeprefix("INC").lstrip("0")
    logged = commands.log_call(draft(incident_number=short))
    assert logged.call.incident_number == world.outage.number
    with pytest.raises(InvalidInput, match="There is no incident INC0009999") as missing:
        commands.log_call(draft(incident_number="inc9999"))
    assert missing.value.field == "incident_number"


def test_a_call_cannot_be_linked_to_a_resolved_incident(ctx: ServiceContext, world: World) -> None:
    incidents = IncidentCommands(ctx)
    other = incidents.open(IncidentDraft(title="VPN slow"))
    other = incidents.transition(other.id, other.version, Status.IN_PROGRESS)
    incidents.transition(other.id, other.version, Status.RESOLVED, resolution="Fixed")
    with pytest.raises(RuleViolation, match="resolved; reopen it, or open a new incident"):
        CallCommands(ctx).log_call(draft(incident_id=other.id))
    assert _count(ctx, Call) == 0


def test_an_empty_call_or_a_missing_save_key_is_refused(ctx: ServiceContext, world: World) -> None:
    commands = CallCommands(ctx)
    with pytest.raises(InvalidInput, match="Type who called"):
        commands.log_call(CallDraft(client_uuid=str(uuid.uuid4()), caller_name="   "))
    with pytest.raises(InvalidInput, match="save key"):
        commands.log_call(draft(client_uuid="not-a-uuid"))
    assert _count(ctx, Call) == 0


def test_a_new_caller_becomes_a_contact_once(ctx: ServiceContext, world: World) -> None:
    commands = CallCommands(ctx)
    before = _count(ctx, Contact)
    first = commands.log_call(
        draft(caller_name="Farid Novak", add_contact=True, callback_number="+44 1")
    )
    again = commands.log_call(draft(caller_name="farid novak", add_contact=True))
    assert _count(ctx, Contact) == before + 1
    assert first.call.contact_id is not None
    assert again.call.contact_id == first.call.contact_id
    [card] = CallReads(ctx).find_callers("Farid")
    assert (card.name, card.phone) == ("Farid Novak", "+44 1")
    assert [c.at for c in card.recent_calls] == [ctx.clock.now(), ctx.clock.now()]


def test_contacts_can_be_added_from_the_form(ctx: ServiceContext, world: World) -> None:
    card = CallCommands(ctx).create_contact(
        ContactDraft(name=" Grace  Costa ", phone="+44 20 7000", vip=True)
    )
    assert (card.name, card.phone, card.vip) == ("Grace Costa", "+44 20 7000", True)
    with pytest.raises(InvalidInput, match="name"):
        CallCommands(ctx).create_contact(ContactDraft(name=" "))


def test_a_callback_uses_the_contacts_phone_when_none_is_typed(
    ctx: ServiceContext, world: World
) -> None:
    logged = CallCommands(ctx).log_call(
        draft(caller_name="", contact_id=world.anna, callback_wanted=True)
    )
    assert logged.call.caller == "Anna Schmidt"
    assert logged.call.vip
    assert logged.call.callback_number == "+44 20 7946 1000"


def test_bulk_link_moves_calls_and_both_timelines_say_so(ctx: ServiceContext, world: World) -> None:
    commands = CallCommands(ctx)
    other = IncidentCommands(ctx).open(IncidentDraft(title="Outlook disconnected"))
    moved = commands.log_call(draft(caller_name="Moved", incident_id=other.id)).call
    loose = [commands.log_call(draft(caller_name=f"Loose {n}")).call for n in range(2)]
    outcome = commands.link_calls([moved.id, *(c.id for c in loose)], world.outage.id)
    assert (outcome.number, outcome.linked, outcome.calls) == (world.outage.number, 3, 3)
    again = commands.link_calls([moved.id], world.outage.id)
    assert (again.linked, again.calls) == (0, 3)
    assert IncidentReads(ctx).timeline(other.id)[-1].summary == (
        f"Call from Moved moved to {world.outage.number}"
    )
    assert IncidentReads(ctx).timeline(world.outage.id)[-1].summary == "3 calls linked"
    assert {r.incident_id for r in CallReads(ctx).rows()} == {world.outage.id}
    with pytest.raises(InvalidInput, match="Select the calls"):
        commands.link_calls([], world.outage.id)


def test_a_new_incident_from_a_call_is_prefilled_and_linked(
    ctx: ServiceContext, world: World
) -> None:
    commands = CallCommands(ctx)
    call = commands.log_call(
        draft(
            contact_id=world.anna,
            caller_name="",
            service_id=world.vpn,
            symptom="Cannot connect from the hotel",
            callback_wanted=True,
        )
    ).call
    incident = commands.new_incident_from_call(call.id)
    assert incident.title == "VPN: Cannot connect from the hotel"
    assert (incident.service, incident.caller, incident.channel) == ("VPN", "Anna Schmidt", "phone")
    assert "What they see: Cannot connect from the hotel" in incident.description
    assert "Callback wanted on +44 20 7946 1000" in incident.description
    assert CallReads(ctx).rows_by_id([call.id])[0].incident_id == incident.id
    assert IncidentReads(ctx).rows([incident.id])[0].calls == 1
    with pytest.raises(RuleViolation, match=f"already linked to {incident.number}"):
        commands.new_incident_from_call(call.id)


def test_logging_a_call_as_a_new_incident_is_safe_to_repeat(
    ctx: ServiceContext, world: World
) -> None:
    commands = CallCommands(ctx)
    same = draft(service_id=world.vpn, symptom="VPN drops")
    logged, incident = commands.log_call_as_new_incident(same)
    again, same_incident = commands.log_call_as_new_incident(same)
    assert logged.created
    assert not again.created
    assert same_incident.id == incident.id
    assert IncidentReads(ctx).count() == 2  # the outage and this one
    assert logged.call.incident_id == incident.id


def test_caller_lookup_by_name_phone_or_email_shows_vip_and_history(
    ctx: ServiceContext, world: World
) -> None:
    CallCommands(ctx).log_call(
        draft(
            contact_id=world.anna,
            caller_name="",
            service_id=world.email,
            symptom="No mail",
            incident_id=world.outage.id,
        )
    )
    IncidentCommands(ctx).open(IncidentDraft(title="Laptop will not boot", caller_id=world.anna))
    reads = CallReads(ctx)
    assert [c.name for c in reads.find_callers("anna")] == ["Anna Schmidt", "Annabel Lee"]
    assert [c.name for c in reads.find_callers("7946 1000")] == ["Anna Schmidt"]
    assert [c.name for c in reads.find_callers("79461000")] == ["Anna Schmidt"]
    assert [c.name for c in reads.find_callers("annabel@")] == ["Annabel Lee"]
    assert reads.find_callers("100%") == []
    card = reads.find_callers("Anna Schmidt")[0]
    assert card.vip
    assert [(c.service, c.symptom, c.incident_number) for c in card.recent_calls] == [
        ("Email", "No mail", world.outage.number)
    ]
    assert [i.title for i in card.recent_incidents] == ["Laptop will not boot"]


def test_active_majors_carry_what_to_tell_callers(ctx: ServiceContext, world: World) -> None:
    CallCommands(ctx).log_call(draft(incident_id=world.outage.id))
    [major] = CallReads(ctx).active_majors()
    assert (major.number, major.services, major.calls) == (world.outage.number, ("Email",), 1)
    assert major.what_to_say.startswith("We know email is down")
    assert major.service_ids == (world.email,)


def test_any_role_may_log_calls_but_only_supervisors_declare_from_a_surge(
    ctx: ServiceContext, world: World
) -> None:
    agent = as_actor(ctx, add_agent(ctx.db, "tom", "Tom Agent", Role.AGENT))
    logged = CallCommands(agent).log_call(draft(service_id=world.vpn, symptom="VPN drops"))
    assert logged.call.agent == "Tom Agent"
    with pytest.raises(Exception, match="Only a supervisor or above may declare"):
        CallCommands(agent).declare_major_from_surge(world.vpn, [logged.call.id])
