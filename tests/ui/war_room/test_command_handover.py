"""The commander is prompted to consider a handover every hour and firmly at three hours, and
hands over in one action from the war room."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.domain.clock import ManualClock
from app.domain.command_handover import PromptLevel
from app.services.context import ServiceContext
from app.services.incidents.reads import IncidentReads
from tests.app.services.war_room.war_room_support import Outage
from tests.helpers import as_actor
from tests.ui.war_room.conftest import press_ok, show_war_room
from ui.console_context import ConsoleContext
from ui.war_room import WarRoomWindow


def _tick(war_room: WarRoomWindow) -> None:
    war_room.controller.tick()


def test_the_commander_is_prompted_hourly_then_firmly_and_hands_over(
    qtbot: QtBot, console: ConsoleContext, sqlite_ctx: ServiceContext, clock: ManualClock,
    outage: Outage,
) -> None:  # fmt: skip
    commander = as_actor(sqlite_ctx, outage.commander)
    console = ConsoleContext.build(console.settings, commander, console.runner)
    war_room = show_war_room(qtbot, console, outage.incident.id)
    strip = war_room.command_prompt
    clock.advance(timedelta(minutes=59))
    _tick(war_room)
    assert not strip.isVisible()
    clock.advance(timedelta(minutes=2))
    _tick(war_room)
    assert strip.isVisible()
    assert strip.accessibleName() == "Commander handover prompt"
    assert strip.label.text().startswith("1 h 01 min in command. Consider handing over")
    qtbot.mouseClick(strip.not_now_button, Qt.MouseButton.LeftButton)
    assert not strip.isVisible()
    clock.advance(timedelta(minutes=30))
    _tick(war_room)
    assert not strip.isVisible()  # quiet until the next hour
    clock.advance(timedelta(minutes=30))
    _tick(war_room)
    assert strip.isVisible()
    clock.advance(timedelta(hours=1))
    _tick(war_room)
    assert strip.level == PromptLevel.FIRM
    assert not strip.not_now_button.isVisible()  # firm: it stays
    qtbot.mouseClick(strip.hand_over_button, Qt.MouseButton.LeftButton)
    dialog = war_room.command_handovers.dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    dialog.incoming.select_id(outage.comms.agent_id)
    qtbot.keyClicks(dialog.brief, "Queues draining; next update 12:30.")
    with qtbot.waitSignal(war_room.snapshot_applied):
        press_ok(qtbot, dialog)
    detail = IncidentReads(sqlite_ctx).detail(outage.incident.id)
    assert detail.commander_id == outage.comms.agent_id
    entry = IncidentReads(sqlite_ctx).timeline(outage.incident.id)[-1]
    assert entry.summary == (
        "Command handed over: Sam Okafor → Priya Nair. Brief: Queues draining; next update 12:30."
    )
    assert not strip.isVisible()  # no longer the commander here
    war_room.stop()
