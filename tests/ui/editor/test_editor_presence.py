"""The editor says who else has the incident open, and stops saying we are there on close."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.services.context import ServiceContext
from app.services.incidents.presence import PresenceService, incident_subject
from tests.helpers import add_agent, as_actor, open_incident
from tests.ui.editor.conftest import show_editor


def test_the_editor_names_a_colleague_on_the_same_incident(
    qtbot: QtBot, sqlite_ctx: ServiceContext
) -> None:
    incident = open_incident(sqlite_ctx)
    sam = as_actor(sqlite_ctx, add_agent(sqlite_ctx.db, "sam", "Sam Okafor"))
    PresenceService(sam).here(incident_subject(incident.id))
    editor = show_editor(qtbot, sqlite_ctx)
    with qtbot.waitSignal(editor.presence.tracker.others_changed):
        editor.load_incident(incident.id)
    assert editor.presence.text() == "● Sam Okafor also has this open"
    assert PresenceService(sam).others(incident_subject(incident.id)) == [sqlite_ctx.actor.name]
    qtbot.mouseClick(editor.close_button, Qt.MouseButton.LeftButton)
    assert PresenceService(sam).others(incident_subject(incident.id)) == []
