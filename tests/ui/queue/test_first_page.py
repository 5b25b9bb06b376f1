"""The queue's first screenful is painted, in triage order, before the whole queue is read; the
rest is swapped in under it without losing the selection, the search, the scroll position or a
change the feed brought meanwhile. The whole-queue read is held on a gate (real worker threads),
so what the panel shows before it answers is seen for certain."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import insert

from app.db.models import Incident
from app.services.context import ServiceContext
from app.services.incidents.commands import IncidentCommands
from app.services.incidents.dto import IncidentRow
from app.services.incidents.queue_filters import default_order_key, sla
from app.services.incidents.reads import IncidentReads
from app.settings import load_settings
from tests.helpers import open_incident
from ui.console_context import ConsoleContext
from ui.main_window import MainWindow
from ui.queue import queue_controller
from ui.queue.queue_controller import QueueController
from ui.queue.queue_panel import QueuePanel
from ui.roles import Roles
from ui.task_runner import TaskRunner

PAGE = 40


@pytest.fixture(autouse=True)
def small_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queue_controller, "FIRST_PAGE_ROWS", PAGE)


def _queue(ctx: ServiceContext, count: int) -> None:
    """`count` open incidents of every priority, with due times spread over two days, numbered
    in an order unrelated to their triage order."""
    now = ctx.clock.now()
    rows: list[dict[str, Any]] = [
        {
            "number": f"INC{(n * 7919) % 100_000:06d}",
            "title": f"{'printer' if n % 3 == 0 else 'mail'} problem {n}",
            "impact": 2,
            "urgency": 2,
            "priority": 1 + n % 5,
            "major": n % 41 == 0,
            "status": "new",
            "opened_at": now - timedelta(hours=1),
            "updated_at": now,
            "respond_by": now + timedelta(minutes=(n * 37) % 2880 - 60),
            "resolve_by": now + timedelta(days=3),
        }
        for n in range(count)
    ]
    with ctx.db.write() as session:
        session.execute(insert(Incident), rows)


class Gate:
    """Holds the whole-queue read after it has read (what it returns predates anything written
    while it waits) until `open()`."""

    def __init__(self, read: Callable[..., list[IncidentRow]]) -> None:
        self._read = read
        self._event = threading.Event()
        self.waiting = threading.Event()

    def __call__(self, **kwargs: Any) -> list[IncidentRow]:
        rows = self._read(**kwargs)
        self.waiting.set()
        self._event.wait(30)
        return rows

    def open(self) -> None:
        self._event.set()


@pytest.fixture
def gated(sqlite_ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    runner = TaskRunner()  # real worker threads, as in the console
    context = ConsoleContext.build(load_settings(), sqlite_ctx, runner)
    gate = Gate(context.reads.queue_rows)
    monkeypatch.setattr(context.reads, "queue_rows", gate)
    controller = QueueController(context, None)
    panel = QueuePanel(controller.model)
    panel.resize(900, 320)
    panel.show()
    yield context, gate, controller, panel
    gate.open()
    controller.stop()
    runner.wait_for_idle()
    panel.close()
    panel.deleteLater()


def _shown(panel: QueuePanel) -> list[int]:
    model = panel.model
    return [model.row_at(n).id for n in range(model.rowCount())]


def _triage(ctx: ServiceContext) -> list[int]:
    """Every queue row's id in the order the model sorts by."""
    now = ctx.clock.now()
    rows = IncidentReads(ctx).queue_rows()
    return [r.id for r in sorted(rows, key=lambda r: default_order_key(r, sla(r, now)))]


def test_the_first_page_shows_in_triage_order_before_the_whole_queue_is_read(
    qtbot: QtBot, sqlite_ctx: ServiceContext, gated: Any
) -> None:
    _queue(sqlite_ctx, 150)
    _context, gate, controller, panel = gated
    expected = _triage(sqlite_ctx)
    with qtbot.waitSignal(controller.page_loaded) as page:
        controller.start()
    assert page.args == [PAGE]
    assert _shown(panel) == expected[:PAGE]
    assert not panel.model.complete
    assert "loading the rest of the queue" in panel.count_label.text()
    assert f"{PAGE} loaded" not in panel.count_label.text()  # it is not the queue's count
    with qtbot.waitSignal(controller.loaded) as loaded:
        gate.open()
    assert loaded.args == [150]
    assert _shown(panel) == expected
    assert panel.model.complete
    assert panel.count_label.text() == "150 shown · filter: All open · 150 loaded"


def test_the_swap_keeps_the_selection_the_search_and_the_row_at_the_top(
    qtbot: QtBot, sqlite_ctx: ServiceContext, gated: Any
) -> None:
    _queue(sqlite_ctx, 150)
    _context, gate, controller, panel = gated
    with qtbot.waitSignal(controller.page_loaded):
        controller.start()
    table = panel.table
    # Sorted by number while only the page is in: the rest will land above and below.
    table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    qtbot.keyClicks(panel.search, "printer")
    qtbot.waitUntil(lambda: panel.model.rowCount() < PAGE)
    table.scrollTo(panel.model.index(4, 0), table.ScrollHint.PositionAtTop)
    top = table.indexAt(QPoint(0, 0)).data(Roles.ID)
    chosen = panel.model.row_at(6).id
    rect = table.visualRect(panel.model.index(6, 2))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert table.selected_incident_ids() == [chosen]
    with qtbot.waitSignal(controller.loaded):
        gate.open()
    assert panel.search.text() == "printer"
    assert panel.model.rowCount() == 50  # every printer incident, now that all are in
    assert table.selected_incident_ids() == [chosen]
    assert table.current_incident_id() == chosen
    assert panel.model.position_of(top) != 4  # rows arrived above it...
    assert table.indexAt(QPoint(0, 0)).data(Roles.ID) == top  # ...and it stayed at the top
    numbers = [panel.model.row_at(n).number for n in range(panel.model.rowCount())]
    assert numbers == sorted(numbers)  # still sorted by number


def test_a_change_between_the_page_and_the_whole_queue_shows_exactly_once(
    qtbot: QtBot, sqlite_ctx: ServiceContext, gated: Any
) -> None:
    _queue(sqlite_ctx, 150)
    context, gate, controller, panel = gated
    with qtbot.waitSignal(controller.page_loaded):
        controller.start()
    assert gate.waiting.wait(30)  # the whole queue has been read: what follows is not in it
    edited = panel.model.row_at(3)
    IncidentCommands(sqlite_ctx).edit(edited.id, edited.version, {"title": "Edited meanwhile"})
    opened = open_incident(sqlite_ctx, "Opened meanwhile", impact=1, urgency=1)
    applied: list[frozenset[int]] = []
    controller.changes_applied.connect(applied.append)
    with qtbot.waitSignal(context.hub.polled):
        context.hub.poll_now()
    gate.open()

    def both_shown() -> bool:
        row = panel.model.row_for_id(edited.id)
        return opened.id in panel.model.cached_ids() and row is not None and row.version > 1

    qtbot.waitUntil(both_shown)
    shown = _shown(panel)
    assert len(shown) == 151
    assert shown.count(opened.id) == 1
    assert shown.count(edited.id) == 1
    row = panel.model.row_for_id(edited.id)
    assert row is not None
    assert row.title == "Edited meanwhile"
    assert sum(opened.id in ids for ids in applied) == 1
    assert shown == _triage(sqlite_ctx)


def test_the_window_says_loaded_at_the_first_page_and_complete_at_the_whole_queue(
    qtbot: QtBot, sqlite_ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    _queue(sqlite_ctx, 150)
    runner = TaskRunner()
    context = ConsoleContext.build(load_settings(), sqlite_ctx, runner)
    gate = Gate(context.reads.queue_rows)
    monkeypatch.setattr(context.reads, "queue_rows", gate)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    try:
        with qtbot.waitSignal(window.queue_loaded) as loaded:
            window.start()
        assert loaded.args == [PAGE]
        assert window.table.selected_incident_ids() == [_triage(sqlite_ctx)[0]]
        with qtbot.waitSignal(window.queue_complete) as complete:
            gate.open()
        assert complete.args == [150]
        assert window.table.selected_incident_ids() == [_triage(sqlite_ctx)[0]]
    finally:
        gate.open()
        window.close()
        runner.wait_for_idle()
