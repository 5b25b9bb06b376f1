"""A colleague changes the incident on screen: the change hub brings it to the editor, which shows
their version when the agent has typed nothing, and otherwise keeps every keystroke and says who
changed what in the conflict banner."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.services.context import ServiceContext
from app.services.incidents.commands import IncidentCommands
from app.services.incidents.dto import IncidentDetail
from app.services.incidents.reads import IncidentReads
from app.settings import load_settings
from tests.helpers import add_agent, as_actor, open_incident
from tests.ui.editor.conftest import Seed
from ui.console_context import ConsoleContext
from ui.editor import IncidentEditor
from ui.live import change_hub
from ui.task_runner import TaskRunner


@pytest.fixture(autouse=True)
def no_safety_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test says when the hub polls (as a wake from the live watcher would)."""
    monkeypatch.setattr(change_hub, "SAFETY_POLL_MS", 600_000)


@pytest.fixture
def console(ctx: ServiceContext, seed: Seed) -> ConsoleContext:
    return ConsoleContext.build(load_settings(), ctx, TaskRunner(synchronous=True))


@pytest.fixture
def editor(qtbot: QtBot, console: ConsoleContext) -> IncidentEditor:
    editor = IncidentEditor(console)
    qtbot.addWidget(editor)
    editor.resize(520, 900)
    editor.show()
    editor.activateWindow()
    qtbot.waitUntil(editor.isActiveWindow)
    return editor


def _open(editor: IncidentEditor, ctx: ServiceContext) -> IncidentDetail:
    incident = open_incident(ctx, "Shared drive is read-only")
    editor.load_incident(incident.id)
    return incident


def _bob(ctx: ServiceContext) -> IncidentCommands:
    return IncidentCommands(as_actor(ctx, add_agent(ctx.db, "bob.marsh", "Bob Marsh")))


def _hub_polls(qtbot: QtBot, editor: IncidentEditor, console: ConsoleContext) -> None:
    with qtbot.waitSignal(editor.colleague_changes.arrived):
        console.hub.poll_now()


def test_an_untouched_form_shows_the_colleagues_version_and_says_who_changed_what(
    qtbot: QtBot, editor: IncidentEditor, console: ConsoleContext, ctx: ServiceContext
) -> None:
    incident = _open(editor, ctx)
    editor.form.title.setFocus()
    _bob(ctx).edit(incident.id, incident.version, {"urgency": 1})

    _hub_polls(qtbot, editor, console)

    assert editor.form.urgency.currentData() == 1
    assert editor.form.priority.text().strip() == "P2 High"
    assert "P2 High" in editor.meta.text()
    assert editor.saved_label.text() == "Bob Marsh changed urgency: showing their version."
    assert not editor.conflict_banner.isVisible()
    assert not editor.has_unsaved_changes()
    assert any("urgency" in entry.summary for entry in IncidentReads(ctx).timeline(incident.id))
    assert editor.timeline_model.rowCount() == len(IncidentReads(ctx).timeline(incident.id))
    # What the agent saves next goes on top of their version: no conflict.
    editor.form.title.selectAll()
    qtbot.keyClicks(editor.form.title, "Shared drive S: is read-only")
    with qtbot.waitSignal(editor.incident_saved):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    detail = IncidentReads(ctx).detail(incident.id)
    assert (detail.title, detail.urgency, detail.version) == ("Shared drive S: is read-only", 1, 3)


def test_an_edited_form_keeps_the_typing_and_shows_the_conflict_banner(
    qtbot: QtBot, editor: IncidentEditor, console: ConsoleContext, ctx: ServiceContext
) -> None:
    incident = _open(editor, ctx)
    editor.form.title.selectAll()
    qtbot.keyClicks(editor.form.title, "Finance cannot save to S:")
    _bob(ctx).edit(incident.id, incident.version, {"urgency": 1})

    _hub_polls(qtbot, editor, console)

    banner = editor.conflict_banner
    assert banner.isVisible()
    assert "Bob Marsh changed urgency" in banner.message.text()
    assert "Their version: urgency 1 - High." in banner.message.text()
    assert editor.form.title.text() == "Finance cannot save to S:"  # nothing typed is lost
    assert editor.form.title.hasFocus()  # the banner does not take the keyboard mid-sentence
    assert editor.form.urgency.currentData() == 2  # their value waits for the agent's choice

    with qtbot.waitSignal(editor.incident_saved):
        qtbot.mouseClick(banner.reapply, Qt.MouseButton.LeftButton)
    detail = IncidentReads(ctx).detail(incident.id)
    assert (detail.title, detail.urgency) == ("Finance cannot save to S:", 1)  # mine on theirs
    assert not banner.isVisible()


def test_a_colleagues_note_reaches_the_timeline_and_leaves_the_form_alone(
    qtbot: QtBot, editor: IncidentEditor, console: ConsoleContext, ctx: ServiceContext
) -> None:
    incident = _open(editor, ctx)
    editor.form.title.selectAll()
    qtbot.keyClicks(editor.form.title, "Typed, not saved")
    before = editor.timeline_model.rowCount()
    _bob(ctx).add_note(incident.id, "Called the caller back: still read-only")

    _hub_polls(qtbot, editor, console)

    assert editor.timeline_model.rowCount() == before + 1
    assert not editor.conflict_banner.isVisible()
    assert editor.form.title.text() == "Typed, not saved"


def test_a_change_to_another_incident_reads_nothing(
    qtbot: QtBot, editor: IncidentEditor, console: ConsoleContext, ctx: ServiceContext
) -> None:
    _open(editor, ctx)
    other = open_incident(ctx, "Another one")
    console.hub.poll_now()  # the opening of both is behind the hub now
    _bob(ctx).edit(other.id, other.version, {"urgency": 1})
    with qtbot.assertNotEmitted(editor.colleague_changes.arrived):
        console.hub.poll_now()
