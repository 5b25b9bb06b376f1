"""Surge suggestions from logged calls (with a moved clock), declaring a major incident from one,
and the callback list once an incident resolves."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from app.domain.alerts import AlertMapping, AlertNotice, AlertStatus
from app.domain.clock import ManualClock
from app.domain.errors import RuleViolation
from app.domain.lifecycle import Status
from app.domain.roles import PermissionDenied, Role
from app.domain.surge import SurgeRule
from app.services.calls.commands import CallCommands
from app.services.calls.dto import CallDraft
from app.services.calls.reads import CallReads
from app.services.context import ServiceContext
from app.services.incidents.commands import IncidentCommands, IncidentDraft
from app.services.incidents.reads import IncidentReads
from app.services.intake.commands import AlertIntake, monitoring_actor
from tests.app.services.calls.test_calls import declare_outage
from tests.helpers import add_agent, add_service, as_actor


def _log(ctx: ServiceContext, service_id: int | None, **fields: object) -> int:
    values: dict[str, object] = {
        "client_uuid": str(uuid.uuid4()),
        "caller_name": "A Caller",
        "service_id": service_id,
        "symptom": "Cannot print",
    }
    values.update(fields)
    return CallCommands(ctx).log_call(CallDraft(**values)).call.id  # type: ignore[arg-type]


def _calls_every(ctx: ServiceContext, clock: ManualClock, service: int, n: int, step: int) -> None:
    for index in range(n):
        if index:
            clock.advance(timedelta(minutes=step))
        _log(ctx, service)


def test_five_calls_in_ten_minutes_suggest_a_major_incident(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    printing = add_service(ctx.db, "Printing")
    reads = CallReads(ctx)
    _calls_every(ctx, clock, printing, 4, step=2)
    assert reads.surges() == []
    clock.advance(timedelta(minutes=2))  # the 5th call, 8 minutes after the first
    _log(ctx, printing)
    [surge] = reads.surges()
    assert (surge.service, surge.count) == ("Printing", 5)
    assert surge.message == "Possible major incident: 5 calls about Printing in the last 10 min"
    clock.advance(timedelta(minutes=2))  # the first call is now exactly 10 min old: still in
    assert [s.count for s in reads.surges()] == [5]
    clock.advance(timedelta(seconds=1))  # and now it has left the window
    assert reads.surges() == []
    assert [s.count for s in reads.surges(SurgeRule(threshold=4))] == [4]


def test_a_service_already_covered_by_a_major_incident_does_not_surge(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    email = add_service(ctx.db, "Email")
    declare_outage(ctx, email, "Email down")
    _calls_every(ctx, clock, email, 7, step=1)
    assert CallReads(ctx).surges() == []


def test_declaring_from_a_surge_links_its_calls_and_the_surge_goes_quiet(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    printing = add_service(ctx.db, "Printing")
    _calls_every(ctx, clock, printing, 6, step=1)
    [surge] = CallReads(ctx).surges()
    supervisor = as_actor(ctx, add_agent(ctx.db, "sam", "Sam Supervisor", Role.SUPERVISOR))
    declared = CallCommands(supervisor).declare_major_from_surge(surge.service_id, surge.call_ids)
    major, outcome = declared.incident, declared.outcome
    assert declared.message == f"{major.number} declared a major incident; 6 calls linked."
    assert major.major
    assert major.commander == "Sam Supervisor"
    assert major.title == "Printing: many users affected (6 calls)"
    assert major.service == "Printing"
    assert (outcome.linked, outcome.calls) == (6, 6)
    assert IncidentReads(ctx).rows([major.id])[0].calls == 6
    assert CallReads(ctx).surges() == []
    [active] = CallReads(ctx).active_majors()
    assert active.id == major.id


def test_declaring_a_surge_a_colleague_already_declared_joins_their_major_incident(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    printing = add_service(ctx.db, "Printing")
    _calls_every(ctx, clock, printing, 5, step=1)
    [surge] = CallReads(ctx).surges()  # both supervisors' banners show this surge
    sam = as_actor(ctx, add_agent(ctx.db, "sam", "Sam Supervisor", Role.SUPERVISOR))
    kim = as_actor(ctx, add_agent(ctx.db, "kim", "Kim Supervisor", Role.SUPERVISOR))
    first = CallCommands(sam).declare_major_from_surge(printing, surge.call_ids)
    clock.advance(timedelta(minutes=1))
    late_call = _log(ctx, printing)
    second = CallCommands(kim).declare_major_from_surge(printing, [*surge.call_ids, late_call])
    assert second.incident.id == first.incident.id
    assert second.declared_by == "Sam Supervisor"
    assert second.message == (
        f"Sam Supervisor had just declared {first.incident.number} for this outage; "
        "your calls are linked to it (6 calls linked)."
    )
    assert (second.outcome.linked, second.outcome.calls) == (1, 6)
    assert len(CallReads(ctx).active_majors()) == 1
    assert IncidentReads(ctx).count() == 1


def test_an_agent_cannot_declare_from_a_surge_and_nothing_is_created(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    printing = add_service(ctx.db, "Printing")
    _calls_every(ctx, clock, printing, 5, step=1)
    [surge] = CallReads(ctx).surges()
    agent = as_actor(ctx, add_agent(ctx.db, "tom", "Tom Agent", Role.AGENT))
    with pytest.raises(PermissionDenied, match="Ask your shift supervisor"):
        CallCommands(agent).declare_major_from_surge(surge.service_id, surge.call_ids)
    assert IncidentReads(ctx).count() == 0
    assert [s.count for s in CallReads(ctx).surges()] == [5]


def test_callers_wanting_a_callback_appear_once_their_incident_resolves(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    vpn = add_service(ctx.db, "VPN")
    commands = IncidentCommands(ctx)
    incident = commands.open(IncidentDraft(title="VPN drops", service_id=vpn))
    wants = _log(
        ctx,
        vpn,
        caller_name="Rosa Silva",
        callback_wanted=True,
        callback_number="+44 7000",
        incident_id=incident.id,
    )
    _log(ctx, vpn, caller_name="No Callback", incident_id=incident.id)
    unlinked = _log(ctx, vpn, caller_name="Loose", callback_wanted=True, callback_number="1")
    reads = CallReads(ctx)
    assert reads.callbacks_due() == []
    pending = {r.caller for r in reads.rows() if r.callback_pending}
    assert pending == {"Rosa Silva", "Loose"}
    incident = commands.transition(incident.id, incident.version, Status.IN_PROGRESS)
    clock.advance(timedelta(minutes=30))
    commands.transition(incident.id, incident.version, Status.RESOLVED, resolution="Restarted")
    [due] = reads.callbacks_due()
    assert (due.id, due.caller, due.callback_number) == (wants, "Rosa Silva", "+44 7000")
    assert due.callback_due

    clock.advance(timedelta(minutes=5))
    done = CallCommands(ctx).mark_called_back(wants)
    assert done.callback_done_at == clock.now()
    assert reads.callbacks_due() == []
    last = IncidentReads(ctx).timeline(incident.id)[-1]
    assert (last.kind, last.summary, last.actor) == (
        "callback",
        "Called back Rosa Silva on +44 7000",
        ctx.actor.name,
    )
    clock.advance(timedelta(minutes=1))
    assert CallCommands(ctx).mark_called_back(wants).callback_done_at == done.callback_done_at
    assert [r.id for r in reads.rows() if r.callback_pending] == [unlinked]
    no_callback = next(r for r in reads.rows() if r.caller == "No Callback")
    with pytest.raises(RuleViolation, match="did not ask for a callback"):
        CallCommands(ctx).mark_called_back(no_callback.id)


def test_the_call_list_keeps_old_pending_callbacks_and_the_war_room_reads_its_calls(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    vpn = add_service(ctx.db, "VPN")
    incident = IncidentCommands(ctx).open(IncidentDraft(title="VPN drops", service_id=vpn))
    old = _log(ctx, vpn, caller_name="Old", callback_wanted=True, callback_number="1")
    _log(ctx, vpn, caller_name="Old, done")
    clock.advance(timedelta(days=10))
    newer = _log(ctx, vpn, caller_name="New", incident_id=incident.id)
    rows = CallReads(ctx).rows(since=clock.now() - timedelta(days=1))
    assert [r.id for r in rows] == [newer, old]  # newest first
    assert [r.caller for r in CallReads(ctx).for_incident(incident.id)] == ["New"]


def test_monitoring_firing_and_three_calls_suggest_a_major_incident(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    email = add_service(ctx.db, "Email")
    intake = AlertIntake(ServiceContext(ctx.db, clock, monitoring_actor(ctx.db)), AlertMapping())
    _calls_every(ctx, clock, email, 3, step=1)
    assert CallReads(ctx).surges() == []

    intake.receive(AlertNotice("generic", "MailDown", AlertStatus.FIRING, {"service": "Email"}, 1))

    [surge] = CallReads(ctx).surges()
    assert surge.message == (
        "Possible major incident: 3 calls and 1 monitoring alert about Email in the last 10 min"
    )
    intake.receive(
        AlertNotice("generic", "MailDown", AlertStatus.RESOLVED, {"service": "Email"}, 0)
    )
    assert len(CallReads(ctx).surges()) == 1  # recovered, but it fired within the window
    clock.advance(timedelta(minutes=11))
    _calls_every(ctx, clock, email, 3, step=1)
    assert CallReads(ctx).surges() == []  # three calls and an alert long recovered


def test_declaring_from_a_surge_with_monitoring_links_the_alerts_incident_as_a_child(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    email = add_service(ctx.db, "Email")
    intake = AlertIntake(ServiceContext(ctx.db, clock, monitoring_actor(ctx.db)), AlertMapping())
    alert = intake.receive(
        AlertNotice("generic", "MailDown", AlertStatus.FIRING, {"service": "Email"}, 1)
    )
    _calls_every(ctx, clock, email, 3, step=1)
    [surge] = CallReads(ctx).surges()

    declared = CallCommands(ctx).declare_major_from_surge(
        surge.service_id, surge.call_ids, surge.alert_incident_ids
    )

    child = IncidentReads(ctx).find_by_number(alert.incident_number or "")
    assert surge.alert_incident_ids == (child.id,)
    assert child.parent_id == declared.incident.id
    assert declared.outcome.calls == 3
    assert CallReads(ctx).surges() == []


def test_marking_a_selection_called_back_is_all_of_them_or_none(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    vpn = add_service(ctx.db, "VPN")
    incident = IncidentCommands(ctx).open(IncidentDraft(title="VPN drops", service_id=vpn))
    rosa = _log(ctx, vpn, caller_name="Rosa", callback_wanted=True, incident_id=incident.id)
    ken = _log(ctx, vpn, caller_name="Ken", callback_wanted=True, callback_number="2")
    quiet = _log(ctx, vpn, caller_name="Quiet", incident_id=incident.id)
    reads = CallReads(ctx)
    timeline = IncidentReads(ctx).timeline(incident.id)

    with pytest.raises(RuleViolation, match="Quiet did not ask for a callback"):
        CallCommands(ctx).mark_all_called_back([rosa, ken, quiet])

    assert {r.caller for r in reads.rows() if r.callback_pending} == {"Rosa", "Ken"}
    assert IncidentReads(ctx).timeline(incident.id) == timeline

    clock.advance(timedelta(minutes=3))
    done = CallCommands(ctx).mark_all_called_back([rosa, ken])

    assert [(r.caller, r.callback_done_at) for r in done] == [
        ("Rosa", clock.now()),
        ("Ken", clock.now()),
    ]
    assert not any(r.callback_pending for r in reads.rows())
    assert IncidentReads(ctx).timeline(incident.id)[-1].summary == "Called back Rosa"


def test_declaring_from_a_surge_adopts_monitoring_incidents_still_open_in_the_same_write(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    printing = add_service(ctx.db, "Printing")
    commands = IncidentCommands(ctx)
    alerted = commands.open(IncidentDraft(title="PrinterDown", service_id=printing))
    gone = commands.open(IncidentDraft(title="PrinterJam", service_id=printing))
    commands.transition(gone.id, gone.version, Status.CANCELLED)
    _calls_every(ctx, clock, printing, 5, step=1)
    [surge] = CallReads(ctx).surges()

    declared = CallCommands(ctx).declare_major_from_surge(
        surge.service_id, surge.call_ids, [alerted.id, gone.id]
    )

    reads = IncidentReads(ctx)
    child = reads.detail(alerted.id)
    assert (child.parent_id, child.version) == (declared.incident.id, alerted.version + 1)
    assert reads.detail(gone.id).parent_id is None  # cancelled: left alone
    assert reads.timeline(alerted.id)[-1].summary == f"Linked to {declared.incident.number}"
