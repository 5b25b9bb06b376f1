"""The call list: a well-behaved Qt model, its filters, bulk linking, and the callback list."""

from __future__ import annotations

import uuid
from datetime import timedelta

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.domain.clock import ManualClock
from app.domain.lifecycle import Status
from app.services.calls.commands import CallCommands
from app.services.calls.dto import CallDraft
from app.services.calls.filters import CallFilter, rank_outages
from app.services.calls.reads import CallReads
from app.services.context import ServiceContext
from app.services.incidents.commands import IncidentCommands, IncidentDraft
from app.services.incidents.reads import IncidentReads
from tests.demo_sample import LoadDemo
from tests.helpers import add_service
from tests.ui.calls.conftest import Console, show_console
from ui.calls.call_model import CALL_COLUMNS, CallColumn, CallListModel
from ui.calls.caller_lookup import CallerListModel
from ui.calls.link_dialog import LinkCallsDialog
from ui.calls.matches import MatchesModel
from ui.console_context import ConsoleContext


def _log(ctx: ServiceContext, caller: str, **fields: object) -> int:
    draft = CallDraft(client_uuid=str(uuid.uuid4()), caller_name=caller, **fields)  # type: ignore[arg-type]
    return CallCommands(ctx).log_call(draft).call.id


def _callers(model: CallListModel) -> list[str]:
    return [model.row_at(n).caller for n in range(model.rowCount())]


def _loaded(qtbot: QtBot, ui: Console) -> CallListModel:
    panel = ui.calls.call_list
    with qtbot.waitSignal(panel.loaded):
        panel.reload()
    return panel.model


def test_call_list_model_is_a_well_behaved_qt_model(
    sqlite_ctx: ServiceContext,
    clock: ManualClock,
    qtmodeltester: ModelTester,
    demo: LoadDemo,
) -> None:
    demo(sqlite_ctx)
    model = CallListModel(clock.now, lambda: clock.now().replace(hour=0, minute=0))
    model.set_rows(CallReads(sqlite_ctx).rows())
    assert model.rowCount() == 30
    qtmodeltester.check(model)
    model.sort(CALL_COLUMNS.index(CallColumn.CALLER), Qt.SortOrder.AscendingOrder)
    model.set_filter(CallFilter.CALLBACK_PENDING)
    qtmodeltester.check(model)


def test_filters_today_unlinked_callback_pending_and_by_service(
    qtbot: QtBot, console: ConsoleContext, clock: ManualClock
) -> None:
    ctx = console.services
    email, vpn = add_service(ctx.db, "Email"), add_service(ctx.db, "VPN")
    incident = IncidentCommands(ctx).open(IncidentDraft(title="VPN drops", service_id=vpn))
    _log(ctx, "Yesterday", service_id=email, callback_wanted=True, callback_number="1")
    clock.advance(timedelta(days=1))
    _log(ctx, "Linked", service_id=vpn, incident_id=incident.id)
    _log(ctx, "Loose", service_id=email)
    ui = show_console(qtbot, console)
    model = _loaded(qtbot, ui)
    panel = ui.calls.call_list
    assert _callers(model) == ["Loose", "Linked", "Yesterday"]  # newest first
    qtbot.mouseClick(panel.filter_buttons[CallFilter.TODAY], Qt.MouseButton.LeftButton)
    assert _callers(model) == ["Loose", "Linked"]
    qtbot.mouseClick(panel.filter_buttons[CallFilter.UNLINKED], Qt.MouseButton.LeftButton)
    assert _callers(model) == ["Loose", "Yesterday"]
    qtbot.mouseClick(panel.filter_buttons[CallFilter.CALLBACK_PENDING], Qt.MouseButton.LeftButton)
    assert _callers(model) == ["Yesterday"]
    qtbot.mouseClick(panel.filter_buttons[CallFilter.ALL], Qt.MouseButton.LeftButton)
    panel.service.setCurrentIndex(panel.service.findText("VPN"))
    assert _callers(model) == ["Linked"]
    assert panel.count.text() == "1 shown · 3 loaded"


def test_a_selection_of_calls_is_linked_in_bulk(
    qtbot: QtBot, console: ConsoleContext, demo: LoadDemo
) -> None:
    demo(console.services)
    ctx = console.services
    printing = next(s.id for s in console.directory.services() if s.name == "Printing")
    for n in range(3):
        _log(ctx, f"Printer caller {n}", service_id=printing, symptom="Printer jams")
    ui = show_console(qtbot, console)
    ui.calls.show_call_list()
    panel = ui.calls.call_list
    model = _loaded(qtbot, ui)
    qtbot.mouseClick(panel.filter_buttons[CallFilter.UNLINKED], Qt.MouseButton.LeftButton)
    assert model.rowCount() == 3
    selection = panel.table.selectionModel()
    for row in range(3):
        selection.select(
            model.index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
    outage = IncidentReads(ctx).find_by_number("INC0000201")

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, answer)
            return
        assert isinstance(dialog, LinkCallsDialog)
        assert dialog.major.current_id() == outage.id  # the active outage is offered first
        dialog.accept()

    QTimer.singleShot(0, answer)
    with qtbot.waitSignal(panel.linked) as linked:
        qtbot.mouseClick(panel.link_button, Qt.MouseButton.LeftButton)
    assert (linked.args[0].linked, linked.args[0].calls) == (3, 33)
    qtbot.waitUntil(lambda: model.rowCount() == 0)  # none is unlinked now
    queue = ui.window.queue.model
    qtbot.waitUntil(lambda: queue.row_for_id(outage.id).calls == 33)
    assert any("Linked 3 calls to INC0000201" in m for m in ui.messages)


def test_link_dialog_takes_a_typed_number(qtbot: QtBot) -> None:
    dialog = LinkCallsDialog([], 2)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.number, "inc42")
    assert dialog.choice() == (None, "inc42")
    assert dialog.result() != QDialog.DialogCode.Accepted


def test_callback_list_after_resolution_and_mark_called_back(
    qtbot: QtBot, console: ConsoleContext, clock: ManualClock
) -> None:
    ctx = console.services
    vpn = add_service(ctx.db, "VPN")
    commands = IncidentCommands(ctx)
    incident = commands.open(IncidentDraft(title="VPN drops", service_id=vpn))
    _log(
        ctx, "Rosa Silva", incident_id=incident.id, callback_wanted=True, callback_number="+44 7000"
    )
    ui = show_console(qtbot, console)
    callbacks = ui.calls.callbacks
    with qtbot.waitSignal(callbacks.count_changed) as counted:
        callbacks.reload()
    assert counted.args[0] == 0
    incident = commands.transition(incident.id, incident.version, Status.IN_PROGRESS)
    commands.transition(incident.id, incident.version, Status.RESOLVED, resolution="Fixed")
    with qtbot.waitSignal(callbacks.count_changed) as counted:
        console.hub.poll_now()  # the change feed brings the resolution in
    assert counted.args[0] == 1
    ui.calls.show_callbacks()
    tabs = ui.calls.tabs
    assert tabs.tabText(tabs.indexOf(callbacks)) == "Callbacks (1)"
    assert callbacks.table.accessibleName() == "Callback list"
    assert callbacks.model.row_at(0).caller == "Rosa Silva"
    callbacks.table.selectRow(0)
    clock.advance(timedelta(minutes=3))
    with qtbot.waitSignal(callbacks.called_back):
        qtbot.mouseClick(callbacks.mark_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: callbacks.model.rowCount() == 0)
    assert tabs.tabText(tabs.indexOf(callbacks)) == "Callbacks"
    last = IncidentReads(ctx).timeline(incident.id)[-1]
    assert last.summary == "Called back Rosa Silva on +44 7000"


def test_the_form_lists_are_well_behaved_qt_models(
    sqlite_ctx: ServiceContext,
    clock: ManualClock,
    qtmodeltester: ModelTester,
    demo: LoadDemo,
) -> None:
    demo(sqlite_ctx)
    reads = CallReads(sqlite_ctx)
    majors = reads.active_majors()
    email = next(s for s in majors[0].service_ids)
    matches = MatchesModel()
    matches.set_matches(rank_outages(majors, email, "Email", "outlook disconnected"))
    assert matches.rowCount() == 1
    qtmodeltester.check(matches)
    callers = CallerListModel()
    callers.set_cards(reads.find_callers("an"))
    assert callers.rowCount() > 1
    qtmodeltester.check(callers)
