"""Fixtures for the call-logging UI tests: a main window with call logging installed, on a
synchronous task runner, and keyboard helpers that type where the focus is, as an agent does."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.db.engine import Database
from app.db.models import Contact
from ui.calls import CallLogging
from ui.console_context import ConsoleContext
from ui.main_window import MainWindow


@dataclass
class Console:
    window: MainWindow
    calls: CallLogging
    opened: list[int]  # incidents the call logging asked the window to open
    declared: list[int]  # major incidents declared from a surge
    messages: list[str]


def add_contact(
    db: Database, name: str, phone: str = "", email: str = "", vip: bool = False
) -> int:
    with db.write() as session:
        contact = Contact(name=name, phone=phone or None, email=email or None, vip=vip)
        session.add(contact)
        session.flush()
        return contact.id


def show_console(qtbot: QtBot, context: ConsoleContext) -> Console:
    window = MainWindow(context)
    qtbot.addWidget(window)
    opened: list[int] = []
    messages: list[str] = []
    declared: list[int] = []
    calls = window.calls  # the main window installs call logging itself
    calls.message.connect(messages.append)
    calls.incident_open_requested.connect(opened.append)
    calls.major_declared.connect(declared.append)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # activation is asynchronous, even offscreen
    with qtbot.waitSignal(window.queue_loaded):
        window.start()
    qtbot.waitUntil(lambda: calls.controller.ready)
    return Console(window, calls, opened, declared, messages)


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def type_here(qtbot: QtBot, text: str) -> None:
    """Type into whatever has the focus."""
    qtbot.keyClicks(focused(), text)


def press(
    qtbot: QtBot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    qtbot.keyClick(focused(), key, modifier)


def open_form_with_keys(qtbot: QtBot, console: Console) -> None:
    """Ctrl+L from the queue, then wait for the form to have the keyboard."""
    console.window.table.setFocus()
    press(qtbot, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    form = console.calls.form
    qtbot.waitUntil(form.isActiveWindow)
    qtbot.waitUntil(form.caller.edit.hasFocus)


@pytest.fixture
def calls_console(qtbot: QtBot, console: ConsoleContext) -> Console:
    return show_console(qtbot, console)
