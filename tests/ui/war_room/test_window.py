"""The war-room window: named parts, the header and its countdown on a moved clock, the
remembered layout, and live refresh from the change feed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import event

from app.domain.clock import ManualClock
from app.services.context import ServiceContext
from app.services.war_room.commands import WarRoomCommands
from app.settings import load_settings
from tests.app.services.war_room.war_room_support import Outage
from tests.helpers import open_incident
from tests.ui.war_room.conftest import show_war_room
from ui.console_context import ConsoleContext
from ui.task_runner import TaskRunner
from ui.war_room import WarRoomWindow, open_war_room

NAMES = (
    "Next update countdown",
    "Checklist",
    "Call log",
    "Status update composer",
    "What to tell callers",
    "Vendor escalations",
    "Timeline",
)


def named(window: QWidget, name: str) -> QWidget:
    found = [w for w in window.findChildren(QWidget) if w.accessibleName() == name]
    assert len(found) == 1, f"{len(found)} widgets are named {name!r}"
    return found[0]


@pytest.fixture
def statements(sqlite_ctx: ServiceContext) -> Iterator[list[str]]:
    """Every SQL statement run while the fixture is active."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(sqlite_ctx.db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(sqlite_ctx.db.engine, "before_cursor_execute", record)


def test_the_war_room_and_its_panels_have_their_exact_names(war_room: WarRoomWindow) -> None:
    assert war_room.accessibleName() == "War room"
    for name in NAMES:
        assert named(war_room, name).isVisible(), f"{name} is not on screen"


def test_the_header_says_what_who_and_how_long(
    war_room: WarRoomWindow, outage: Outage, clock: ManualClock
) -> None:
    header = war_room.header
    assert header.number.text() == outage.incident.number
    assert header.title.text() == "Email down for all users"
    assert header.priority.text() == "P1"
    assert header.status.text() == "Major · New"
    assert header.commander.text() == "Sam Okafor"
    assert header.comms_lead.text() == "Priya Nair"
    assert header.eta.text() == "not set"
    assert [chip.text() for chip in header.service_chips] == ["Email: Major outage"]
    clock.advance(timedelta(minutes=12, seconds=5))
    war_room.controller.tick()
    assert header.elapsed.text() == "0:12:05"
    assert (
        war_room.windowTitle() == f"War room · {outage.incident.number} · Email down for all users"
    )


def test_the_countdown_runs_then_turns_red_and_flashes_when_overdue(
    war_room: WarRoomWindow, clock: ManualClock, statements: list[str]
) -> None:
    countdown = war_room.header.countdown
    assert countdown.accessibleName() == "Next update countdown"
    assert countdown.text() == "Next update in 30:00"
    due = (clock.now() + timedelta(minutes=30)).astimezone().strftime("%H:%M")
    assert countdown.accessibleDescription() == (
        f"Next status update due at {due}, in 30 minutes 0 seconds."
    )
    clock.advance(timedelta(minutes=17, seconds=30))
    war_room.controller.tick()
    assert countdown.text() == "Next update in 12:30"
    assert countdown.property("tone") == ""
    clock.advance(timedelta(minutes=9))
    war_room.controller.tick()
    assert countdown.text() == "Next update in 03:30"
    assert countdown.property("tone") == "due_soon"
    clock.advance(timedelta(minutes=6, seconds=40))
    war_room.controller.tick()
    assert countdown.text() == "Update overdue 03:10"
    assert countdown.overdue
    first = countdown.property("tone")
    assert first in ("overdue", "overdue_dim")
    assert countdown.accessibleDescription() == (
        f"Status update overdue by 3 minutes 10 seconds; it was due at {due}."
    )
    clock.advance(timedelta(seconds=1))
    war_room.controller.tick()
    assert countdown.property("tone") in ("overdue", "overdue_dim")
    assert countdown.property("tone") != first  # it flashes, second by second
    assert statements == []  # ticking never reads the database


def test_the_layout_is_remembered(
    qtbot: QtBot, console: ConsoleContext, outage: Outage, war_room: WarRoomWindow
) -> None:
    columns = war_room.findChild(QSplitter, "columns")
    assert columns is not None
    columns.setSizes([300, 800, 500])
    wanted = columns.sizes()
    war_room.panels.timeline.set_filter("notes")
    war_room.close()
    again = show_war_room(qtbot, console, outage.incident.id)
    restored = again.findChild(QSplitter, "columns")
    assert restored is not None
    assert restored.sizes() == wanted
    assert again.panels.timeline.model.filter_key == "notes"
    again.stop()


def test_a_colleagues_change_arrives_through_the_change_feed(
    qtbot: QtBot,
    war_room: WarRoomWindow,
    console: ConsoleContext,
    sqlite_ctx: ServiceContext,
    outage: Outage,
) -> None:
    # Another agent, on another workstation, ticks a step and links a duplicate.
    colleague = WarRoomCommands(sqlite_ctx)
    first = war_room.snapshot.checklist[0] if war_room.snapshot else None
    assert first is not None
    colleague.set_item_done(first.id, True)
    colleague.link_child(outage.incident.id, open_incident(sqlite_ctx, "Webmail hangs").number)
    with qtbot.waitSignal(war_room.snapshot_applied):
        console.hub.poll_now()
    assert war_room.panels.checklist.count.text() == "1/7 done"
    assert war_room.panels.children.model.rowCount() == 1


def test_open_war_room_shows_it_and_it_deletes_itself_when_closed(
    qtbot: QtBot, console: ConsoleContext, outage: Outage
) -> None:
    window = open_war_room(console, outage.incident.id)
    try:  # not given to qtbot: it deletes itself on close, which is what is tested
        assert window.isVisible()
        assert window.testAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        qtbot.waitUntil(lambda: window.snapshot is not None)
    finally:
        with qtbot.waitSignal(window.destroyed):
            window.close()


def test_ctrl_w_closes_the_war_room(qtbot: QtBot, war_room: WarRoomWindow) -> None:
    war_room.activateWindow()
    qtbot.waitUntil(war_room.isActiveWindow)
    qtbot.keyClick(war_room, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert not war_room.isVisible()


def test_it_works_with_the_background_runner_the_console_uses(
    qtbot: QtBot, sqlite_ctx: ServiceContext, outage: Outage
) -> None:
    runner = TaskRunner()  # service calls on worker threads, callbacks on the UI thread
    console = ConsoleContext.build(load_settings(), sqlite_ctx, runner)
    window = WarRoomWindow(console, outage.incident.id)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.snapshot_applied, timeout=10_000):
        window.start()
    panel = window.panels.checklist
    panel.view.setFocus()
    panel.view.setCurrentIndex(panel.model.index(0, 1))
    with qtbot.waitSignal(window.snapshot_applied, timeout=10_000):
        qtbot.keyClick(panel.view, Qt.Key.Key_Space)
    assert panel.count.text() == "1/7 done"
    window.stop()
    assert runner.wait_for_idle(10_000)


def test_what_to_tell_callers_is_never_cut_when_a_banner_takes_room(
    qtbot: QtBot, war_room: WarRoomWindow
) -> None:
    callers = war_room.panels.callers
    callers.message.setText(
        "We know email is down for everyone and are working with Microsoft. Use webmail or "
        "Teams chat meanwhile. Next update by the top of the hour, sooner if anything changes."
    )
    war_room.panels.banner.show_message(
        "P1 incidents are updated every 30 minutes: promise the next update by 09:25 at the latest."
    )

    def whole(label: QWidget) -> bool:
        return label.height() >= label.heightForWidth(label.width())

    qtbot.waitUntil(lambda: whole(callers.message) and whole(callers.workaround))
    war_room.resize(1600, 700)  # a smaller screen: the other panels give way
    qtbot.waitUntil(lambda: whole(callers.message) and whole(callers.workaround))
