"""Enter in the Caller field a moment after typing: it acts on the list of matching contacts as
it will be, not on a list not up yet; it never makes a second contact beside the one listed;
and a slow database never holds up logging the call."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from app.db.models import Call, Contact
from app.services.calls.dto import CallerCard
from app.services.context import ServiceContext
from app.settings import load_settings
from tests.ui.calls.conftest import (
    add_contact,
    focused,
    open_form_with_keys,
    press,
    show_console,
    type_here,
)
from ui.calls import caller_lookup
from ui.calls.call_form import LogCallForm
from ui.console_context import ConsoleContext
from ui.task_runner import TaskRunner


def _count(console: ConsoleContext, column: object) -> int:
    with console.services.db.read() as session:
        return int(session.scalar(select(func.count(column))) or 0)  # type: ignore[arg-type]


def _open_form(qtbot: QtBot, console: ConsoleContext) -> LogCallForm:
    """The console up and its call form opened with Ctrl+L, the cursor in Caller."""
    ui = show_console(qtbot, console)
    open_form_with_keys(qtbot, ui)
    return ui.calls.form


@pytest.fixture
def anna(console: ConsoleContext) -> int:
    return add_contact(console.services.db, "Anna Novak", "+44 20 7946 3000")


def test_down_and_enter_straight_after_typing_take_the_contact(
    qtbot: QtBot, console: ConsoleContext, anna: int
) -> None:
    form = _open_form(qtbot, console)
    type_here(qtbot, "Anna")
    assert not form.caller.suggestions.isVisible()  # the look-up waits for a pause in typing
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Return)
    assert form.caller.text() == "Anna Novak"
    assert form.caller.picked() is not None
    assert focused() is form.service
    assert _count(console, Call.id) == 0


def test_enter_straight_after_typing_part_of_a_name_offers_the_contact_instead_of_saving(
    qtbot: QtBot, console: ConsoleContext, anna: int
) -> None:
    form = _open_form(qtbot, console)
    type_here(qtbot, "Anna")
    press(qtbot, Qt.Key.Key_Return)
    assert _count(console, Call.id) == 0
    assert form.caller.is_navigating()  # Anna Novak highlighted
    assert "Esc, then Enter, saves “Anna” as a new caller" in form.status.text()
    press(qtbot, Qt.Key.Key_Escape)
    with qtbot.waitSignal(form.call_saved):
        press(qtbot, Qt.Key.Key_Return)
    assert _count(console, Contact.id) == 2  # a new caller, because the agent said so


def test_a_whole_name_and_enter_log_the_call_as_that_contact(
    qtbot: QtBot, console: ConsoleContext, anna: int
) -> None:
    form = _open_form(qtbot, console)
    type_here(qtbot, "anna novak")
    with qtbot.waitSignal(form.call_saved):
        press(qtbot, Qt.Key.Key_Return)
    with console.services.db.read() as session:
        assert session.scalar(select(Call.contact_id)) == anna
    assert _count(console, Contact.id) == 1


def test_a_look_up_that_hangs_does_not_hold_up_the_call(
    qtbot: QtBot, sqlite_ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = TaskRunner()  # real worker threads, as in the console
    context = ConsoleContext.build(load_settings(), sqlite_ctx, runner)
    ui = show_console(qtbot, context)
    form = ui.calls.form
    reads = ui.calls.controller.reads
    gate = threading.Event()
    asked: list[str] = []

    def silent_line(text: str) -> list[CallerCard]:
        asked.append(text)
        gate.wait(10)  # the database does not answer
        return []

    monkeypatch.setattr(reads, "find_callers", silent_line)
    try:
        open_form_with_keys(qtbot, ui)
        type_here(qtbot, "Zoe Walk-in")
        with qtbot.waitSignal(form.call_saved, timeout=caller_lookup.SETTLE_MS * 10):
            press(qtbot, Qt.Key.Key_Return)
        assert form.is_blank()
        assert asked == ["Zoe Walk-in"]  # the look-up was asked, and is still hanging
    finally:
        gate.set()
        runner.wait_for_idle()
    assert _count(context, Call.id) == 1
