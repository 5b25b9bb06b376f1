"""History the database vouches for: a real login with only the agent role, typing SQL the way an
agent could with psql and their own password, tries every forgery issue 15 lists. The server
refuses each one or corrects it to the truth (its own time, the login's agent), audits edits made
outside the console, and still lets the owner or an admin bring in history with its own authors
and times."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import select

from app.adapters.drill_scripts import shipped_script
from app.adapters.outbox_store import OutboxStore
from app.adapters.runbooks import load_runbook
from app.db.models import ChangeLogEntry
from app.domain.clock import ManualClock
from app.domain.lifecycle import HoldReason, Status
from app.domain.roles import Role
from app.domain.status_update import Audience, UpdateBody
from app.services.calls.commands import CallCommands
from app.services.calls.drafts import new_client_uuid
from app.services.calls.dto import CallDraft
from app.services.context import ServiceContext
from app.services.drills.commands import DrillCommands
from app.services.incidents.commands import IncidentCommands
from app.services.incidents.presence import PresenceService, incident_subject
from app.services.incidents.reads import IncidentReads
from app.services.offline.operations import AddNote
from app.services.offline.outbox import Outbox
from app.services.war_room.commands import WarRoomCommands
from app.services.war_room.dto import ResolutionDraft, UpdateDraft, VendorDraft
from app.services.war_room.resolution import MajorResolution
from app.services.war_room.status_updates import StatusUpdates
from tests.helpers import TeamServer, add_service, open_incident

pytestmark = pytest.mark.postgres

THREE_DAYS = timedelta(days=3)
BODY = UpdateBody(
    what_happened="Email is down for everyone.",
    current_impact="Nobody can send mail.",
    actions="Restarting the gateway.",
    workaround="Use Teams.",
    eta=None,
    next_update_at=None,
)


@dataclass
class Desk:
    """Pat (an agent) and Sam (a supervisor), each with a real database login, and what Pat did
    through the console: an incident, a status update, a call and a checklist tick."""

    server: TeamServer
    pat: ServiceContext
    sam: ServiceContext
    incident_id: int
    update_id: int
    call_id: int
    item_id: int

    def sql(self, who: ServiceContext) -> psycopg.Connection[tuple[Any, ...]]:
        """A plain SQL session as that login: what psql with their password gives them."""
        url = self.server.url_for(who.actor.login).replace("postgresql+psycopg://", "postgresql://")
        return psycopg.connect(url, autocommit=True)


@pytest.fixture
def desk(team_server: TeamServer) -> Desk:
    pat = team_server.ctx_as(team_server.add_login("pat", Role.AGENT, display="Pat Agent"))
    sam = team_server.ctx_as(team_server.add_login("sam", Role.SUPERVISOR, display="Sam Lead"))
    incident = open_incident(pat, "Email down", impact=1, urgency=1)
    posted = StatusUpdates(pat).post(incident.id, UpdateDraft(Audience.INTERNAL, BODY, False))
    call = CallCommands(pat).log_call(
        CallDraft(new_client_uuid(), caller_name="Dana", symptom="No mail since 8:05")
    )
    item = WarRoomCommands(pat).add_item(incident.id, "Page the messaging team")
    WarRoomCommands(pat).set_item_done(item.id, True)
    return Desk(team_server, pat, sam, incident.id, posted.update.id, call.call.id, item.id)


def refused(connection: psycopg.Connection[Any], statement: str, *params: object) -> str:
    with pytest.raises(psycopg.Error) as caught, connection.transaction():
        connection.execute(statement, params)
    return str(caught.value)


def run(connection: psycopg.Connection[Any], statement: str, *params: object) -> None:
    with connection.transaction():  # committed: deferred triggers (the audit) run here
        connection.execute(statement, params)


def one(connection: psycopg.Connection[Any], query: str, *params: object) -> Any:
    row = connection.execute(query, params).fetchone()
    assert row is not None
    return row[0] if len(row) == 1 else row


def server_now(connection: psycopg.Connection[Any]) -> datetime:
    moment = one(connection, "SELECT clock_timestamp()")
    assert isinstance(moment, datetime)
    return moment


def test_a_timeline_event_is_written_in_the_logins_own_name_at_the_servers_time(
    desk: Desk,
) -> None:
    insert = (
        "INSERT INTO timeline_events (incident_id, at, actor_id, kind, summary, pinned) "
        "VALUES (%s, now() - interval '3 days', %s, 'note', %s, false)"
    )
    with desk.sql(desk.pat) as sql:
        signed_as_supervisor = refused(sql, insert, desk.incident_id, desk.sam.actor.agent_id, "x")
        assert "only in your own name" in signed_as_supervisor
        run(sql, insert, desk.incident_id, desk.pat.actor.agent_id, "Backdated note")
        run(
            sql,
            "INSERT INTO timeline_events (incident_id, at, kind, summary, pinned) "
            "VALUES (%s, '2020-01-01', 'note', 'Unsigned note', false)",
            desk.incident_id,
        )
        rows = sql.execute(
            "SELECT actor_id, at FROM timeline_events WHERE summary IN "
            "('Backdated note', 'Unsigned note')"
        ).fetchall()
        now = server_now(sql)
    assert [actor for actor, _ in rows] == [desk.pat.actor.agent_id] * 2
    assert all(now - at < timedelta(minutes=1) for _, at in rows)  # not three days or years ago


def test_a_posted_status_update_cannot_be_rewritten_or_deleted(desk: Desk) -> None:
    with desk.sql(desk.pat) as sql:
        for statement in (
            "UPDATE status_updates SET what_happened = 'All fine' WHERE id = %s",
            "UPDATE status_updates SET author_id = NULL, posted_at = now() WHERE id = %s",
            "DELETE FROM status_updates WHERE id = %s",
        ):
            assert "permission denied" in refused(sql, statement, desk.update_id)
        backdated = refused(
            sql,
            "INSERT INTO status_updates (incident_id, posted_at, author_id, audience, "
            "what_happened, current_impact, actions, workaround, final) "
            "VALUES (%s, now(), %s, 'internal', 'Fixed', '', '', '', false)",
            desk.incident_id,
            desk.sam.actor.agent_id,
        )
        assert "only in your own name" in backdated
    with desk.sql(desk.server.owner) as owner:  # not even the owner: a correction is a new update
        changed = refused(
            owner, "UPDATE status_updates SET what_happened = 'x' WHERE id = %s", desk.update_id
        )
        assert "cannot be changed or deleted" in changed


def test_an_incidents_sla_clock_moves_only_by_the_sla_rules(desk: Desk) -> None:
    with desk.sql(desk.pat) as sql:
        opened, respond_by, resolve_by = one(
            sql,
            "SELECT opened_at, respond_by, resolve_by FROM incidents WHERE id = %s",
            desk.incident_id,
        )
        moved = refused(
            sql,
            "UPDATE incidents SET opened_at = opened_at + interval '1 day' WHERE id = %s",
            desk.incident_id,
        )
        assert "cannot be changed: it starts its SLA clock" in moved
        # Pushing the due times out is put back to what the rules say.
        run(
            sql,
            "UPDATE incidents SET respond_by = respond_by + interval '3 days', "
            "resolve_by = resolve_by + interval '3 days' WHERE id = %s",
            desk.incident_id,
        )
        assert one(
            sql, "SELECT respond_by, resolve_by FROM incidents WHERE id = %s", desk.incident_id
        ) == (respond_by, resolve_by)
        # A priority change recomputes both from opened_at (P1 -> P2: 30 min, 8 h).
        run(
            sql,
            "UPDATE incidents SET priority = 2, resolve_by = now() + interval '1 year' "
            "WHERE id = %s",
            desk.incident_id,
        )
        assert one(
            sql, "SELECT respond_by, resolve_by FROM incidents WHERE id = %s", desk.incident_id
        ) == (opened + timedelta(minutes=30), opened + timedelta(hours=8))
        # A hold starts at the server's time whatever is claimed; resuming adds the time held.
        run(
            sql,
            "UPDATE incidents SET status = 'on_hold', hold_reason = 'awaiting_vendor', "
            "on_hold_since = now() + interval '1 year' WHERE id = %s",
            desk.incident_id,
        )
        held_since = one(sql, "SELECT on_hold_since FROM incidents WHERE id = %s", desk.incident_id)
        assert abs(server_now(sql) - held_since) < timedelta(minutes=1)
        run(
            sql,
            "UPDATE incidents SET on_hold_since = on_hold_since - interval '3 days' WHERE id = %s",
            desk.incident_id,
        )
        assert (
            one(sql, "SELECT on_hold_since FROM incidents WHERE id = %s", desk.incident_id)
            == held_since
        )
        run(
            sql,
            "UPDATE incidents SET status = 'in_progress', hold_reason = NULL, "
            "paused_seconds = 999999 WHERE id = %s",
            desk.incident_id,
        )
        paused, resolve_by = one(
            sql, "SELECT paused_seconds, resolve_by FROM incidents WHERE id = %s", desk.incident_id
        )
    assert paused < 60  # the seconds really held, not what was typed
    assert resolve_by == opened + timedelta(hours=8, seconds=paused)


def test_a_calls_taker_time_and_words_cannot_be_rewritten_but_its_callback_and_link_can(
    desk: Desk,
) -> None:
    other = open_incident(desk.pat, "Mail relay")
    with desk.sql(desk.pat) as sql:
        for change in (
            f"agent_id = {desk.sam.actor.agent_id}",
            "at = at - interval '3 days'",
            "symptom = 'Everything works'",
            "caller_name = 'Someone else'",
        ):
            message = refused(sql, f"UPDATE calls SET {change} WHERE id = %s", desk.call_id)
            assert "A logged call cannot be rewritten" in message
        run(
            sql,
            "UPDATE calls SET incident_id = %s, callback_wanted = true, "
            "callback_done_at = '2020-01-01' WHERE id = %s",
            other.id,
            desk.call_id,
        )
        incident_id, done_at = one(
            sql, "SELECT incident_id, callback_done_at FROM calls WHERE id = %s", desk.call_id
        )
        now = server_now(sql)
        signed_as_supervisor = refused(
            sql,
            "INSERT INTO calls (at, caller_name, channel, symptom, callback_wanted, agent_id) "
            "VALUES (now(), 'X', 'phone', 'Y', false, %s)",
            desk.sam.actor.agent_id,
        )
    assert incident_id == other.id
    assert now - done_at < timedelta(minutes=1)
    assert "only in your own name" in signed_as_supervisor


def test_who_ticked_a_checklist_step_cannot_be_changed(desk: Desk) -> None:
    with desk.sql(desk.pat) as sql:
        message = refused(
            sql,
            "UPDATE checklist_items SET done_by_id = %s WHERE id = %s",
            desk.sam.actor.agent_id,
            desk.item_id,
        )
        assert "cannot be changed" in message
        run(sql, "UPDATE checklist_items SET done_at = NULL WHERE id = %s", desk.item_id)
        ticked_for_sam = refused(
            sql,
            "UPDATE checklist_items SET done_at = now(), done_by_id = %s WHERE id = %s",
            desk.sam.actor.agent_id,
            desk.item_id,
        )
        assert "only in your own name" in ticked_for_sam
        run(
            sql,
            "UPDATE checklist_items SET done_at = now() - interval '3 days' WHERE id = %s",
            desk.item_id,
        )
        by, at = one(
            sql, "SELECT done_by_id, done_at FROM checklist_items WHERE id = %s", desk.item_id
        )
        now = server_now(sql)
    assert by == desk.pat.actor.agent_id
    assert now - at < timedelta(minutes=1)


def test_a_vendor_escalation_and_a_change_log_row_are_the_logins_own(desk: Desk) -> None:
    case = WarRoomCommands(desk.pat).escalate_vendor(
        desk.incident_id, VendorDraft(vendor="Contoso Mail", reference="CM-1")
    )
    with desk.sql(desk.pat) as sql:
        assert one(
            sql, "SELECT escalated_by_id FROM vendor_escalations WHERE id = %s", case.id
        ) == (desk.pat.actor.agent_id)
        for statement in (
            "INSERT INTO vendor_escalations (incident_id, vendor, reference, contact, "
            "escalated_at, state, notes, version, escalated_by_id) "
            "VALUES (%s, 'V', '', '', now(), 'open', '', 1, %s)",
            "INSERT INTO change_log (at, entity, entity_id, action, actor_id) "
            "VALUES (now(), 'incidents', %s, 'update', %s)",
        ):
            assert "only in your own name" in refused(
                sql, statement, desk.incident_id, desk.sam.actor.agent_id
            )
        assert "cannot be changed" in refused(
            sql,
            "UPDATE vendor_escalations SET escalated_by_id = %s WHERE id = %s",
            desk.sam.actor.agent_id,
            case.id,
        )


def test_an_edit_made_in_sql_is_audited_like_the_consoles_own(desk: Desk) -> None:
    def entries() -> list[tuple[int | None, list[str] | None]]:
        with desk.server.db.read() as session:
            rows = session.execute(
                select(ChangeLogEntry.actor_id, ChangeLogEntry.fields)
                .where(
                    ChangeLogEntry.entity == "incidents",
                    ChangeLogEntry.entity_id == desk.incident_id,
                )
                .order_by(ChangeLogEntry.id)
            ).all()
        return [(actor, fields) for actor, fields in rows]

    before = entries()
    detail = IncidentReads(desk.pat).detail(desk.incident_id)
    IncidentCommands(desk.pat).edit(detail.id, detail.version, {"title": "Email down (EU)"})
    console_edit = entries()[len(before) :]
    assert console_edit == [(desk.pat.actor.agent_id, ["title"])]  # one row: no double

    with desk.sql(desk.pat) as sql:
        run(
            sql,
            "UPDATE incidents SET title = 'Nothing to see', impact = 3 WHERE id = %s",
            desk.incident_id,
        )
        run(sql, "UPDATE calls SET incident_id = %s WHERE id = %s", desk.incident_id, desk.call_id)
        call_audit = one(
            sql,
            "SELECT actor_id, fields::text FROM change_log WHERE entity = 'calls' "
            "AND entity_id = %s ORDER BY id DESC LIMIT 1",
            desk.call_id,
        )
    sql_edit = entries()[len(before) + 1 :]
    assert sql_edit == [(desk.pat.actor.agent_id, ["impact", "title"])]
    assert call_audit == (desk.pat.actor.agent_id, '["incident_id"]')
    timeline = IncidentReads(desk.pat).timeline(desk.incident_id)
    assert timeline[-1].kind == "edited_outside"
    assert (timeline[-1].actor, timeline[-1].summary) == (
        "Pat Agent",
        "Changed outside the console: impact, title",
    )
    # The console's own writes never look like edits made outside it.
    assert [e for e in timeline[:-1] if e.kind == "edited_outside"] == []


def test_a_supervisor_login_may_not_bring_in_history_but_the_owner_and_an_admin_may(
    desk: Desk,
) -> None:
    admin = desk.server.ctx_as(desk.server.add_login("ada", Role.ADMIN, display="Ada Admin"))
    insert = (
        "INSERT INTO timeline_events (incident_id, at, actor_id, kind, summary, pinned) "
        "VALUES (%s, now() - interval '3 days', %s, 'note', %s, false)"
    )
    with desk.sql(desk.sam) as sql:
        refusal = refused(sql, insert, desk.incident_id, desk.pat.actor.agent_id, "Imported")
        assert "only in your own name" in refusal
    for who, summary in ((desk.server.owner, "By the owner"), (admin, "By an admin")):
        with desk.sql(who) as sql:
            run(sql, insert, desk.incident_id, desk.pat.actor.agent_id, summary)
            actor, at = one(
                sql, "SELECT actor_id, at FROM timeline_events WHERE summary = %s", summary
            )
            assert actor == desk.pat.actor.agent_id
            assert server_now(sql) - at > THREE_DAYS - timedelta(minutes=1)


def test_presence_rows_of_closed_windows_are_pruned(desk: Desk) -> None:
    presence = PresenceService(desk.pat)
    for incident_id in range(1, 6):
        presence.here(incident_subject(incident_id))
        presence.left(incident_subject(incident_id))
    PresenceService(desk.sam).here(incident_subject(desk.incident_id))
    with desk.sql(desk.server.owner) as sql:
        left = one(sql, "SELECT count(*) FROM presence")
    assert left == 1  # Sam's open window; Pat's five closed ones are gone


def test_the_console_works_a_major_incident_as_agent_and_supervisor_logins_unrefused(
    desk: Desk,
) -> None:
    commands = IncidentCommands(desk.pat)
    detail = IncidentReads(desk.pat).detail(desk.incident_id)
    detail = commands.transition(detail.id, detail.version, Status.IN_PROGRESS)
    detail = commands.transition(
        detail.id, detail.version, Status.ON_HOLD, hold_reason=HoldReason.AWAITING_VENDOR
    )
    detail = commands.transition(detail.id, detail.version, Status.IN_PROGRESS)
    detail = commands.edit(detail.id, detail.version, {"impact": 2})
    detail = IncidentCommands(desk.sam).declare_major(
        detail.id, detail.version, commander_id=desk.sam.actor.agent_id
    )
    child = open_incident(desk.pat, "Outlook will not start")
    WarRoomCommands(desk.pat).link_child(detail.id, child.number)
    calls = CallCommands(desk.pat)
    calls.link_calls([desk.call_id], detail.id)
    callback = calls.log_call(
        CallDraft(new_client_uuid(), "Lee", symptom="Mail bounces", callback_wanted=True)
    ).call
    calls.mark_called_back(callback.id)
    from_call = calls.new_incident_from_call(callback.id)
    detail = IncidentReads(desk.sam).detail(detail.id)
    resolved = MajorResolution(desk.sam).resolve(
        detail.id, detail.version, ResolutionDraft("Gateway restarted", BODY)
    )
    assert resolved.incident.status == Status.RESOLVED
    assert IncidentReads(desk.pat).detail(from_call.id).status == Status.NEW
    with desk.sql(desk.pat) as sql:
        paused, resolve_by, opened = one(
            sql,
            "SELECT paused_seconds, resolve_by, opened_at FROM incidents WHERE id = %s",
            detail.id,
        )
        edited_outside = one(
            sql, "SELECT count(*) FROM timeline_events WHERE kind = 'edited_outside'"
        )
    assert resolve_by == opened + timedelta(hours=8, seconds=paused)  # P2 after the edit
    assert edited_outside == 0  # every write the console made, it logged itself


def test_a_change_made_offline_keeps_when_it_was_made_beside_the_servers_time(
    desk: Desk, tmp_path: Path
) -> None:
    made = desk.pat.clock.now()  # the workstation's moment: long before the server's now
    outbox = Outbox(desk.pat, OutboxStore(tmp_path / "outbox.sqlite3"))
    outbox.note_unavailable("Cannot reach the server")
    outbox.submit(AddNote(desk.incident_id, "Told callers to use Teams"))
    assert len(outbox.reconnect().sent) == 1
    with desk.sql(desk.pat) as sql:
        at, made_at = one(
            sql,
            "SELECT at, made_at FROM timeline_events WHERE summary = 'Told callers to use Teams'",
        )
        now = server_now(sql)
        run(
            sql,
            "INSERT INTO timeline_events (incident_id, at, kind, summary, pinned, made_at) "
            "VALUES (%s, now(), 'note', 'From the future', false, now() + interval '1 day')",
            desk.incident_id,
        )
        future = one(
            sql, "SELECT at, made_at FROM timeline_events WHERE summary = 'From the future'"
        )
    assert (made_at, now - at < timedelta(minutes=1)) == (made, True)
    assert future[1] == future[0]  # made later than the server recorded it: not believed


def test_a_supervisor_login_runs_a_drill_and_cleans_it_away(desk: Desk) -> None:
    add_service(desk.server.db, "Email")
    drills = DrillCommands(desk.sam)
    drill = drills.start(shipped_script("email-outage"), load_runbook("email-outage"))
    assert drill.incident_id is not None
    assert isinstance(desk.sam.clock, ManualClock)
    desk.sam.clock.advance(timedelta(minutes=30))
    assert drills.play_due()
    incident = IncidentReads(desk.pat).detail(drill.incident_id)
    IncidentCommands(desk.pat).edit(incident.id, incident.version, {"impact": 1})
    CallCommands(desk.pat).link_calls([desk.call_id], incident.id)  # a real call, linked
    drills.end(drill.id)
    assert drills.clean(drill.id) == 1
    with desk.sql(desk.pat) as sql:
        call_incident = one(sql, "SELECT incident_id FROM calls WHERE id = %s", desk.call_id)
        drill_incidents = one(sql, "SELECT count(*) FROM incidents WHERE drill_id = %s", drill.id)
    assert (call_incident, drill_incidents) == (None, 0)
