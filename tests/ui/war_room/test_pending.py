"""The overlay of changes kept while the database was unreachable: what it shows, how the lists
mark it, and when it goes."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester

from app.services.context import ServiceContext
from app.services.offline.operations import AddNote, TickItem
from app.services.war_room.reads import WarRoomReads
from tests.app.services.war_room.war_room_support import declare_outage
from tests.ui.war_room.test_models import NINE, call, event, step, update
from ui.war_room.calls_panel import CallLogModel
from ui.war_room.checklist_panel import ChecklistModel
from ui.war_room.history_panel import UpdateHistoryModel
from ui.war_room.pending import WAITING_TEXT, PendingChanges
from ui.war_room.timeline_panel import TimelineModel


def test_the_models_pass_the_model_tester_with_rows_waiting(qtmodeltester: ModelTester) -> None:
    checklist = ChecklistModel()
    checklist.set_rows([step(1, done=True), step(2)], frozenset({1}))
    calls = CallLogModel()
    calls.set_rows([call(-1), call(1)], frozenset({-1}))
    history = UpdateHistoryModel()
    history.set_rows([replace(update(2), id=-1), update(1)], frozenset({-1}))
    timeline = TimelineModel()
    timeline.set_entries([event(-1), event(1)], frozenset({-1}))
    for model in (checklist, calls, history, timeline):
        qtmodeltester.check(model, force_py=True)
    assert checklist.index(0, 3).data() == WAITING_TEXT
    assert checklist.index(0, 0).data(Qt.ItemDataRole.AccessibleTextRole) == (
        f"Done ({WAITING_TEXT}): Step 1"
    )
    assert checklist.index(1, 3).data() == ""
    assert history.index(0, 3).data() == WAITING_TEXT
    assert history.index(1, 3).data() == "Priya"


def test_the_marks_go_when_the_rows_stop_waiting(qtmodeltester: ModelTester) -> None:
    model = ChecklistModel()
    model.set_rows([step(1, done=True)], frozenset({1}))
    repainted: list[int] = []
    model.dataChanged.connect(lambda top, _bottom, _roles: repainted.append(top.row()))
    model.set_rows([step(1, done=True)])  # the same row, now from the database
    assert repainted == [0]
    assert model.index(0, 3).data() == f"{NINE.astimezone():%H:%M} Sam"
    assert model.index(0, 1).data(Qt.ItemDataRole.FontRole) is None


def test_a_tick_then_an_untick_wait_until_the_last_one_is_sent(
    sqlite_ctx: ServiceContext,
) -> None:
    outage = declare_outage(sqlite_ctx)
    read = WarRoomReads(sqlite_ctx).snapshot(outage.incident.id)
    item = read.checklist[0]
    pending = PendingChanges()
    now, actor = sqlite_ctx.clock.now(), sqlite_ctx.actor
    tick, untick = TickItem(item.id, True, item.text), TickItem(item.id, False, item.text)
    note = AddNote(outage.incident.id, "Bridge open", outage.incident.number)

    pending.keep(tick, read, now, actor)
    assert pending.apply(read).checklist[0].done_by == "Alice"
    pending.keep(untick, pending.apply(read), now, actor)
    pending.keep(note, pending.apply(read), now, actor)
    shown = pending.apply(read)
    assert not shown.checklist[0].done
    assert shown.timeline[0].summary == "Bridge open"  # on top of what was read at that time
    assert pending.waiting.items == {item.id}
    assert pending.waiting.rows == {shown.timeline[0].id}

    pending.settle([tick.op_id])  # the first went; the untick still waits
    assert pending.waiting.items == {item.id}
    pending.settle([untick.op_id, note.op_id])
    assert len(pending) == 0
    assert pending.apply(read) is read
