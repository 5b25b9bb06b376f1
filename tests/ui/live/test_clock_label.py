"""The status bar says, calmly, when this workstation's clock is far from the team server's, and
says nothing otherwise."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from pytestqt.qtbot import QtBot

from app.db.engine import open_database
from app.db.migrate import upgrade
from app.domain.clock import CorrectedClock
from app.services.context import ServiceContext
from app.services.directory.reads import sign_in
from app.settings import load_settings
from ui.console_context import ConsoleContext
from ui.main_window import MainWindow
from ui.task_runner import TaskRunner


class TenMinutesFast:
    def now(self) -> datetime:
        return datetime.now(UTC) + timedelta(minutes=10)


@pytest.fixture
def fast_console(postgres_url: str, qtbot: QtBot) -> Iterator[ConsoleContext]:
    db = open_database(postgres_url)
    upgrade(db)
    ctx = ServiceContext(db, CorrectedClock(TenMinutesFast()), sign_in(db, "admin.alice", "Alice"))
    console = ConsoleContext.build(load_settings(), ctx, TaskRunner(synchronous=True))
    yield console
    console.clock.stop()
    db.dispose()


def _started(qtbot: QtBot, console: ConsoleContext) -> MainWindow:
    window = MainWindow(console)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.queue_loaded):
        window.start()
    return window


@pytest.mark.postgres
def test_a_workstation_ten_minutes_fast_says_so_in_the_status_bar(
    qtbot: QtBot, fast_console: ConsoleContext
) -> None:
    window = _started(qtbot, fast_console)
    qtbot.waitUntil(window.clock_label.isVisible)
    assert window.clock_label.text() == (
        "◷ This computer's clock is 10 min fast; Calmdesk uses the server's time"
    )
    assert window.clock_label.accessibleName() == "Clock check"
    now = fast_console.services.clock.now()
    assert abs(now - datetime.now(UTC)) <= timedelta(seconds=1)  # the server's time, not its own


def test_a_console_on_a_local_file_says_nothing_about_its_clock(
    qtbot: QtBot, console: ConsoleContext
) -> None:
    window = _started(qtbot, console)
    assert window.clock_label.text() == ""
    assert not window.clock_label.isVisible()
    console.clock.stop()
