"""The war room while the database is unreachable: it keeps showing what it last read, says so
in one calm line, and keeps accepting ticks, notes, calls and status updates. They show at once,
marked as waiting to send, the countdown moves on, and an update can still be copied or
e-mailed. When the database is back each arrives exactly once and the marks go."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from PySide6.QtCore import QDateTime, Qt, QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.db.engine import Database, open_database
from app.db.models import Call, ChecklistItem, StatusUpdate, TimelineEvent
from app.domain.clock import ManualClock
from app.domain.status_update import local_clock
from app.services.context import ServiceContext
from app.services.directory.reads import sign_in
from app.settings import load_settings
from tests.app.services.war_room.war_room_support import Outage, declare_outage
from tests.helpers import CutLine
from tests.ui.war_room.conftest import press_ok, show_war_room
from tests.ui.war_room.test_updates import type_update, write_config
from tests.ui.war_room.test_working import check_box_centre
from ui.console_context import ConsoleContext
from ui.task_runner import TaskRunner
from ui.war_room import WarRoomWindow
from ui.war_room.dialogs import AddCallDialog
from ui.war_room.pending import NOTHING_WAITING, WAITING_TEXT

NOTE = "Bridge call open on 4411; Microsoft engaged"
LEFT = Qt.MouseButton.LeftButton


def count(db: Database, model: type, *where: object) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


@pytest.fixture(autouse=True)
def _stop_retrying(request: pytest.FixtureRequest) -> Iterator[None]:
    console = request.getfixturevalue("console") if "console" in request.fixturenames else None
    yield
    if console is not None:
        console.offline.stop()  # no retry timer outlives the test


def go_offline(console: ConsoleContext) -> None:
    """What the console does when a read finds the database away (the window hears of it with
    the first change kept)."""
    console.offline.outbox.note_unavailable("Cannot reach the database server (restarting)")


def tick_first_step(qtbot: QtBot, war_room: WarRoomWindow) -> None:
    view = war_room.panels.checklist.view
    with qtbot.waitSignal(war_room.snapshot_applied):
        qtbot.mouseClick(view.viewport(), LEFT, pos=check_box_centre(war_room, 0))


def add_note(qtbot: QtBot, war_room: WarRoomWindow, text: str) -> None:
    timeline = war_room.panels.timeline
    qtbot.keyClicks(timeline.note, text)
    with qtbot.waitSignal(war_room.snapshot_applied):
        qtbot.mouseClick(timeline.add_note, LEFT)


def add_call(qtbot: QtBot, war_room: WarRoomWindow, caller: str) -> None:
    qtbot.mouseClick(war_room.panels.calls.add_button, LEFT)
    dialog = war_room.operations.dialog
    assert isinstance(dialog, AddCallDialog)
    qtbot.keyClicks(dialog.caller, caller)
    qtbot.keyClicks(dialog.symptom, "Outlook says disconnected")
    with qtbot.waitSignal(war_room.snapshot_applied):
        press_ok(qtbot, dialog)


def post_update(qtbot: QtBot, war_room: WarRoomWindow) -> None:
    type_update(qtbot, war_room)
    with qtbot.waitSignal(war_room.snapshot_applied):
        qtbot.mouseClick(war_room.panels.composer.post_button, LEFT)


def reconnect(qtbot: QtBot, console: ConsoleContext, war_room: WarRoomWindow) -> None:
    with qtbot.waitSignals([console.offline.reconnected, war_room.snapshot_applied]):
        console.offline.try_now()


def test_changes_made_offline_show_as_waiting_and_arrive_once_when_it_is_back(
    qtbot: QtBot,
    war_room: WarRoomWindow,
    console: ConsoleContext,
    sqlite_ctx: ServiceContext,
    clock: ManualClock,
) -> None:
    panels = war_room.panels
    clock.advance(timedelta(minutes=34))
    war_room.controller.tick()
    assert war_room.header.countdown.text() == "Update overdue 04:00"
    go_offline(console)

    tick_first_step(qtbot, war_room)
    assert war_room.offline_line.isVisible()
    assert war_room.offline_line.text().startswith("Offline since ")
    assert "changes you make are kept and sent when it is back" in war_room.offline_line.text()
    checklist = panels.checklist.model
    assert checklist.row_at(0).done
    assert panels.checklist.count.text() == "1/7 done"
    assert checklist.index(0, 3).data() == WAITING_TEXT
    assert checklist.index(0, 3).data(Qt.ItemDataRole.ToolTipRole).startswith("Saved on this")
    assert checklist.index(0, 1).data(Qt.ItemDataRole.FontRole).italic()
    assert "saved on this computer" in war_room.statusBar().currentMessage()

    add_note(qtbot, war_room, NOTE)
    timeline = panels.timeline
    assert timeline.model.row_at(0).summary == NOTE
    assert timeline.model.index(0, 2).data() == WAITING_TEXT
    assert timeline.note.text() == ""
    timeline.view.setCurrentIndex(timeline.model.index(0, 4))
    assert not timeline.pin_button.isEnabled()  # nothing to pin in the database yet

    add_call(qtbot, war_room, "Anna Berg")
    assert panels.calls.model.row_at(0).caller == "Anna Berg"
    assert panels.calls.model.index(0, 4).data() == WAITING_TEXT

    post_update(qtbot, war_room)
    # The countdown moves on by the cadence, as if the update had gone out.
    assert war_room.header.countdown.text() == "Next update in 30:00"
    history = panels.history
    assert history.model.rowCount() == 1
    assert history.model.index(0, 3).data() == WAITING_TEXT
    assert history.count.text() == f"1 posted · 1 {WAITING_TEXT}"
    composer = panels.composer
    assert composer.sending.text() == "Send update 1:"
    assert not composer.webhook_button.isEnabled()
    assert "webhooks can send it once it has reached the database" in composer.delivery.text()
    assert "Update 1 saved on this computer" in war_room.statusBar().currentMessage()
    assert "4 changes waiting" in war_room.offline_line.text()
    qtbot.mouseClick(composer.copy_button, LEFT)
    copied = QGuiApplication.clipboard().text()
    assert "What happened:\nEmail is down for everyone since 8:05." in copied
    assert copied.startswith(f"[Update 1] {war_room.snapshot.incident.number}: Email down")  # type: ignore[union-attr]
    # Nothing reached the database yet.
    assert count(sqlite_ctx.db, StatusUpdate) == 0
    assert count(sqlite_ctx.db, TimelineEvent, TimelineEvent.summary == NOTE) == 0

    reconnect(qtbot, console, war_room)

    assert war_room.controller.waiting == NOTHING_WAITING
    assert not war_room.offline_line.isVisible()
    assert checklist.row_at(0).done_by == "Alice"
    assert checklist.index(0, 3).data() != WAITING_TEXT
    assert checklist.index(0, 1).data(Qt.ItemDataRole.FontRole) is None  # not italic any more
    assert history.model.index(0, 3).data() == "Alice"
    assert composer.webhook_button.isEnabled()
    assert war_room.snapshot.updates[0].text == copied  # type: ignore[union-attr]
    assert war_room.header.countdown.text() == "Next update in 30:00"
    assert timeline.model.index(0, 2).data() != WAITING_TEXT
    db = sqlite_ctx.db
    assert count(db, StatusUpdate) == 1
    assert count(db, TimelineEvent, TimelineEvent.summary == NOTE) == 1
    assert count(db, Call, Call.caller_name == "Anna Berg") == 1
    assert count(db, ChecklistItem, ChecklistItem.done_at.is_not(None)) == 1
    assert console.offline.status.waiting == 0


def test_an_update_posted_offline_can_be_e_mailed_from_its_draft(
    qtbot: QtBot, war_room: WarRoomWindow, console: ConsoleContext, calmdesk_home: Path
) -> None:
    write_config(calmdesk_home, '[mail]\nall_users = ["all-staff@example.com"]\n')
    opened: list[QUrl] = []
    war_room.operations.open_url = lambda url: opened.append(url) or True
    go_offline(console)
    post_update(qtbot, war_room)
    with qtbot.waitSignal(war_room.operations.finished):
        qtbot.mouseClick(war_room.panels.composer.mail_button, LEFT)
    (url,) = opened
    parts = urlsplit(url.toString(QUrl.ComponentFormattingOption.FullyEncoded))
    assert parts.path == "all-staff@example.com"
    update = war_room.snapshot.updates[0]  # type: ignore[union-attr]
    assert war_room.panels.history.model.index(0, 3).data() == WAITING_TEXT
    query = parse_qs(parts.query)
    assert query["subject"] == [update.subject]
    assert query["body"] == [update.text.replace("\n", "\r\n")]


def test_an_update_promising_too_long_a_silence_is_refused_before_it_is_kept(
    qtbot: QtBot, war_room: WarRoomWindow, console: ConsoleContext
) -> None:
    go_offline(console)
    composer = war_room.panels.composer
    type_update(qtbot, war_room)
    later = composer.next_update.dateTime().addSecs(3 * 3600)
    composer.next_update.setDateTime(later)
    with qtbot.waitSignal(war_room.operations.failed):
        qtbot.mouseClick(composer.post_button, LEFT)
    assert "are updated every 30 minutes" in war_room.panels.banner.message.text()
    assert console.offline.status.waiting == 0
    assert war_room.panels.history.model.rowCount() == 0


# -- the real fault: the network to PostgreSQL cut by a proxy ----------------------------------


@pytest.fixture
def cut_console(
    pg_through_proxy: CutLine, clock: ManualClock, qtbot: QtBot
) -> Iterator[tuple[ConsoleContext, Outage]]:
    db = open_database(pg_through_proxy.url)
    ctx = ServiceContext(db=db, clock=clock, actor=sign_in(db, "admin.alice", "Alice"))
    outage = declare_outage(ctx)
    console = ConsoleContext.build(load_settings(), ctx, TaskRunner(synchronous=True))
    yield console, outage
    console.offline.stop()
    db.dispose()


@pytest.mark.postgres
def test_a_war_room_cut_off_from_postgresql_keeps_working_and_loses_nothing(
    qtbot: QtBot,
    pg_through_proxy: CutLine,
    cut_console: tuple[ConsoleContext, Outage],
    clock: ManualClock,
) -> None:
    console, outage = cut_console
    direct, proxy = pg_through_proxy.direct, pg_through_proxy.proxy
    war_room = show_war_room(qtbot, console, outage.incident.id)
    title = war_room.windowTitle()
    clock.advance(timedelta(minutes=12))

    proxy.cut()
    war_room.refresh_action.trigger()  # the read fails: the last snapshot stays on screen
    assert war_room.connection.text().startswith("Offline: showing what was read at ")
    assert war_room.offline_line.isVisible()
    assert war_room.offline_line.text().startswith("Offline since ")
    assert not war_room.panels.banner.isVisible()  # no alarm, no stack trace
    assert war_room.windowTitle() == title
    assert war_room.panels.checklist.model.rowCount() == 7

    tick_first_step(qtbot, war_room)
    add_note(qtbot, war_room, NOTE)
    add_call(qtbot, war_room, "Anna Berg")
    post_update(qtbot, war_room)
    panels = war_room.panels
    assert panels.checklist.model.index(0, 3).data() == WAITING_TEXT
    assert panels.timeline.model.index(0, 2).data() == WAITING_TEXT
    assert panels.calls.model.index(0, 4).data() == WAITING_TEXT
    assert panels.history.model.index(0, 3).data() == WAITING_TEXT
    assert war_room.header.countdown.text() == "Next update in 30:00"
    assert console.offline.status.waiting == 4
    assert "4 changes waiting" in war_room.offline_line.text()
    QApplication.processEvents()  # lay out the new texts before looking
    war_room.grab().save("/tmp/war-room-offline.png")
    assert count(direct, StatusUpdate) == 0  # really cut: nothing went through

    with qtbot.waitSignal(console.offline.status_changed):
        console.offline.try_now()  # still cut: nothing sent, nothing dropped
    assert console.offline.status.waiting == 4
    proxy.restore()
    reconnect(qtbot, console, war_room)
    console.offline.try_now()  # a second attempt finds nothing left to send

    assert war_room.controller.waiting == NOTHING_WAITING
    assert not war_room.offline_line.isVisible()
    assert panels.checklist.model.row_at(0).done_by == "Alice"
    assert panels.history.model.index(0, 3).data() == "Alice"
    assert count(direct, StatusUpdate) == 1
    assert count(direct, TimelineEvent, TimelineEvent.summary == NOTE) == 1
    assert count(direct, Call) == 1
    assert count(direct, ChecklistItem, ChecklistItem.done_at.is_not(None)) == 1
    assert count(direct, TimelineEvent, TimelineEvent.kind == "checklist") == 1
    war_room.stop()


def test_an_update_posted_offline_sets_the_eta_workaround_and_callers_words_at_once(
    qtbot: QtBot, war_room: WarRoomWindow, console: ConsoleContext, clock: ManualClock
) -> None:
    panels = war_room.panels
    assert war_room.header.eta.text() == "not set"
    go_offline(console)
    composer = panels.composer
    type_update(qtbot, war_room)
    qtbot.keyClicks(composer.fields["workaround"], "Use webmail at mail.example.com.")
    composer.no_eta.setChecked(False)
    eta = clock.now() + timedelta(hours=2)
    composer.eta.setDateTime(QDateTime.fromSecsSinceEpoch(int(eta.timestamp())))
    with qtbot.waitSignal(war_room.snapshot_applied):
        qtbot.mouseClick(composer.post_button, LEFT)
    # What the update says shows at once, though the database has not heard of it yet: the
    # agents reading the callers' panel tell the next caller the new words.
    assert war_room.header.eta.text() == f"{local_clock(eta)} (in 2 h 00 min)"
    assert panels.callers.workaround.text() == "Workaround: Use webmail at mail.example.com."
    assert panels.callers.message.text().startswith(
        "Email is down for everyone since 8:05. Microsoft is restoring sign-in."
    )
    assert f"fixed by about {local_clock(eta)}" in panels.callers.message.text()
