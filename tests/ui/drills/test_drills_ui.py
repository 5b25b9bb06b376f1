"""Drills in the console, driven as a supervisor would: the Supervisor menu's "Start a drill…",
the banner in every window while it runs, the violet DRILL rows in the queue, and the banner's
"End the drill…" opening the scorecard."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialogButtonBox, QTableWidget, QWidget
from pytestqt.qtbot import QtBot

from app.adapters.runbooks import load_runbook
from app.domain.clock import ManualClock
from app.domain.roles import Role
from app.services.context import ServiceContext
from app.services.drills.reads import DrillReads
from app.services.incidents.commands import IncidentCommands
from app.services.incidents.reads import IncidentReads
from app.settings import load_settings
from tests.helpers import add_agent, add_service, as_actor
from ui import theme
from ui.console_context import ConsoleContext
from ui.drills.banner import DrillBanner
from ui.main_window import MainWindow
from ui.roles import Roles
from ui.task_runner import TaskRunner


def _window(qtbot: QtBot, console: ConsoleContext) -> MainWindow:
    window = MainWindow(console)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.settled):  # the drill banner comes once the queue is painted
        window.start()
    return window


def _banner(window: QWidget) -> DrillBanner:
    found = [w for w in window.findChildren(DrillBanner) if w.accessibleName() == "Drill banner"]
    assert len(found) == 1
    return found[0]


def _menu_action(window: MainWindow, text: str) -> QAction:
    actions = [a for a in window.supervisor_menu.actions() if a.text() == text]
    assert len(actions) == 1, [a.text() for a in window.supervisor_menu.actions()]
    return actions[0]


def _click_ok(qtbot: QtBot, dialog: QWidget) -> None:
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    qtbot.mouseClick(buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def test_a_supervisor_starts_a_drill_from_the_menu_and_every_window_shows_the_banner(
    qtbot: QtBot, console: ConsoleContext, sqlite_ctx: ServiceContext, clock: ManualClock
) -> None:
    add_service(sqlite_ctx.db, "Email")
    window = _window(qtbot, console)
    banner = _banner(window)
    assert not banner.isVisible()
    start = _menu_action(window, "Start a &drill…")
    assert start.isVisible()
    start.trigger()
    dialog = window.drills.actions.start_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    dialog.script.setCurrentIndex(dialog.script.findText("Email outage: Outlook cannot connect"))
    assert dialog.runbook.currentData() == "email-outage"  # the script's runbook is offered
    _click_ok(qtbot, dialog)
    qtbot.waitUntil(banner.isVisible)
    assert "DRILL IN PROGRESS: Email outage: Outlook cannot connect" in banner.label.text()
    # The queue shows the drill's first report in the drill's own colour, marked DRILL.
    model = window.queue.model
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    index = model.index(0, 2)
    assert index.data().startswith("DRILL · ")
    assert index.data(Qt.ItemDataRole.BackgroundRole) == theme.drill_row_colour()
    # The script plays on the console's clock: two calls by minute 5.
    clock.advance(timedelta(minutes=5))
    with qtbot.waitSignal(window.drills.watch.played) as played:
        window.drills.watch.poll()
    assert len(played.args[0]) == 2
    drill = DrillReads(sqlite_ctx).running()[0]
    assert drill.incident_id is not None
    qtbot.waitUntil(lambda: model.index(0, 0).data(Roles.ROW).calls == 2)
    # Declared major, its war room opens with the banner too; so does the wallboard.
    detail = IncidentReads(sqlite_ctx).detail(drill.incident_id)
    IncidentCommands(sqlite_ctx).declare_major(
        detail.id, detail.version, commander_id=sqlite_ctx.actor.agent_id,
        runbook=load_runbook("email-outage"),
    )  # fmt: skip
    window.open_war_room(detail.id)
    war_room = window.windows.war_rooms[detail.id]
    qtbot.waitUntil(lambda: _banner(war_room).isVisible())
    window.menus.wallboard_action.trigger()
    assert window.windows.wallboard is not None
    wall = window.windows.wallboard
    qtbot.waitUntil(lambda: _banner(wall).isVisible())
    # Read across the room: the wall's banner is as big as the wall's captions, not a
    # window's small print.
    wall_caption = wall.status.fontInfo().pixelSize()
    in_a_window = _banner(war_room).label.fontInfo().pixelSize()
    assert _banner(wall).label.fontInfo().pixelSize() >= wall_caption > in_a_window
    war_room.close()
    window.windows.wallboard.close()


def test_ending_the_drill_from_the_banner_shows_its_scorecard(
    qtbot: QtBot, console: ConsoleContext, sqlite_ctx: ServiceContext, clock: ManualClock
) -> None:
    window = _window(qtbot, console)
    window.drills.actions.confirm = lambda _parent, _title, _question: True
    _menu_action(window, "Start a &drill…").trigger()
    dialog = window.drills.actions.start_dialog
    assert dialog is not None
    _click_ok(qtbot, dialog)
    banner = _banner(window)
    qtbot.waitUntil(banner.isVisible)
    clock.advance(timedelta(minutes=45))
    window.drills.watch.poll()
    with qtbot.waitSignal(window.drills.actions.scorecard_shown) as shown:
        qtbot.mouseClick(banner.end_button, Qt.MouseButton.LeftButton)
    scorecard = shown.args[0]
    assert scorecard.accessibleName() == "Drill scorecard"
    figures = scorecard.findChild(QTableWidget, "")
    assert figures is not None
    table = scorecard.figures
    labels = [table.verticalHeaderItem(r).text() for r in range(table.rowCount())]
    assert labels[0] == "Time to declare"
    assert table.item(0, 0).text() == "not done"  # nobody declared it
    assert table.item(labels.index("Length of the drill"), 0).text() == "45 min"
    qtbot.waitUntil(lambda: not banner.isVisible())
    scorecard.close()


def test_an_agent_sees_the_banner_but_no_drill_actions(
    qtbot: QtBot, sqlite_ctx: ServiceContext
) -> None:
    agent = as_actor(sqlite_ctx, add_agent(sqlite_ctx.db, "pat", "Pat Agent", Role.AGENT))
    console = ConsoleContext.build(load_settings(), agent, TaskRunner(synchronous=True))
    window = _window(qtbot, console)
    assert not _menu_action(window, "Start a &drill…").isVisible()
    assert not _menu_action(window, "Shift &handover…").isVisible()
    assert not _banner(window).end_button.isVisibleTo(window)


def test_a_broken_script_file_is_named_with_its_line_and_nothing_starts(
    qtbot: QtBot, console: ConsoleContext, sqlite_ctx: ServiceContext, tmp_path: Path
) -> None:
    window = _window(qtbot, console)
    _menu_action(window, "Start a &drill…").trigger()
    dialog = window.drills.actions.start_dialog
    assert dialog is not None
    broken = tmp_path / "our-drill.toml"
    broken.write_text(
        'title = "Ours"\nrunbook = "email-outage"\n\n[incident]\ntitle = "Mail"\n\n'
        '[[call]]\nminute = 2\ncaller = "Dana"\n',
        encoding="utf-8",
    )
    assert not dialog.load_file(broken)
    assert dialog.error.isVisible()
    assert dialog.error.text() == f"{broken}, line 7 (call 1): needs the caller's words."
    good = tmp_path / "ours.toml"
    good.write_text(broken.read_text(encoding="utf-8") + 'words = "No mail"\n', encoding="utf-8")
    assert dialog.load_file(good)
    assert dialog.script.currentText() == "Ours"
    assert not dialog.error.isVisible()
    assert DrillReads(sqlite_ctx).running() == []
