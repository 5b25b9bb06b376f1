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
