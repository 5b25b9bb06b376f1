"""The shift handover window: the outgoing lead draws it up with notes; the incoming supervisor
opens the same window and acknowledges it."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from app.domain.clock import ManualClock
from app.domain.roles import Role
from app.services.context import ServiceContext
from app.services.handover.commands import HandoverCommands
from app.services.handover.reads import HandoverReads
from tests.app.services.war_room.war_room_support import declare_outage
from tests.helpers import add_agent, as_actor
from ui.console_context import ConsoleContext
from ui.handover.handover_dialog import HandoverDialog
from ui.handover.install import ShiftHandovers


def _open(qtbot: QtBot, console: ConsoleContext) -> HandoverDialog:
    dialog = HandoverDialog(console)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.loaded):
        dialog.load()
    return dialog


def test_drawn_up_with_notes_then_acknowledged_by_the_incoming_supervisor(
    qtbot: QtBot, console: ConsoleContext, sqlite_ctx: ServiceContext
) -> None:
    outage = declare_outage(sqlite_ctx)
    outgoing = _open(qtbot, console)
    assert outage.incident.number in outgoing.report.toPlainText()
    assert "Goodwill gestures owed" in outgoing.report.toPlainText()
    qtbot.keyClicks(outgoing.notes, "Microsoft promised a fix by 16:00.")
    with qtbot.waitSignal(outgoing.loaded):
        qtbot.mouseClick(outgoing.draw_button, Qt.MouseButton.LeftButton)
    assert "Waiting for the incoming supervisor" in outgoing.state.text()
    assert not outgoing.ack_button.isVisible()  # not for the one who wrote it
    lee = as_actor(sqlite_ctx, add_agent(sqlite_ctx.db, "lee", "Lee Incoming", Role.SUPERVISOR))
    incoming = _open(qtbot, ConsoleContext.build(console.settings, lee, console.runner))
    assert incoming.notes.toPlainText() == "Microsoft promised a fix by 16:00."
    assert incoming.notes.isReadOnly()
    with qtbot.waitSignal(incoming.loaded):
        qtbot.mouseClick(incoming.ack_button, Qt.MouseButton.LeftButton)
    assert "Acknowledged by <b>Lee Incoming</b>" in incoming.state.text()
    stored = HandoverReads(sqlite_ctx).recent(1)[0]
    assert (stored.acknowledged_by, stored.created_by) == ("Lee Incoming", sqlite_ctx.actor.name)


def test_the_report_opens_by_itself_at_a_configured_shift_change(
    qtbot: QtBot, console: ConsoleContext, clock: ManualClock
) -> None:
    console.settings.config_dir.mkdir(parents=True, exist_ok=True)
    local = clock.now().astimezone()
    change = (local + timedelta(minutes=10)).strftime("%H:%M")
    (console.settings.config_dir / "shifts.toml").write_text(
        f'shift_changes = ["{change}"]\n', encoding="utf-8"
    )
    window = QMainWindow()
    qtbot.addWidget(window)
    messages: list[str] = []
    handovers = ShiftHandovers(
        console, window, window.menuBar().addMenu("Supervisor"), messages.append
    )
    handovers.start()
    clock.advance(timedelta(minutes=5))
    handovers.check_shift_change()
    assert handovers.dialog is None
    clock.advance(timedelta(minutes=6))
    handovers.check_shift_change()
    assert handovers.dialog is not None
    assert handovers.dialog.windowTitle() == f"Shift handover · Shift change {change}"
    assert messages == [f"Shift change at {change}: the handover report is open."]
    handovers.stop()


def _shift_change_in_ten_minutes(console: ConsoleContext, clock: ManualClock) -> str:
    console.settings.config_dir.mkdir(parents=True, exist_ok=True)
    change = (clock.now().astimezone() + timedelta(minutes=10)).strftime("%H:%M")
    (console.settings.config_dir / "shifts.toml").write_text(
        f'shift_changes = ["{change}"]\n', encoding="utf-8"
    )
    return change


def _handovers(qtbot: QtBot, console: ConsoleContext) -> ShiftHandovers:
    window = QMainWindow()
    qtbot.addWidget(window)
    said: list[str] = []
    handovers = ShiftHandovers(console, window, window.menuBar().addMenu("Supervisor"), said.append)
    handovers.start()
    return handovers


def test_a_shift_change_keeps_the_notes_being_typed(
    qtbot: QtBot, console: ConsoleContext, clock: ManualClock
) -> None:
    change = _shift_change_in_ten_minutes(console, clock)
    handovers = _handovers(qtbot, console)
    typing = handovers.open_on_demand()
    qtbot.waitUntil(lambda: typing.draw_button.isVisible())
    qtbot.keyClicks(typing.notes, "Chase Microsoft at 15:30.")
    clock.advance(timedelta(minutes=11))
    handovers.check_shift_change()
    assert handovers.dialog is typing
    assert typing.isVisible()
    assert typing.notes.toPlainText() == "Chase Microsoft at 15:30."
    assert typing.windowTitle() == f"Shift handover · Shift change {change}"
    handovers.stop()


def test_at_a_shift_change_the_incoming_supervisor_gets_the_waiting_handover_to_acknowledge(
    qtbot: QtBot, console: ConsoleContext, sqlite_ctx: ServiceContext, clock: ManualClock
) -> None:
    HandoverCommands(sqlite_ctx).draw_up(notes="Finance credit promised by Friday.")
    _shift_change_in_ten_minutes(console, clock)
    aisha = as_actor(sqlite_ctx, add_agent(sqlite_ctx.db, "aisha", "Aisha Khan", Role.SUPERVISOR))
    handovers = _handovers(qtbot, ConsoleContext.build(console.settings, aisha, console.runner))
    clock.advance(timedelta(minutes=11))
    handovers.check_shift_change()
    dialog = handovers.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.ack_button.isVisible())
    assert dialog.notes.toPlainText() == "Finance credit promised by Friday."
    assert not dialog.draw_button.isVisible()
    handovers.stop()


def test_a_conflict_really_reloads_and_the_acknowledgement_then_goes_through(
    qtbot: QtBot, console: ConsoleContext, sqlite_ctx: ServiceContext
) -> None:
    drawn = HandoverCommands(sqlite_ctx).draw_up(notes="Notes v1")
    lee = as_actor(sqlite_ctx, add_agent(sqlite_ctx.db, "lee", "Lee Incoming", Role.SUPERVISOR))
    incoming = _open(qtbot, ConsoleContext.build(console.settings, lee, console.runner))
    assert incoming.notes.toPlainText() == "Notes v1"
    HandoverCommands(sqlite_ctx).annotate(drawn.id, drawn.version, "Notes v2: VPN vendor ETA 17:00")
    with qtbot.waitSignal(incoming.loaded):
        qtbot.mouseClick(incoming.ack_button, Qt.MouseButton.LeftButton)
    assert "it has been reloaded" in incoming.message.text()
    assert incoming.notes.toPlainText() == "Notes v2: VPN vendor ETA 17:00"
    with qtbot.waitSignal(incoming.loaded):
        qtbot.mouseClick(incoming.ack_button, Qt.MouseButton.LeftButton)
    assert "Acknowledged by <b>Lee Incoming</b>" in incoming.state.text()
