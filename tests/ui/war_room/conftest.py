"""Fixtures for the war-room window tests: a declared Email outage and its war room on screen,
on a real SQLite file with a synchronous task runner and the manual clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QWidget
from pytestqt.qtbot import QtBot

from app.services.context import ServiceContext
from tests.app.services.war_room.war_room_support import Outage, declare_outage
from ui.console_context import ConsoleContext
from ui.war_room import WarRoomWindow


@pytest.fixture
def outage(sqlite_ctx: ServiceContext) -> Outage:
    return declare_outage(sqlite_ctx)


def show_war_room(qtbot: QtBot, console: ConsoleContext, incident_id: int) -> WarRoomWindow:
    window = WarRoomWindow(console, incident_id)
    qtbot.addWidget(window)
    window.resize(1600, 900)
    window.show()
    with qtbot.waitSignal(window.snapshot_applied):
        window.start()
    return window


@pytest.fixture
def war_room(qtbot: QtBot, console: ConsoleContext, outage: Outage) -> Iterator[WarRoomWindow]:
    window = show_war_room(qtbot, console, outage.incident.id)
    yield window
    window.stop()


def press_ok(qtbot: QtBot, dialog: QWidget) -> None:
    """Click the dialog's OK (whatever it is labelled), as a person would."""
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.isEnabled(), f"{ok.text()!r} is disabled"
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
