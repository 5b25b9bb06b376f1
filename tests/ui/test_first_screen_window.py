"""The main window as the console paints it first on the local file: the queue's first screen
read with the driver alone, before the context exists; then `attach` brings the rest, the whole
queue comes in under the rows on screen, and what the agent asked for in between happens."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.services.first_screen.read import FirstScreen, read_first_screen
from app.services.incidents.reads import IncidentReads
from tests.demo_sample import LoadDemo
from ui.console_context import ConsoleContext
from ui.main_window import MainWindow
from ui.queue.queue_day import resolved_since
from ui.window.opening import Opening

PAGE = 40  # fewer than the sample holds, so the whole queue arrives after the first screen


def _painted_first(
    qtbot: QtBot, console: ConsoleContext, sqlite_url: str, page: int = PAGE
) -> tuple[MainWindow, FirstScreen]:
    """The window as ui/console.py paints it first (the console's database is `sqlite_url`)."""
    now = datetime.now(UTC)
    login = console.services.actor.login
    screen = read_first_screen(sqlite_url, now, resolved_since(now), page, login)
    assert screen is not None
    opening = Opening(
        console.settings.ui_state_file, screen.actor, screen.backend, screen.description
    )
    window = MainWindow(opening=opening)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.queue_loaded) as shown:
        window.show_first_screen(screen.rows)
    assert shown.args == [len(screen.rows)]
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window, screen


def test_the_first_screen_shows_the_queue_and_who_is_signed_in_before_the_context(
    qtbot: QtBot, console: ConsoleContext, sqlite_url: str, demo: LoadDemo
) -> None:
    demo(console.services)
    window, screen = _painted_first(qtbot, console, sqlite_url)
    assert not window.attached
    shown = [window.queue_model.row_at(r).number for r in range(window.queue_model.rowCount())]
    assert shown == [row.number for row in screen.rows]  # the page, in triage order
    assert window.table.currentIndex().row() == 0  # the top row selected, as after a load
    actor = console.services.actor
    assert window.agent_label.text() == f"Signed in as {actor.name} ({actor.role.value})"
    assert window.database_label.text().startswith("Local file: ")
    assert window.database_label.text().endswith("calmdesk.sqlite3")


def test_a_key_pressed_before_the_rest_is_here_acts_once_it_is(
    qtbot: QtBot, console: ConsoleContext, sqlite_url: str, demo: LoadDemo
) -> None:
    demo(console.services)
    window, _screen = _painted_first(qtbot, console, sqlite_url)
    qtbot.keyClick(window.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # new
    assert not hasattr(window, "editor_dock")  # nothing to open it with yet: it waits
    since = resolved_since(console.services.clock.now())  # as the queue controller reads it
    whole = len(IncidentReads(console.services).queue_rows(resolved_since=since))
    window.attach(console)
    assert window.editor_dock.isVisible()  # the new incident's editor, as Ctrl+N opens it
    assert window.editor.incident_id() is None
    with qtbot.waitSignal(window.queue_complete) as complete:
        window.start()
    assert complete.args == [whole]  # the whole queue, swapped in under the first screen
    assert window.queue_model.complete


@pytest.mark.parametrize("page", [PAGE, 1000], ids=["part of the queue", "all of it"])
def test_the_whole_queue_comes_in_without_a_second_first_paint(
    qtbot: QtBot, console: ConsoleContext, sqlite_url: str, page: int, demo: LoadDemo
) -> None:
    demo(console.services)
    window, _screen = _painted_first(qtbot, console, sqlite_url, page)
    top = window.table.current_incident_id()
    settled: list[bool] = []
    window.settled.connect(lambda: settled.append(True))
    window.attach(console)
    firsts: list[int] = []
    window.queue_loaded.connect(firsts.append)
    with qtbot.waitSignal(window.queue_complete):
        window.start()
    assert firsts == []  # the first screen was already the first paint
    assert window.table.current_incident_id() == top  # the selection stayed on its incident
    assert window.table.selectionModel().selectedRows()[0].row() == 0
    qtbot.waitUntil(lambda: settled == [True])  # calls, drills, handovers, status page: once
    assert window.calls.controller.ready or window.calls.dock is not None  # calls started
