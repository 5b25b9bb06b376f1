"""Two consoles on one database see each other's changes live, patching only the changed rows:
LISTEN/NOTIFY on PostgreSQL, the data version of a shared SQLite file. The periodic poll is
pushed out of the way, so only the live path can deliver within the wait."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from app.db.engine import Database, open_database
from app.db.live import PostgresListener, watcher_for
from app.db.migrate import upgrade
from app.domain.clock import ManualClock
from app.domain.roles import Role
from app.services.context import ServiceContext
from app.services.directory.reads import sign_in
from app.services.incidents.claims import Claims
from app.services.incidents.commands import IncidentCommands
from app.settings import load_settings
from tests.helpers import PG_ADMIN_URL, THROUGH_POOLER_TOO, add_agent, as_actor, open_incident
from ui.console_context import ConsoleContext
from ui.live import change_hub
from ui.main_window import MainWindow
from ui.queue.queue_controller import QueueController
from ui.task_runner import TaskRunner

LIVE_WAIT_MS = 1_000  # "within a second"; the poll would take 10 minutes here
POLLED_EXTRA_MS = 2_000  # behind a pooler the watcher itself looks once a second


@dataclass
class Workstation:
    db: Database
    ctx: ServiceContext
    console: ConsoleContext


@pytest.fixture(autouse=True)
def no_periodic_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(change_hub, "SAFETY_POLL_MS", 600_000)


@pytest.fixture
def pair(db_url: str, clock: ManualClock) -> Iterator[tuple[Workstation, Workstation]]:
    """Two workstations: each its own engine, sign-in, console context and watcher."""
    stations = []
    for login, name in (("alice", "Alice Admin"), ("bob", "Bob Baker")):
        db = open_database(db_url)
        upgrade(db)
        ctx = ServiceContext(db, clock, sign_in(db, login, name))
        console = ConsoleContext.build(
            load_settings(), ctx, TaskRunner(synchronous=True), watcher=watcher_for(db)
        )
        stations.append(Workstation(db, ctx, console))
    yield stations[0], stations[1]
    for station in stations:
        station.console.live.stop()
        station.db.dispose()


def _live_controller(qtbot: QtBot, station: Workstation) -> QueueController:
    controller = QueueController(station.console, None)
    with qtbot.waitSignal(controller.loaded):
        controller.start()
    qtbot.waitUntil(lambda: station.console.live.live is True)
    return controller


@pytest.mark.parametrize("db_url", THROUGH_POOLER_TOO, indirect=True)
def test_a_change_in_one_console_reaches_the_others_queue_within_a_second(
    qtbot: QtBot, pair: tuple[Workstation, Workstation]
) -> None:
    """Through PgBouncer the watcher reads the change log every second: a little more to wait."""
    writer, reader = pair
    controller = _live_controller(qtbot, reader)
    watcher = reader.console.live.watcher
    polled = isinstance(watcher, PostgresListener) and watcher.polling
    wait = LIVE_WAIT_MS + (POLLED_EXTRA_MS if polled else 0)
    resets: list[bool] = []
    controller.model.modelReset.connect(lambda: resets.append(True))
    try:
        incident = open_incident(writer.ctx, "Payroll export fails")
        qtbot.waitUntil(lambda: controller.model.row_for_id(incident.id) is not None, timeout=wait)
        IncidentCommands(writer.ctx).edit(incident.id, incident.version, {"title": "Payroll down"})
        qtbot.waitUntil(
            lambda: (
                (row := controller.model.row_for_id(incident.id)) is not None
                and row.title == "Payroll down"
            ),
            timeout=wait,
        )
        assert not resets  # rows patched in place, never a full reload
    finally:
        controller.stop()


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_the_indicator_goes_stale_when_the_listener_drops_and_catches_up_after(
    qtbot: QtBot, pair: tuple[Workstation, Workstation]
) -> None:
    writer, reader = pair
    window = MainWindow(reader.console)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.queue_loaded):
        window.start()
    qtbot.waitUntil(lambda: "live" in window.health_label.text())
    listener = reader.console.live.watcher
    assert isinstance(listener, PostgresListener)
    pid = listener.backend_pid
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    qtbot.waitUntil(lambda: "Updates paused" in window.health_label.text())
    # Never both at once: "Connected" and "lost the connection".
    assert "Connected" not in window.health_label.text()
    assert "lost the connection" in window.health_label.text()
    missed = open_incident(writer.ctx, "Opened while the listener was down")
    qtbot.waitUntil(lambda: window.health_label.text() == "● Connected, live", timeout=5_000)
    qtbot.waitUntil(lambda: window.queue.model.row_for_id(missed.id) is not None)
    window.close()


def test_assign_to_me_tells_the_loser_who_took_the_incident(
    qtbot: QtBot, pair: tuple[Workstation, Workstation]
) -> None:
    alice, bob = pair
    incident = open_incident(alice.ctx, "VPN drops every hour")
    # Alice clicks before Bob's change reaches her screen: her console shows the old version.
    stale = ConsoleContext.build(load_settings(), alice.ctx, TaskRunner(synchronous=True))
    window = MainWindow(stale)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    with qtbot.waitSignal(window.queue_loaded):
        window.start()
    window.stack.setCurrentWidget(window.panel)
    window.table.clearSelection()  # the first load selected it already
    window.table.select_incident(incident.id)
    assert window.table.selected_incident_ids() == [incident.id]
    Claims(bob.ctx).assign_to_me(incident.id, incident.version)  # Bob was quicker
    seen: list[str] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, read_and_close)
            return
        seen.append(box.text())
        box.accept()

    QTimer.singleShot(0, read_and_close)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(seen))
    assert "Bob Baker took INC" in seen[0]
    assert "Bob Baker took INC" in window.statusBar().currentMessage()
    window.close()


def test_an_agent_does_not_see_actions_only_a_supervisor_may_take(
    qtbot: QtBot, pair: tuple[Workstation, Workstation]
) -> None:
    alice, _bob = pair
    agent = as_actor(alice.ctx, add_agent(alice.db, "pat", "Pat Agent", Role.AGENT))
    console = ConsoleContext.build(load_settings(), agent, TaskRunner(synchronous=True))
    window = MainWindow(console)
    qtbot.addWidget(window)
    assert not window.menus.declare_action.isVisible()
    assert window.menus.assign_me_action.isVisible()
    assert "(agent)" in window.agent_label.text()
