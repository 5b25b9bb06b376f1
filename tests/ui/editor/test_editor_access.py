"""The editor for keyboard and screen-reader users, and when the database is out of reach."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from app.db.engine import open_database
from app.domain.clock import ManualClock
from app.domain.roles import Role
from app.services.context import Actor, ServiceContext
from tests.ui.editor.conftest import show_editor
from ui.editor import IncidentEditor


def _focusable(editor: IncidentEditor) -> list[QWidget]:
    return [
        w
        for w in editor.findChildren(QWidget)
        if w.isVisible() and w.focusPolicy() & Qt.FocusPolicy.TabFocus
    ]


def test_every_control_has_an_accessible_name(editor: IncidentEditor) -> None:
    assert editor.accessibleName() == "Incident editor"
    unnamed = [type(w).__name__ for w in _focusable(editor) if not w.accessibleName()]
    assert unnamed == []


def test_labels_have_buddies_and_distinct_mnemonics(editor: IncidentEditor) -> None:
    mnemonics: list[str] = []
    for label in editor.findChildren(QLabel):
        found = re.search(r"&(\w)", label.text())
        if found:
            assert label.buddy() is not None, label.text()
            mnemonics.append(found.group(1).lower())
    for button in (editor.save_button, editor.close_button, editor.form.assign_to_me):
        found = re.search(r"&(\w)", button.text())
        assert found is not None
        mnemonics.append(found.group(1).lower())
    assert len(mnemonics) == len(set(mnemonics)) >= 14
    # The main window's menus own Alt+I (Incident) and Alt+V (View).
    assert not {"i", "v"} & set(mnemonics)


def test_alt_and_a_mnemonic_jumps_to_the_field(qtbot: QtBot, editor: IncidentEditor) -> None:
    qtbot.keyClick(editor.form.title, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)
    assert editor.form.assignee.hasFocus()


def test_tab_walks_the_form_in_reading_order(qtbot: QtBot, editor: IncidentEditor) -> None:
    form = editor.form
    expected = [
        form.description,
        form.service,
        form.caller,
        form.channel,
        form.impact,
        form.urgency,
        form.assignee,
        form.assign_to_me,
        form.team,
        editor.save_button,  # a new incident has no resolution box yet
        editor.close_button,
    ]
    form.title.setFocus()
    visited = []
    for _ in expected:
        focused = QApplication.focusWidget()
        assert focused is not None
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
        visited.append(QApplication.focusWidget())
    assert visited == expected


def test_close_says_so(qtbot: QtBot, editor: IncidentEditor) -> None:
    with qtbot.waitSignal(editor.closed):
        qtbot.mouseClick(editor.close_button, Qt.MouseButton.LeftButton)


def test_an_unreachable_database_is_explained_and_nothing_typed_is_lost(
    qtbot: QtBot, clock: ManualClock
) -> None:
    # A real PostgreSQL URL on a port where nothing listens: every call fails to connect.
    db = open_database("postgresql://calmdesk@127.0.0.1:9/calmdesk")
    ctx = ServiceContext(db=db, clock=clock, actor=Actor(1, "alice", "Alice", Role.ADMIN))
    editor = show_editor(qtbot, ctx)
    assert "could not be read" in editor.message_banner.message.text()
    assert editor.form.priority.text() == "…"  # no matrix, so no guess

    qtbot.keyClicks(editor.form.title, "Everything is down")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)

    assert editor.message_banner.isVisible()
    assert "Cannot reach PostgreSQL calmdesk on 127.0.0.1:9" in (
        editor.message_banner.message.text()
    )
    assert editor.form.title.text() == "Everything is down"
    assert editor.saved_label.text() == "Not saved."
    db.dispose()
