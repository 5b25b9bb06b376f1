"""The supervisor wallboard over the demo data: what the wall shows, and how it keeps time."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import event

from app.db.engine import open_database
from app.db.live import watcher_for
from app.domain.cadence import format_countdown
from app.domain.clock import ManualClock
from app.domain.errors import DatabaseUnavailable
from app.domain.priority import Priority
from app.services.context import ServiceContext
from app.services.directory.reads import sign_in
from app.services.incidents.commands import IncidentCommands, IncidentDraft
from app.services.reports.wallboard import WallboardReads, WallboardSnapshot
from app.settings import load_settings
from tests.demo_sample import LoadDemo
from ui.console_context import ConsoleContext
from ui.live import change_hub
from ui.task_runner import TaskRunner
from ui.wallboard import Wallboard, open_wallboard
from ui.wallboard import window as window_module


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    """The wall reads through the service, whose tests cover PostgreSQL too; here SQLite will do
    (loading the demo into a fresh PostgreSQL database for every test takes ten seconds)."""
    return sqlite_url


@pytest.fixture
def console(ctx: ServiceContext, qtbot: QtBot, demo: LoadDemo) -> ConsoleContext:
    demo(ctx)
    return ConsoleContext.build(load_settings(), ctx, TaskRunner(synchronous=True))


@pytest.fixture
def board(console: ConsoleContext, qtbot: QtBot) -> Iterator[Wallboard]:
    wallboard = Wallboard(console)
    qtbot.addWidget(wallboard)
    with qtbot.waitSignal(wallboard.snapshot_applied):
        wallboard.start()
    yield wallboard
    wallboard.stop()


def shown(board: Wallboard, accessible_name: str) -> QLabel:
    """The one visible-to-assistive-technology label with this name."""
    found = [w for w in board.findChildren(QLabel) if w.accessibleName() == accessible_name]
    assert len(found) == 1, f"{len(found)} labels are named {accessible_name!r}"
    return found[0]


def the_snapshot(ctx: ServiceContext) -> WallboardSnapshot:
    return WallboardReads(ctx).snapshot()


def test_the_wallboard_is_named_for_assistive_technology(board: Wallboard) -> None:
    assert board.accessibleName() == "Wallboard"
    labels = board.findChildren(QLabel)
    assert labels
    assert all(label.accessibleName() for label in labels)


def test_the_numbers_on_the_wall_match_the_snapshot(board: Wallboard, ctx: ServiceContext) -> None:
    snapshot = the_snapshot(ctx)

    for load in snapshot.priorities:
        name = load.priority.label
        assert shown(board, f"{name} open incidents").text() == str(load.open)
        assert shown(board, f"{name} breached").text() == f"{load.breached} breached"
        assert shown(board, f"{name} at risk").text() == f"{load.at_risk} at risk"
    assert shown(board, "All open incidents").text() == f"{snapshot.open_total} open"
    assert shown(board, "All breached incidents").text() == f"{snapshot.breached_total} breached"
    assert shown(board, "Calls in the last hour").text() == str(snapshot.calls_last_hour)
    assert shown(board, "Unassigned open incidents").text() == str(snapshot.unassigned)
    for team in snapshot.teams:
        assert shown(board, f"{team.team} open incidents").text() == str(team.open)
    assert snapshot.calls_last_hour > 0
    assert snapshot.open_total > 0


def test_breached_counts_are_red_and_zero_counts_are_quiet(board: Wallboard) -> None:
    breached = [shown(board, f"{p.label} breached") for p in Priority]
    assert any(label.text() != "0 breached" for label in breached)
    for label in breached:
        expected = "muted" if label.text() == "0 breached" else "breached"
        assert label.property("tone") == expected


def test_the_major_incident_shows_elapsed_time_and_next_update_countdown(
    board: Wallboard, ctx: ServiceContext, clock: ManualClock
) -> None:
    (major,) = the_snapshot(ctx).majors
    assert major.next_update_due is not None
    left = major.next_update_due - clock.now()

    assert major.title in shown(board, f"{major.number} title").text()
    assert shown(board, f"{major.number} next update countdown").text() == (
        f"Next update in {format_countdown(left)}"
    )
    assert shown(board, f"{major.number} elapsed time").text() == (
        f"Elapsed {format_countdown(clock.now() - major.since)}"
    )
    assert shown(board, f"{major.number} commander").text() == f"Commander {major.commander}"
    assert shown(board, f"{major.number} calls").text().startswith(f"{major.calls} calls")


def test_moving_the_clock_past_the_due_time_flips_the_countdown_to_overdue(
    board: Wallboard, ctx: ServiceContext, clock: ManualClock, qtbot: QtBot
) -> None:
    (major,) = the_snapshot(ctx).majors
    assert major.next_update_due is not None
    countdown = shown(board, f"{major.number} next update countdown")
    assert countdown.property("tone") != "overdue"

    clock.set(major.next_update_due + timedelta(minutes=3, seconds=10))

    # The wallboard's own one-second tick notices; nobody refreshes it.
    qtbot.waitUntil(lambda: countdown.text() == "Update overdue 03:10", timeout=3000)
    assert countdown.property("tone") == "overdue"


def test_the_snapshot_is_read_off_the_ui_thread(
    ctx: ServiceContext, qtbot: QtBot, demo: LoadDemo
) -> None:
    demo(ctx)
    runner = TaskRunner()
    console = ConsoleContext.build(load_settings(), ctx, runner)
    wallboard = Wallboard(console)
    qtbot.addWidget(wallboard)

    with qtbot.waitSignal(wallboard.snapshot_applied, timeout=10_000) as applied:
        wallboard.start()
    wallboard.stop()
    runner.wait_for_idle()

    snapshot = applied.args[0]
    assert isinstance(snapshot, WallboardSnapshot)
    assert shown(wallboard, "All open incidents").text() == f"{snapshot.open_total} open"


def test_ticking_never_reads_the_database(board: Wallboard, ctx: ServiceContext) -> None:
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(ctx.db.engine, "before_cursor_execute", record)
    try:
        for _ in range(3):
            board.tick()
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", record)
    assert statements == []


def test_a_refresh_shows_a_new_incident(
    board: Wallboard, console: ConsoleContext, qtbot: QtBot
) -> None:
    p1 = shown(board, "P1 Critical open incidents")
    before = int(p1.text())
    console.commands.open(IncidentDraft("Payroll will not start", impact=1, urgency=1))

    with qtbot.waitSignal(board.snapshot_applied):
        board.refresh()

    assert p1.text() == str(before + 1)


def test_a_failed_refresh_keeps_the_numbers_and_says_so(
    board: Wallboard, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, clock: ManualClock
) -> None:
    total = shown(board, "All open incidents").text()

    def unreachable(self: WallboardReads) -> WallboardSnapshot:
        raise DatabaseUnavailable("Cannot reach the database: the server is down.")

    monkeypatch.setattr(WallboardReads, "snapshot", unreachable)
    with qtbot.waitSignal(board.refresh_failed):
        board.refresh()

    status = shown(board, "Wallboard data status")
    warning = shown(board, "Wallboard data warning")
    assert status.text().startswith("Not refreshed since")
    assert status.property("tone") == "breached"
    since = clock.now().astimezone()
    calm = f"The database cannot be reached since {since:%H:%M}: the numbers come back with it."
    assert warning.text() == calm  # for a room to read, not the driver's words
    assert warning.isVisibleTo(board)
    assert shown(board, "All open incidents").text() == total
    clock.advance(timedelta(minutes=3))
    with qtbot.waitSignal(board.refresh_failed):
        board.refresh()
    assert warning.text() == calm  # since when it went away, not since the last try

    monkeypatch.undo()
    with qtbot.waitSignal(board.snapshot_applied):
        board.refresh()
    assert status.text().startswith("Updated")
    assert not warning.isVisibleTo(board)


def test_escape_closes_the_wallboard(board: Wallboard, qtbot: QtBot) -> None:
    board.show()
    qtbot.waitExposed(board)

    qtbot.keyClick(board, Qt.Key.Key_Escape)

    assert not board.isVisible()


def test_f11_toggles_full_screen(board: Wallboard, qtbot: QtBot) -> None:
    board.show()
    qtbot.waitExposed(board)

    qtbot.keyClick(board, Qt.Key.Key_F11)
    assert board.isFullScreen()

    qtbot.keyClick(board, Qt.Key.Key_F11)
    assert not board.isFullScreen()
    assert board.isVisible()


def test_open_wallboard_shows_it_full_screen_and_running(
    console: ConsoleContext, qtbot: QtBot
) -> None:
    with qtbot.waitSignal(console.runner.task_finished):
        wallboard = open_wallboard(console)

    assert wallboard.isFullScreen()
    assert wallboard.accessibleName() == "Wallboard"
    assert shown(wallboard, "All open incidents").text().endswith(" open")
    with qtbot.waitSignal(wallboard.destroyed):
        qtbot.keyClick(wallboard, Qt.Key.Key_Escape)


def test_the_wall_reads_again_when_the_change_hub_names_an_incident(
    board: Wallboard, console: ConsoleContext, qtbot: QtBot
) -> None:
    p1 = shown(board, "P1 Critical open incidents")
    before = int(p1.text())
    console.commands.open(IncidentDraft("Payroll will not start", impact=1, urgency=1))

    with qtbot.waitSignal(board.snapshot_applied):
        console.hub.poll_now()  # what a wake from the live watcher, or a write here, does

    assert p1.text() == str(before + 1)
    assert shown(board, "Wallboard data status").text().startswith("Updated")


def test_the_wall_is_live_a_change_from_another_workstation_shows_without_a_timer(
    ctx: ServiceContext,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    demo: LoadDemo,
) -> None:
    monkeypatch.setattr(change_hub, "SAFETY_POLL_MS", 600_000)
    monkeypatch.setattr(window_module, "TIME_REFRESH_MS", 600_000)
    demo(ctx)
    live_console = ConsoleContext.build(
        load_settings(), ctx, TaskRunner(synchronous=True), watcher=watcher_for(ctx.db)
    )
    wall = Wallboard(live_console)
    qtbot.addWidget(wall)
    with qtbot.waitSignal(wall.snapshot_applied):
        wall.start()
    try:
        qtbot.waitUntil(lambda: live_console.hub.live is True)
        unassigned = shown(wall, "Unassigned open incidents")
        before = int(unassigned.text())
        elsewhere = open_database(str(ctx.db.engine.url))  # another workstation's connection
        try:
            colleague = ServiceContext(elsewhere, ctx.clock, sign_in(elsewhere, "bob", "Bob"))
            IncidentCommands(colleague).open(IncidentDraft("Badge readers offline"))
        finally:
            elsewhere.dispose()
        qtbot.waitUntil(lambda: unassigned.text() == str(before + 1), timeout=5_000)
    finally:
        wall.stop()
        live_console.hub.stop()


def test_changes_that_arrive_while_the_wall_reads_make_one_more_read(
    ctx: ServiceContext,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    demo: LoadDemo,
) -> None:
    monkeypatch.setattr(change_hub, "SAFETY_POLL_MS", 600_000)
    demo(ctx)
    runner = TaskRunner()
    console = ConsoleContext.build(load_settings(), ctx, runner)
    reads: list[WallboardSnapshot] = []
    held = threading.Event()
    held.set()
    real_snapshot = WallboardReads.snapshot

    def snapshot(self: WallboardReads) -> WallboardSnapshot:
        held.wait(10)
        reads.append(real_snapshot(self))
        return reads[-1]

    monkeypatch.setattr(WallboardReads, "snapshot", snapshot)
    wall = Wallboard(console)
    qtbot.addWidget(wall)
    with qtbot.waitSignal(wall.snapshot_applied, timeout=10_000):
        wall.start()
    try:
        held.clear()  # the next read waits: three changes arrive meanwhile
        for title in ("Printer jams", "Scanner jams", "Plotter jams"):
            console.commands.open(IncidentDraft(title))
            with qtbot.waitSignal(console.hub.polled, timeout=10_000):
                console.hub.poll_now()
        held.set()
        qtbot.waitUntil(lambda: len(reads) >= 3 and not runner.busy, timeout=10_000)
        assert len(reads) == 3  # the first, the one held, and one more for what came meanwhile
        assert wall.snapshot is reads[-1]
        assert reads[-1].open_total == reads[0].open_total + 3
    finally:
        held.set()
        wall.stop()
        runner.wait_for_idle()
