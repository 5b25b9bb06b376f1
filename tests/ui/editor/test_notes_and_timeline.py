"""Notes go to the timeline; the timeline list is a well-behaved read-only model."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QModelIndex, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.domain.clock import ManualClock
from app.services.context import ServiceContext
from app.services.incidents.commands import IncidentCommands
from app.services.incidents.reads import IncidentReads
from tests.helpers import open_incident
from tests.ui.editor.conftest import Seed
from ui.editor import IncidentEditor
from ui.editor.timeline_model import TimelineModel
from ui.moments import day_and_time
from ui.roles import Roles


def test_a_note_goes_to_the_timeline_and_the_box_empties(
    qtbot: QtBot, editor: IncidentEditor, ctx: ServiceContext, seed: Seed
) -> None:
    incident = open_incident(ctx, "Badge readers offline in Building B")
    editor.load_incident(incident.id)
    qtbot.keyClicks(editor.notes.note, "Told the caller to use the side door.")

    with qtbot.waitSignal(editor.incident_saved, check_params_cb=lambda i: i == incident.id):
        qtbot.mouseClick(editor.notes.add_note, Qt.MouseButton.LeftButton)

    newest = editor.timeline_model.index(0, 0)
    assert newest.data(Qt.ItemDataRole.DisplayRole).endswith(
        "Alice Admin: Told the caller to use the side door."
    )
    assert newest.data(Roles.ROW).kind == "note"
    assert editor.notes.note.toPlainText() == ""
    assert IncidentReads(ctx).timeline(incident.id)[-1].summary.startswith("Told the caller")


def test_an_empty_note_is_refused_next_to_the_box(
    qtbot: QtBot, editor: IncidentEditor, ctx: ServiceContext, seed: Seed
) -> None:
    editor.load_incident(open_incident(ctx).id)
    qtbot.keyClicks(editor.notes.note, "   ")
    with qtbot.assertNotEmitted(editor.incident_saved):
        qtbot.mouseClick(editor.notes.add_note, Qt.MouseButton.LeftButton)
    assert editor.notes.error.isVisible()
    assert editor.notes.error.text() == "The note is empty."


def test_notes_wait_until_the_incident_is_saved(editor: IncidentEditor) -> None:
    assert not editor.notes.note.isEnabled()
    assert not editor.notes.add_note.isEnabled()
    assert "Save the incident" in editor.notes.note.placeholderText()


def test_the_timeline_model_is_newest_first_and_passes_the_model_tester(
    qtmodeltester: ModelTester, ctx: ServiceContext, clock: ManualClock
) -> None:
    incident = open_incident(ctx)
    commands = IncidentCommands(ctx)
    clock.advance(timedelta(minutes=5))
    commands.add_note(incident.id, "First look: the queue is stuck.")
    clock.advance(timedelta(minutes=5))
    commands.add_note(incident.id, "Pinned: vendor called back.", pinned=True)
    model = TimelineModel(clock.now)
    model.set_entries(IncidentReads(ctx).timeline(incident.id))

    qtmodeltester.check(model, force_py=True)

    assert model.rowCount() == 3
    assert model.rowCount(model.index(0, 0)) == 0  # a list: no children
    assert "vendor called back" in model.index(0, 0).data(Qt.ItemDataRole.DisplayRole)
    assert model.index(0, 0).data(Qt.ItemDataRole.FontRole).bold()  # pinned stands out
    assert model.index(2, 0).data(Roles.ROW).kind == "created"
    assert "by Alice Admin" in model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert model.data(QModelIndex()) is None
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    model.clear()
    assert model.rowCount() == 0


def test_moments_of_another_year_say_their_year() -> None:
    now = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
    this_year = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
    long_ago = datetime(2016, 3, 5, 12, 0, tzinfo=UTC)
    assert day_and_time(this_year, now) == f"{this_year.astimezone():%d %b %H:%M}"
    assert day_and_time(long_ago, now) == f"{long_ago.astimezone():%d %b %Y %H:%M}"
    assert "2016" in day_and_time(long_ago, now)
