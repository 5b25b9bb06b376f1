"""The surge banner: it appears when calls about one service pile up, one click declares the
major incident and links the calls, and agents are told whom to ask."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.domain.clock import ManualClock
from app.domain.roles import Role
from app.services.calls.commands import CallCommands
from app.services.calls.dto import CallDraft
from app.services.calls.reads import CallReads
from app.services.context import ServiceContext
from app.services.incidents.reads import IncidentReads
from tests.helpers import add_agent, add_service
from tests.ui.calls.conftest import open_form_with_keys, press, show_console, type_here
from ui.console_context import ConsoleContext


def _log_calls(ctx: ServiceContext, clock: ManualClock, service: int, count: int) -> None:
    for n in range(count):
        CallCommands(ctx).log_call(
            CallDraft(
                client_uuid=str(uuid.uuid4()),
                caller_name=f"Caller {n}",
                service_id=service,
                symptom="Printer jams",
            )
        )
        clock.advance(timedelta(minutes=1))


def test_calls_typed_in_the_form_raise_the_banner_and_one_click_declares(
    qtbot: QtBot, console: ConsoleContext, clock: ManualClock
) -> None:
    printing = add_service(console.services.db, "Printing")
    _log_calls(console.services, clock, printing, 4)
    ui = show_console(qtbot, console)
    calls = ui.calls
    assert not calls.banner_bar.isVisible()
    form = calls.form
    open_form_with_keys(qtbot, ui)
    type_here(qtbot, "Fifth Caller")
    press(qtbot, Qt.Key.Key_Tab)
    type_here(qtbot, "Printing")
    press(qtbot, Qt.Key.Key_Tab)
    type_here(qtbot, "Printer jams again")
    with qtbot.waitSignal(calls.surge_detected) as detected:
        press(qtbot, Qt.Key.Key_Return)
    message = "Possible major incident: 5 calls about Printing in the last 10 min"
    assert detected.args[0].message == message
    assert calls.banner_bar.isVisible()
    assert message in calls.banner.message.text()
    assert message in ui.messages
    with qtbot.waitSignal(calls.major_declared) as declared:
        qtbot.mouseClick(calls.banner.declare, Qt.MouseButton.LeftButton)
    major = IncidentReads(console.services).detail(declared.args[0])
    assert major.major
    assert major.service == "Printing"
    assert ui.declared == [major.id]
    assert len(CallReads(console.services).for_incident(major.id)) == 5
    qtbot.waitUntil(lambda: not calls.banner_bar.isVisible())
    queue = ui.window.queue.model
    qtbot.waitUntil(lambda: (row := queue.row_for_id(major.id)) is not None and row.calls == 5)
    assert form.is_blank()


def test_the_banner_goes_when_the_window_slides_past_and_not_now_hides_it(
    qtbot: QtBot, console: ConsoleContext, clock: ManualClock
) -> None:
    printing = add_service(console.services.db, "Printing")
    _log_calls(console.services, clock, printing, 5)
    ui = show_console(qtbot, console)
    calls = ui.calls
    qtbot.waitUntil(calls.banner_bar.isVisible)
    qtbot.mouseClick(calls.banner.dismiss, Qt.MouseButton.LeftButton)
    assert not calls.banner_bar.isVisible()
    _log_calls(console.services, clock, printing, 1)  # one more call: it is back
    with qtbot.waitSignal(calls.controller.surges_changed):
        calls.controller.check_surges()
    assert calls.banner_bar.isVisible()
    clock.advance(timedelta(minutes=30))
    with qtbot.waitSignal(calls.controller.surges_changed):
        calls.controller.check_surges()
    assert not calls.banner_bar.isVisible()


def test_an_agent_sees_the_surge_but_is_asked_to_tell_the_supervisor(
    qtbot: QtBot, console: ConsoleContext, clock: ManualClock
) -> None:
    printing = add_service(console.services.db, "Printing")
    _log_calls(console.services, clock, printing, 5)
    agent = add_agent(console.services.db, "tom", "Tom Agent", Role.AGENT)
    as_agent = replace(console, services=replace(console.services, actor=agent))
    ui = show_console(qtbot, as_agent)
    qtbot.waitUntil(ui.calls.banner_bar.isVisible)
    assert not ui.calls.banner.declare.isVisible()
    assert "Tell your shift supervisor" in ui.calls.banner.message.text()
