"""The war room's Qt models: each passes pytest-qt's model tester, and a fresh snapshot patches
rows in place so the selection survives a refresh."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QTableView
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.domain.lifecycle import Status
from app.domain.priority import Priority
from app.domain.status_update import Audience
from app.domain.vendor import VendorState
from app.services.calls.dto import CallRow
from app.services.incidents.dto import TimelineEntry
from app.services.war_room.dto import ChecklistRow, ChildRow, StatusUpdateRow, VendorRow
from ui.roles import Roles
from ui.war_room.calls_panel import CallLogModel
from ui.war_room.checklist_panel import ChecklistModel
from ui.war_room.children_panel import ChildrenModel
from ui.war_room.history_panel import UpdateHistoryModel
from ui.war_room.resolve_dialog import CallbackListModel
from ui.war_room.timeline_panel import TimelineModel
from ui.war_room.vendors_panel import STATE_COLUMN, VendorModel

NINE = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def step(n: int, done: bool = False) -> ChecklistRow:
    return ChecklistRow(
        n, n, f"Step {n}", "tech", NINE if done else None, "Sam" if done else "", False
    )


def call(n: int, callback: bool = False) -> CallRow:
    return CallRow(
        id=n, at=NINE + timedelta(minutes=n), caller=f"Caller {n}", contact_id=None, vip=n == 1,
        service_id=None, service="Email", symptom="Outlook disconnected", channel="phone",
        callback_wanted=callback, callback_number="123" if callback else "", callback_done_at=None,
        incident_id=1, incident_number="INC0000001", incident_title="Email down",
        incident_status=Status.IN_PROGRESS, incident_major=True, agent="Priya",
    )  # fmt: skip


def update(n: int, final: bool = False) -> StatusUpdateRow:
    return StatusUpdateRow(
        id=n, sequence=n, posted_at=NINE + timedelta(minutes=10 * n), author="Priya",
        audience=Audience.ALL_USERS, what_happened=f"Happened {n}\nmore", current_impact="All",
        actions="Fixing", workaround="Webmail", eta=None, next_update_at=None, final=final,
        subject=f"[Update {n}] INC1", text=f"full text {n}",
    )  # fmt: skip


def vendor(n: int, eta: datetime | None) -> VendorRow:
    return VendorRow(n, f"Vendor {n}", "REF", "call", NINE, eta, VendorState.OPEN, "", 1)


def event(n: int, kind: str = "note", pinned: bool = False) -> TimelineEntry:
    return TimelineEntry(n, 1, NINE + timedelta(minutes=n), "Sam", kind, f"Event {n}", pinned)


def child(n: int) -> ChildRow:
    return ChildRow(n, f"INC000000{n}", f"Child {n}", Status.NEW, Priority.HIGH, "", 1)


def test_the_models_pass_the_model_tester(qtmodeltester: ModelTester) -> None:
    checklist = ChecklistModel()
    checklist.set_rows([step(1, done=True), step(2)])
    calls = CallLogModel()
    calls.set_rows([call(2, callback=True), call(1)])
    history = UpdateHistoryModel()
    history.set_rows([update(2, final=True), update(1)])
    vendors = VendorModel(NINE)
    vendors.set_rows([vendor(1, NINE - timedelta(minutes=1)), vendor(2, None)])
    timeline = TimelineModel()
    timeline.set_entries([event(3, pinned=True), event(2, "checklist"), event(1)])
    children = ChildrenModel()
    children.set_rows([child(1), child(2)])
    callbacks = CallbackListModel([call(2, callback=True), call(1, callback=True)])
    for model in (checklist, calls, history, vendors, timeline, children, callbacks):
        qtmodeltester.check(model, force_py=True)


def test_a_snapshot_patch_keeps_the_selection_and_inserts_new_rows_on_top(
    qtmodeltester: ModelTester, qtbot: QtBot
) -> None:
    model = CallLogModel()
    qtmodeltester.check(model, force_py=True)
    model.set_rows([call(2), call(1)])
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.selectionModel().setCurrentIndex(
        model.index(1, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
    )
    model.set_rows([call(4), call(3), call(2), replace(call(1), symptom="Now fixed")])
    assert [model.row_at(n).id for n in range(model.rowCount())] == [4, 3, 2, 1]
    assert model.index(view.currentIndex().row(), 0).data(Roles.ROW).id == 1  # still on call 1
    assert model.index(3, 2).data() == "Now fixed"
    model.set_rows([call(1), call(3)])  # removals and a reorder
    assert [model.row_at(n).id for n in range(model.rowCount())] == [1, 3]
    assert view.currentIndex().row() == 0  # followed call 1


def test_the_checklist_shows_ticks_and_asks_to_toggle(qtmodeltester: ModelTester) -> None:
    model = ChecklistModel()
    model.set_rows([step(1, done=True), step(2)])
    assert model.index(0, 0).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert model.index(1, 0).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert model.index(0, 3).data() == f"{NINE.astimezone():%H:%M} Sam"
    asked: list[tuple[int, bool]] = []
    model.toggle_requested.connect(lambda item, done: asked.append((item, done)))
    assert not model.setData(
        model.index(1, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole
    )
    assert asked == [(2, True)]
    assert model.progress == (1, 2)


def test_a_vendor_goes_overdue_as_the_clock_moves() -> None:
    model = VendorModel(NINE)
    model.set_rows([vendor(1, NINE + timedelta(minutes=5))])
    state = model.index(0, STATE_COLUMN)
    assert state.data() == "Open"
    changed: list[int] = []
    model.dataChanged.connect(lambda top, _bottom, _roles: changed.append(top.column()))
    model.tick(NINE + timedelta(minutes=6))
    assert state.data() == "Overdue (open)"
    assert state.data(Qt.ItemDataRole.ForegroundRole) is not None
    assert STATE_COLUMN in changed
    assert model.overdue_count == 1


def test_the_timeline_filters_by_kind_and_by_pin() -> None:
    model = TimelineModel()
    model.set_entries([event(3, "status_update"), event(2, "checklist", pinned=True), event(1)])
    model.set_filter("checklist")
    assert [model.row_at(n).id for n in range(model.rowCount())] == [2]
    model.set_filter("pinned")
    assert [model.row_at(n).id for n in range(model.rowCount())] == [2]
    assert model.index(0, 0).data() == "★"
    model.set_filter("all")
    assert model.rowCount() == 3
