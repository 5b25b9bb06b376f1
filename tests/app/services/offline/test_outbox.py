"""The offline outbox on both backends: changes kept while the database is away are replayed in
order, each exactly once, recorded at the database's time with when they were made beside it;
refusals become conflicts, never losses."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.adapters.outbox_store import CONFLICT, WAITING, OutboxStore
from app.db.models import AppliedOperation, Call, ChecklistItem, StatusUpdate, TimelineEvent
from app.domain.clock import ManualClock
from app.domain.lifecycle import Status
from app.domain.status_update import Audience, UpdateBody
from app.services.calls.drafts import new_client_uuid
from app.services.calls.dto import CallDraft
from app.services.context import ServiceContext
from app.services.errors import InvalidInput
from app.services.incidents.commands import IncidentCommands
from app.services.incidents.reads import IncidentReads
from app.services.offline.operations import AddNote, LogCall, PostUpdate, TickItem
from app.services.offline.outbox import Kept, Outbox, Sent
from app.services.war_room.dto import UpdateDraft
from app.services.war_room.reads import WarRoomReads
from tests.app.services.war_room.war_room_support import declare_outage
from tests.helpers import THROUGH_POOLER_TOO

# Replay must work through a pooler in transaction mode too (PgBouncer): no session state.
pytestmark = pytest.mark.parametrize("db_url", THROUGH_POOLER_TOO, indirect=True)

BODY = UpdateBody(
    what_happened="Email is down for everyone since 8:05.",
    current_impact="Nobody can send or receive mail.",
    actions="The messaging team is restoring sign-in.",
    workaround="Use Teams chat for urgent messages.",
    eta=None,
    next_update_at=None,
)


def outbox_for(ctx: ServiceContext, tmp_path: Path) -> Outbox:
    return Outbox(ctx, OutboxStore(tmp_path / "outbox.sqlite3"))


def count(ctx: ServiceContext, model: type, *where: object) -> int:
    with ctx.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def notes_saying(ctx: ServiceContext, text: str) -> int:
    return count(ctx, TimelineEvent, TimelineEvent.kind == "note", TimelineEvent.summary == text)


def test_a_change_goes_straight_to_the_database_when_it_answers(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    outage = declare_outage(ctx)
    outbox = outbox_for(ctx, tmp_path)

    outcome = outbox.submit(AddNote(outage.incident.id, "Vendor called back"))

    assert isinstance(outcome, Sent)
    assert notes_saying(ctx, "Vendor called back") == 1
    assert outbox.status().waiting == 0
    assert not outbox.status().offline


def test_changes_kept_offline_are_replayed_once_in_order_with_when_they_were_made(
    ctx: ServiceContext, clock: ManualClock, tmp_path: Path
) -> None:
    outage = declare_outage(ctx)
    item = WarRoomReads(ctx).snapshot(outage.incident.id).checklist[0]
    outbox = outbox_for(ctx, tmp_path)
    outbox.note_unavailable("Cannot reach the server")
    offline_at = clock.now()
    uuids = [new_client_uuid() for _ in range(5)]

    kept = [
        outbox.submit(LogCall(CallDraft(u, caller_name=f"Caller {i}"))) for i, u in enumerate(uuids)
    ]
    clock.advance(timedelta(minutes=3))
    kept.append(outbox.submit(TickItem(item.id, True, item.text)))
    clock.advance(timedelta(minutes=1))
    kept.append(outbox.submit(TickItem(item.id, False, item.text)))  # changed their mind
    kept.append(outbox.submit(AddNote(outage.incident.id, "Callers told to use Teams")))

    assert all(isinstance(k, Kept) for k in kept)
    status = outbox.status()
    assert (status.offline_since, status.waiting) == (offline_at, 8)
    assert count(ctx, Call, Call.client_uuid.in_(uuids)) == 0  # nothing reached the database

    clock.advance(timedelta(minutes=20))
    report = outbox.reconnect()

    assert len(report.sent) == 8
    assert not report.conflicts
    assert (report.status.waiting, report.status.offline) == (0, False)
    assert count(ctx, Call, Call.client_uuid.in_(uuids)) == 5
    assert notes_saying(ctx, "Callers told to use Teams") == 1
    with ctx.db.read() as session:
        call_times = session.execute(
            select(Call.at, Call.made_at).where(Call.client_uuid.in_(uuids))
        ).all()
        note_times = session.execute(
            select(TimelineEvent.at, TimelineEvent.made_at).where(TimelineEvent.kind == "note")
        ).all()
        ticks = session.scalars(
            select(TimelineEvent.summary)
            .where(TimelineEvent.kind == "checklist")
            .order_by(TimelineEvent.id)
        ).all()
        done_at = session.get(ChecklistItem, item.id)
    # Recorded when the database heard of them, beside when the phone rang.
    assert set(call_times) == {(clock.now(), offline_at)}
    assert note_times == [(clock.now(), offline_at + timedelta(minutes=4))]
    made = (offline_at + timedelta(minutes=4)).astimezone().strftime("%H:%M")
    shown = IncidentReads(ctx).timeline(outage.incident.id)
    assert f"Callers told to use Teams (made {made}, sent when back online)" in [
        e.summary for e in shown
    ]
    assert ticks == [  # in the order they were made
        f"Ticked: {item.text}",
        f"Unticked: {item.text} (ticked by Alice Admin)",
    ]
    assert done_at is not None
    assert done_at.done_at is None


def test_a_replay_of_changes_that_already_arrived_changes_nothing(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    """The commit reached the database but the line dropped before the console heard back: the
    same changes are in the outbox and in the database. The replay must not double them."""
    outage = declare_outage(ctx)
    item = WarRoomReads(ctx).snapshot(outage.incident.id).checklist[0]
    draft = UpdateDraft(Audience.ALL_USERS, BODY)
    changes = [
        LogCall(CallDraft(new_client_uuid(), caller_name="Dana")),
        AddNote(outage.incident.id, "Bridge call started"),
        TickItem(item.id, True, item.text),
        PostUpdate(outage.incident.id, draft, outage.incident.number),
    ]
    for change in changes:
        change.apply(ctx)  # arrived...
    outbox = outbox_for(ctx, tmp_path)
    outbox.note_unavailable("The connection dropped")
    for change in changes:
        outbox.submit(change)  # ...and kept, as the console never heard back

    report = outbox.reconnect()

    assert len(report.sent) == 4
    assert count(ctx, Call, Call.client_uuid == changes[0].op_id) == 1
    assert notes_saying(ctx, "Bridge call started") == 1
    assert count(ctx, StatusUpdate, StatusUpdate.incident_id == outage.incident.id) == 1
    assert count(ctx, TimelineEvent, TimelineEvent.kind == "checklist") == 1
    assert count(ctx, AppliedOperation) == 3  # note, tick and update; calls carry their own key


def test_the_outbox_survives_a_restart_and_replays(ctx: ServiceContext, tmp_path: Path) -> None:
    outage = declare_outage(ctx)
    first = outbox_for(ctx, tmp_path)
    first.note_unavailable("Cannot reach the server")
    first.submit(AddNote(outage.incident.id, "Written before the restart"))

    restarted = outbox_for(ctx, tmp_path)  # a new console on the same profile
    assert restarted.status().waiting == 1
    restarted.reconnect()

    assert notes_saying(ctx, "Written before the restart") == 1
    assert restarted.status().waiting == 0


def test_new_changes_queue_behind_waiting_ones_instead_of_overtaking_them(
    ctx: ServiceContext, clock: ManualClock, tmp_path: Path
) -> None:
    outage = declare_outage(ctx)
    first = outbox_for(ctx, tmp_path)
    first.note_unavailable("Cannot reach the server")
    first.submit(AddNote(outage.incident.id, "first"))
    clock.advance(timedelta(seconds=30))

    restarted = outbox_for(ctx, tmp_path)  # online, with one change still waiting
    outcome = restarted.submit(AddNote(outage.incident.id, "second"))

    assert isinstance(outcome, Sent)
    with ctx.db.read() as session:
        notes = session.scalars(
            select(TimelineEvent.summary)
            .where(TimelineEvent.kind == "note")
            .order_by(TimelineEvent.id)
        ).all()
    assert notes[-2:] == ["first", "second"]


def test_a_change_the_database_refuses_on_replay_stays_as_a_conflict_until_discarded(
    ctx: ServiceContext, clock: ManualClock, tmp_path: Path
) -> None:
    outage = declare_outage(ctx)
    outbox = outbox_for(ctx, tmp_path)
    outbox.note_unavailable("Cannot reach the server")
    outbox.submit(PostUpdate(outage.incident.id, UpdateDraft(Audience.INTERNAL, BODY), "INC1"))
    outbox.submit(AddNote(outage.incident.id, "Still being worked"))
    # Meanwhile a colleague, still connected, resolved the incident.
    commands = IncidentCommands(ctx)
    detail = commands.transition(outage.incident.id, outage.incident.version, Status.IN_PROGRESS)
    commands.transition(detail.id, detail.version, Status.RESOLVED, resolution="Fixed upstream")

    report = outbox.reconnect()

    assert [entry.kind for entry, _ in report.conflicts] == ["status_update"]
    assert "reopen it before posting" in report.conflicts[0][1]
    assert notes_saying(ctx, "Still being worked") == 1  # the rest went on
    entries = outbox.entries()
    assert [(e.kind, e.state) for e in entries] == [("status_update", CONFLICT)]
    assert entries[0].payload["body"]["what_happened"] == BODY.what_happened  # nothing lost
    assert outbox.status().conflicts == 1

    outbox.discard(entries[0].op_id)
    assert outbox.entries() == []


def test_bad_input_is_refused_at_once_and_never_kept(ctx: ServiceContext, tmp_path: Path) -> None:
    outage = declare_outage(ctx)
    outbox = outbox_for(ctx, tmp_path)
    outbox.note_unavailable("Cannot reach the server")

    with pytest.raises(InvalidInput, match="empty"):
        outbox.submit(AddNote(outage.incident.id, "   "))
    with pytest.raises(InvalidInput, match="who called"):
        outbox.submit(LogCall(CallDraft(new_client_uuid())))

    assert outbox.entries() == []


def test_a_double_submit_while_offline_keeps_one_call(ctx: ServiceContext, tmp_path: Path) -> None:
    outbox = outbox_for(ctx, tmp_path)
    outbox.note_unavailable("Cannot reach the server")
    draft = CallDraft(new_client_uuid(), caller_name="Dana")

    outbox.submit(LogCall(draft))
    outbox.submit(LogCall(draft))  # a double Enter

    assert [e.state for e in outbox.entries()] == [WAITING]
    outbox.reconnect()
    assert count(ctx, Call, Call.client_uuid == draft.client_uuid) == 1
