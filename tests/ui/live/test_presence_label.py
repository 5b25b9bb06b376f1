"""The presence label: names who else has the incident open, hides when nobody does."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.services.incidents.presence import PresenceService, incident_subject
from tests.helpers import add_agent, as_actor
from ui.console_context import ConsoleContext
from ui.live.presence import PresenceLabel, presence_text


def test_the_label_names_a_colleague_with_the_incident_open(
    qtbot: QtBot, console: ConsoleContext
) -> None:
    services = console.services
    sam = as_actor(services, add_agent(services.db, "sam", "Sam Okafor"))
    label = PresenceLabel(console, incident_subject(5))
    qtbot.addWidget(label)
    assert label.isHidden()
    PresenceService(sam).here(incident_subject(5))
    with qtbot.waitSignal(label.tracker.others_changed):
        label.tracker.beat()
    assert label.text() == "● Sam Okafor also has this open"
    assert not label.isHidden()
    label.set_subject(incident_subject(6))  # the window now shows another incident
    assert label.isHidden()
    assert PresenceService(sam).others(incident_subject(5)) == []  # we left the first one


def test_closing_says_we_left(qtbot: QtBot, console: ConsoleContext) -> None:
    services = console.services
    sam = as_actor(services, add_agent(services.db, "sam", "Sam Okafor"))
    label = PresenceLabel(console, incident_subject(9))
    qtbot.addWidget(label)
    assert PresenceService(sam).here(incident_subject(9)) == [services.actor.name]
    label.stop()
    assert PresenceService(sam).others(incident_subject(9)) == []


def test_several_names_read_as_a_sentence() -> None:
    assert presence_text([]) == ""
    assert presence_text(["Ana", "Ben", "Cy"]) == "● Also open by Ana, Ben and Cy"
