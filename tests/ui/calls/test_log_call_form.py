"""The "Log a call" form, driven from the keyboard as an agent on the phone would."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.db.models import Call
from app.services.calls.dto import CallDraft, LoggedCall
from app.services.calls.reads import CallReads
from app.services.context import ServiceContext
from app.services.incidents.reads import IncidentReads
from app.settings import load_settings
from tests.app.services.calls.test_calls import declare_outage
from tests.demo_sample import LoadDemo
from tests.helpers import add_service
from tests.ui.calls.conftest import (
    add_contact,
    focused,
    open_form_with_keys,
    press,
    show_console,
    type_here,
)
from ui.console_context import ConsoleContext
from ui.task_runner import TaskRunner

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def _calls(console: ConsoleContext) -> int:
    with console.services.db.read() as session:
        return int(session.scalar(select(func.count(Call.id))) or 0)


def _outage_id(console: ConsoleContext) -> int:
    return IncidentReads(console.services).find_by_number("INC0000201").id


def test_five_calls_in_a_row_without_touching_the_mouse(
    qtbot: QtBot,
    console: ConsoleContext,
    demo: LoadDemo,
) -> None:
    demo(console.services)
    ui = show_console(qtbot, console)
    form = ui.calls.form
    open_form_with_keys(qtbot, ui)
    before = _calls(console)
    for n in range(1, 6):
        type_here(qtbot, f"Walk-in Caller {n}")
        press(qtbot, Qt.Key.Key_Tab)
        assert focused() is form.service
        type_here(qtbot, "Email")
        press(qtbot, Qt.Key.Key_Tab)
        assert focused() is form.symptom
        type_here(qtbot, "Outlook says disconnected")
        with qtbot.waitSignal(form.call_saved):
            press(qtbot, Qt.Key.Key_Return)
        assert form.is_blank(), "the form is ready for the next call"
        assert form.caller.edit.hasFocus()
        assert f"Walk-in Caller {n} · Email · not linked" in form.status.text()
    assert _calls(console) == before + 5
    assert form.logged_this_session == 5
    rows = CallReads(console.services).rows()
    assert [r.caller for r in rows[:5]] == [f"Walk-in Caller {n}" for n in range(5, 0, -1)]
    assert {r.service for r in rows[:5]} == {"Email"}


def test_the_outage_matches_as_you_type_and_one_key_links_the_call(
    qtbot: QtBot,
    console: ConsoleContext,
    demo: LoadDemo,
) -> None:
    demo(console.services)
    ui = show_console(qtbot, console)
    form = ui.calls.form
    outage = _outage_id(console)
    queue = ui.window.queue.model
    assert queue.row_for_id(outage).calls == 30
    open_form_with_keys(qtbot, ui)
    type_here(qtbot, "Rosa")
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Tab)
    assert form.matches_model.rowCount() == 0
    type_here(qtbot, "outlook keeps asking for my password")
    assert form.matches.accessibleName() == "Matching incidents"
    assert form.matches_model.ids() == [outage]
    assert form.matches.highlighted().major.number == "INC0000201"
    assert "Tell the caller:" in form.tell_caller.text()
    assert "We know email is down for everyone" in form.tell_caller.text()
    assert "(Ctrl+Enter)" in form.link_button.text()
    with qtbot.waitSignal(form.call_saved) as saved:
        press(qtbot, Qt.Key.Key_Return, CTRL)
    assert saved.args[0].call.incident_number == "INC0000201"
    assert saved.args[0].incident_calls == 31
    assert "→ INC0000201 (now 31 calls)" in form.status.text()
    qtbot.waitUntil(lambda: queue.row_for_id(outage).calls == 31)
    # The next caller says the service: Alt+1 links to the first match at once.
    type_here(qtbot, "Sven")
    press(qtbot, Qt.Key.Key_Tab)
    type_here(qtbot, "Email")
    with qtbot.waitSignal(form.call_saved):
        press(qtbot, Qt.Key.Key_1, ALT)
    qtbot.waitUntil(lambda: queue.row_for_id(outage).calls == 32)


def test_arrow_keys_move_through_the_matches_from_the_symptom_field(
    qtbot: QtBot,
    console: ConsoleContext,
    demo: LoadDemo,
) -> None:
    demo(console.services)
    vpn = next(s.id for s in console.directory.services() if s.name == "VPN")
    vpn_outage = declare_outage(console.services, vpn, "VPN disconnects for home workers")
    ui = show_console(qtbot, console)
    form = ui.calls.form
    open_form_with_keys(qtbot, ui)
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Tab)
    type_here(qtbot, "disconnects from outlook")  # disconnect: the VPN outage; outlook: Email
    assert form.matches_model.rowCount() == 2
    # The VPN outage was highlighted first and stays highlighted as more words match.
    assert form.matches.highlighted().major.id == vpn_outage.id
    press(qtbot, Qt.Key.Key_Down)
    assert form.matches.highlighted().major.id == _outage_id(console)
    assert focused() is form.symptom, "the hands stay in the Symptom field"
    press(qtbot, Qt.Key.Key_Up)
    assert form.matches.highlighted().major.id == vpn_outage.id
    press(qtbot, Qt.Key.Key_Down)
    with qtbot.waitSignal(form.call_saved) as saved:
        press(qtbot, Qt.Key.Key_Return, CTRL)
    assert saved.args[0].call.incident_id == _outage_id(console)


def test_double_enter_saves_the_call_once(qtbot: QtBot, console: ConsoleContext) -> None:
    ui = show_console(qtbot, console)
    form = ui.calls.form
    open_form_with_keys(qtbot, ui)
    type_here(qtbot, "Ben Okoro")
    with qtbot.waitSignal(form.call_saved):
        press(qtbot, Qt.Key.Key_Return)
    press(qtbot, Qt.Key.Key_Return)
    assert _calls(console) == 1
    assert "Type who called" in form.status.text()


def test_a_retried_draft_keeps_its_save_key_and_is_saved_once(
    qtbot: QtBot, console: ConsoleContext
) -> None:
    ui = show_console(qtbot, console)
    form = ui.calls.form
    open_form_with_keys(qtbot, ui)
    type_here(qtbot, "Ben Okoro")
    form.link_number.setText("INC0099999")  # no such incident: the save fails
    with qtbot.waitSignal(form.save_failed) as failed:
        press(qtbot, Qt.Key.Key_Return)
    assert "Ben Okoro was not saved: There is no incident INC0099999" in failed.args[0]
    assert form.problem_box.isVisible()
    assert form.is_blank()
    qtbot.mouseClick(form.take_back_button, Qt.MouseButton.LeftButton)
    assert form.caller.text() == "Ben Okoro", "nothing typed was lost"
    assert form.link_number.text() == "INC0099999"
    key = form.saver  # the restored draft saves under its original key
    form.link_number.clear()
    form.caller.edit.setFocus()
    with qtbot.waitSignal(form.call_saved):
        press(qtbot, Qt.Key.Key_Return)
    assert not form.problem_box.isVisible()
    assert key.failures == []
    assert _calls(console) == 1


def test_picking_a_caller_shows_vip_and_their_history(
    qtbot: QtBot, console: ConsoleContext
) -> None:
    add_contact(console.services.db, "Anna Schmidt", "+44 20 7946 1000", "anna@example.com", True)
    add_contact(console.services.db, "Annabel Lee", "+44 20 7946 2000")
    ui = show_console(qtbot, console)
    form = ui.calls.form
    open_form_with_keys(qtbot, ui)
    with qtbot.waitSignal(form.caller.lookup_done):
        type_here(qtbot, "anna")
    assert form.caller.suggestions.isVisible()
    assert form.caller.model.rowCount() == 2
    assert "★ VIP" in form.caller.model.index(0).data()
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Return)  # takes the highlighted caller, does not save
    assert form.caller.text() == "Anna Schmidt"
    assert form.caller.picked() is not None
    assert "★ VIP" in form.caller.card.text()
    assert "No earlier calls" in form.caller.card.text()
    assert focused() is form.service
    assert _calls(console) == 0
    press(qtbot, Qt.Key.Key_Tab)
    type_here(qtbot, "Cannot print")
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Space)  # Callback wanted: the caller's phone is filled in
    assert form.callback_number.text() == "+44 20 7946 1000"
    with qtbot.waitSignal(form.call_saved) as saved:
        press(qtbot, Qt.Key.Key_Return)
    call = saved.args[0].call
    assert (call.caller, call.vip, call.callback_number) == (
        "Anna Schmidt",
        True,
        "+44 20 7946 1000",
    )
    # The next time Anna calls, the card shows that call.
    with qtbot.waitSignal(form.caller.lookup_done):
        type_here(qtbot, "Anna Sch")
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Tab)
    assert "Recent calls:" in form.caller.card.text()
    assert "Cannot print" in form.caller.card.text()


def test_a_new_caller_is_added_to_the_contacts(qtbot: QtBot, console: ConsoleContext) -> None:
    ui = show_console(qtbot, console)
    form = ui.calls.form
    open_form_with_keys(qtbot, ui)
    type_here(qtbot, "Farid Novak")
    assert "New caller" in form.caller.card.text()
    with qtbot.waitSignal(form.call_saved) as saved:
        press(qtbot, Qt.Key.Key_Return)
    assert saved.args[0].call.contact_id is not None
    assert [c.name for c in CallReads(console.services).find_callers("farid")] == ["Farid Novak"]


def test_a_new_incident_from_the_call_is_prefilled_and_opened(
    qtbot: QtBot,
    console: ConsoleContext,
    demo: LoadDemo,
) -> None:
    demo(console.services)
    ui = show_console(qtbot, console)
    form = ui.calls.form
    open_form_with_keys(qtbot, ui)
    type_here(qtbot, "Grace Costa")
    press(qtbot, Qt.Key.Key_Tab)
    type_here(qtbot, "Printing")
    press(qtbot, Qt.Key.Key_Tab)
    type_here(qtbot, "Scans not arriving in my inbox")
    with qtbot.waitSignal(form.incident_opened) as opened:
        press(qtbot, Qt.Key.Key_N, ALT)
    incident = IncidentReads(console.services).detail(opened.args[0])
    assert ui.opened == [incident.id]
    assert incident.title == "Printing: Scans not arriving in my inbox"
    assert incident.service == "Printing"
    assert incident.caller == "Grace Costa"
    assert "What they see: Scans not arriving in my inbox" in incident.description
    assert f"Opened {incident.number} from the call" in form.status.text()
    assert CallReads(console.services).for_incident(incident.id)[0].caller == "Grace Costa"
    assert form.is_blank()


def test_a_call_can_be_linked_to_any_incident_by_number(
    qtbot: QtBot,
    console: ConsoleContext,
    demo: LoadDemo,
) -> None:
    demo(console.services)
    ui = show_console(qtbot, console)
    form = ui.calls.form
    open_form_with_keys(qtbot, ui)
    target = next(
        r for r in IncidentReads(console.services).queue_rows() if r.status.is_open and not r.major
    )
    short = target.number.removeprefix("INC").lstrip("0")
    type_here(qtbot, "Hugo Martin")
    form.link_number.setFocus()
    type_here(qtbot, short)
    assert form.save_button.text() == f"Save and link to {short}  (Enter)"
    with qtbot.waitSignal(form.call_saved) as saved:
        press(qtbot, Qt.Key.Key_Return)
    assert saved.args[0].call.incident_number == target.number


def test_escape_hides_the_form_and_keeps_what_was_typed(
    qtbot: QtBot, console: ConsoleContext
) -> None:
    ui = show_console(qtbot, console)
    form = ui.calls.form
    open_form_with_keys(qtbot, ui)
    type_here(qtbot, "Half a name")
    press(qtbot, Qt.Key.Key_Escape)
    assert not form.isVisible()
    ui.window.activateWindow()
    qtbot.waitUntil(ui.window.isActiveWindow)
    open_form_with_keys(qtbot, ui)
    assert form.caller.text() == "Half a name"


def test_every_field_has_its_accessible_name(qtbot: QtBot, console: ConsoleContext) -> None:
    ui = show_console(qtbot, console)
    form = ui.calls.form
    assert form.accessibleName() == "Log a call"
    assert form.windowTitle() == "Log a call"
    names = {
        form.caller.edit: "Caller",
        form.service: "Service",
        form.symptom: "Symptom",
        form.callback_number: "Callback number",
        form.matches: "Matching incidents",
        ui.calls.call_list.table: "Call list",
    }
    for widget, name in names.items():
        assert widget.accessibleName() == name
    assert ui.calls.log_call_action.shortcut().toString() == "Ctrl+L"
    assert ui.calls.log_call_action.toolTip() == "Log a call (Ctrl+L)"
    assert ui.calls.menu.title() == "&Calls"


def test_saving_never_blocks_typing_the_next_call(
    qtbot: QtBot, sqlite_ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = TaskRunner()  # real worker threads, as in the console
    context = ConsoleContext.build(load_settings(), sqlite_ctx, runner)
    ui = show_console(qtbot, context)
    form = ui.calls.form
    commands = ui.calls.controller.commands
    gate = threading.Event()
    real_log_call = commands.log_call

    def slow_log_call(draft: CallDraft) -> LoggedCall:
        gate.wait(10)  # a slow database: the save takes as long as the test says
        return real_log_call(draft)

    monkeypatch.setattr(commands, "log_call", slow_log_call)
    try:
        open_form_with_keys(qtbot, ui)
        type_here(qtbot, "First Caller")
        press(qtbot, Qt.Key.Key_Return)
        qtbot.waitUntil(form.is_blank)  # once the caller look-up has answered (no one)
        assert form.saver.pending == 1
        assert form.status.text() == "Saving 1 call…"
        type_here(qtbot, "Second Caller")  # the keyboard is free while the first one saves
        assert form.caller.text() == "Second Caller"
        with qtbot.waitSignal(form.call_saved):
            gate.set()
        with qtbot.waitSignal(form.call_saved):
            press(qtbot, Qt.Key.Key_Return)
    finally:
        gate.set()
        runner.wait_for_idle()
    assert _calls(context) == 2


def test_enter_on_a_highlighted_match_links_to_it(qtbot: QtBot, console: ConsoleContext) -> None:
    email = add_service(console.services.db, "Email")
    outage = declare_outage(console.services, email, "Email down for all users")
    ui = show_console(qtbot, console)
    form = ui.calls.form
    open_form_with_keys(qtbot, ui)
    type_here(qtbot, "Pablo")
    press(qtbot, Qt.Key.Key_Tab)
    type_here(qtbot, "Email")
    form.matches.setFocus()
    with qtbot.waitSignal(form.call_saved) as saved:
        press(qtbot, Qt.Key.Key_Return)
    assert saved.args[0].call.incident_id == outage.id


def test_the_calls_menu_opens_the_call_list_with_ctrl_shift_l(
    qtbot: QtBot, console: ConsoleContext
) -> None:
    ui = show_console(qtbot, console)
    calls = ui.calls
    assert [a.text() for a in calls.menu.actions()] == ["Log a &call…", "Call &list", "Call&backs"]
    assert calls.dock.objectName() == "callsDock"
    assert not calls.dock.isVisible()
    ui.window.table.setFocus()
    press(qtbot, Qt.Key.Key_L, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert calls.dock.isVisible()
    assert calls.tabs.currentWidget() is calls.call_list


def test_closing_the_window_stops_reading_and_hides_the_form(
    qtbot: QtBot, console: ConsoleContext
) -> None:
    ui = show_console(qtbot, console)
    calls = ui.calls
    open_form_with_keys(qtbot, ui)
    assert calls.controller.running
    ui.window.close()
    assert not calls.controller.running
    qtbot.waitUntil(lambda: not calls.form.isVisible())
    assert not console.hub.running  # every view of the window left the change hub
    with qtbot.assertNotEmitted(console.runner.task_finished):
        console.hub.poll_now()
        calls.controller.check_surges()
