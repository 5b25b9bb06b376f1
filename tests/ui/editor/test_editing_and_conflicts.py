"""Editing a loaded incident: only changes are sent, and a colleague's edit is never overwritten."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.db.models import Agent
from app.domain.lifecycle import Status
from app.services.context import ServiceContext
from app.services.incidents.commands import IncidentCommands
from app.services.incidents.dto import IncidentDetail
from app.services.incidents.reads import IncidentReads
from tests.helpers import add_agent, as_actor, open_incident
from tests.ui.editor.conftest import Seed, choose
from ui.editor import IncidentEditor


def _load(editor: IncidentEditor, ctx: ServiceContext) -> IncidentDetail:
    incident = open_incident(ctx, "Shared drive is read-only")
    editor.load_incident(incident.id)
    return incident


def _retitle(qtbot: QtBot, editor: IncidentEditor, title: str) -> None:
    editor.form.title.selectAll()
    qtbot.keyClicks(editor.form.title, title)


def _colleague(ctx: ServiceContext) -> IncidentCommands:
    return IncidentCommands(as_actor(ctx, add_agent(ctx.db, "bob.marsh", "Bob Marsh")))


def test_loading_shows_the_incident(
    editor: IncidentEditor, ctx: ServiceContext, seed: Seed
) -> None:
    incident = _load(editor, ctx)
    assert editor.heading.text() == f"{incident.number}  Shared drive is read-only"
    assert editor.form.title.text() == "Shared drive is read-only"
    assert editor.form.priority.text().strip() == "P3 Moderate"
    assert editor.timeline_model.rowCount() == 1
    assert not editor.has_unsaved_changes()


def test_a_long_title_is_shown_from_its_first_word(
    editor: IncidentEditor, ctx: ServiceContext, seed: Seed
) -> None:
    title = "Email down for all users: Outlook and webmail cannot connect since the 08:05 change"
    editor.load_incident(open_incident(ctx, title).id)
    assert editor.form.title.text() == title
    assert editor.form.title.cursorPosition() == 0


def test_saving_an_edit_sends_only_the_changed_fields(
    qtbot: QtBot, editor: IncidentEditor, ctx: ServiceContext, seed: Seed
) -> None:
    incident = _load(editor, ctx)
    choose(qtbot, editor.form.urgency, "1")
    assert editor.form.priority.text().strip() == "P2 High"  # live, before saving
    assert editor.has_unsaved_changes()

    with qtbot.waitSignal(editor.incident_saved, check_params_cb=lambda i: i == incident.id):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)

    detail = IncidentReads(ctx).detail(incident.id)
    assert (detail.urgency, detail.priority, detail.version) == (1, 2, 2)
    summaries = [e.summary for e in IncidentReads(ctx).timeline(incident.id)]
    assert "Changed urgency" in summaries  # not title, description, channel...
    assert not editor.has_unsaved_changes()
    assert editor.timeline_model.rowCount() == len(summaries)


def test_saving_with_nothing_changed_writes_nothing(
    qtbot: QtBot, editor: IncidentEditor, ctx: ServiceContext, seed: Seed
) -> None:
    incident = _load(editor, ctx)
    with qtbot.assertNotEmitted(editor.incident_saved):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert editor.saved_label.text() == "Nothing to save."
    assert IncidentReads(ctx).detail(incident.id).version == incident.version


def test_a_colleagues_edit_is_named_in_a_banner_and_reapply_saves_on_top(
    qtbot: QtBot, editor: IncidentEditor, ctx: ServiceContext, seed: Seed
) -> None:
    incident = _load(editor, ctx)
    _colleague(ctx).edit(incident.id, incident.version, {"urgency": 1})
    _retitle(qtbot, editor, "Shared drive S: is read-only for Finance")

    with qtbot.assertNotEmitted(editor.incident_saved):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)

    banner = editor.conflict_banner
    assert banner.isVisible()
    assert "Bob Marsh changed urgency" in banner.message.text()
    assert "Their version: urgency 1 - High." in banner.message.text()
    assert "Now: New, P2 High" in banner.message.text()
    assert editor.form.title.text() == "Shared drive S: is read-only for Finance"  # kept
    assert IncidentReads(ctx).detail(incident.id).title == "Shared drive is read-only"

    with qtbot.waitSignal(editor.incident_saved):
        qtbot.mouseClick(banner.reapply, Qt.MouseButton.LeftButton)

    detail = IncidentReads(ctx).detail(incident.id)
    assert detail.title == "Shared drive S: is read-only for Finance"  # mine
    assert detail.urgency == 1  # theirs, not sent back
    assert detail.version == 3
    assert not banner.isVisible()
    assert editor.form.urgency.currentData() == 1  # their change is shown now
    assert editor.form.priority.text().strip() == "P2 High"
    assert not editor.has_unsaved_changes()


def test_when_both_changed_the_same_field_the_banner_says_so(
    qtbot: QtBot, editor: IncidentEditor, ctx: ServiceContext, seed: Seed
) -> None:
    incident = _load(editor, ctx)
    _colleague(ctx).edit(incident.id, incident.version, {"title": "S: drive read-only"})
    _retitle(qtbot, editor, "Finance cannot save to S:")

    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)

    assert "You both changed title" in editor.conflict_banner.message.text()


def test_discard_mine_shows_the_colleagues_version(
    qtbot: QtBot, editor: IncidentEditor, ctx: ServiceContext, seed: Seed
) -> None:
    incident = _load(editor, ctx)
    _colleague(ctx).edit(incident.id, incident.version, {"title": "S: drive read-only"})
    _retitle(qtbot, editor, "Finance cannot save to S:")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)

    with qtbot.assertNotEmitted(editor.incident_saved):
        qtbot.mouseClick(editor.conflict_banner.discard, Qt.MouseButton.LeftButton)

    assert not editor.conflict_banner.isVisible()
    assert editor.form.title.text() == "S: drive read-only"
    assert not editor.has_unsaved_changes()
    assert IncidentReads(ctx).detail(incident.id).title == "S: drive read-only"


def test_reapplying_a_move_the_colleague_made_illegal_explains_why_and_keeps_the_choice(
    qtbot: QtBot, editor: IncidentEditor, ctx: ServiceContext, seed: Seed
) -> None:
    incident = _load(editor, ctx)
    colleague = _colleague(ctx)
    moved = colleague.transition(incident.id, incident.version, Status.IN_PROGRESS)
    colleague.transition(incident.id, moved.version, Status.CANCELLED)

    qtbot.mouseClick(editor.status_buttons.button(Status.IN_PROGRESS), Qt.MouseButton.LeftButton)
    assert editor.conflict_banner.isVisible()
    assert "Now: Cancelled" in editor.conflict_banner.message.text()

    qtbot.mouseClick(editor.conflict_banner.reapply, Qt.MouseButton.LeftButton)

    assert editor.message_banner.isVisible()
    assert "cancelled incident cannot change" in editor.message_banner.message.text()
    assert editor.conflict_banner.isVisible()  # the person can still discard theirs
    qtbot.mouseClick(editor.conflict_banner.discard, Qt.MouseButton.LeftButton)
    assert "Cancelled" in editor.meta.text()
    assert not any(editor.status_buttons.button(s).isVisible() for s in Status if s != Status.NEW)


def test_a_save_refused_half_way_writes_none_of_it(
    qtbot: QtBot, editor: IncidentEditor, ctx: ServiceContext, seed: Seed
) -> None:
    incident = _load(editor, ctx)
    _retitle(qtbot, editor, "Finance cannot save to S:")
    choose(qtbot, editor.form.urgency, "1")
    editor.form.assignee.setFocus()
    qtbot.keyClicks(editor.form.assignee, "Priya")
    qtbot.keyClick(editor.form.assignee, Qt.Key.Key_Return)
    with ctx.db.write() as session:  # she leaves while the form is open: the title is fine,
        session.delete(session.get(Agent, seed.priya.agent_id))  # the assignment is not
    reads = IncidentReads(ctx)
    before = (reads.detail(incident.id), reads.timeline(incident.id))

    with qtbot.assertNotEmitted(editor.incident_saved):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)

    assert editor.form.error_text("assignee_id") == "That agent does not exist."
    assert (reads.detail(incident.id), reads.timeline(incident.id)) == before
    assert editor.form.title.text() == "Finance cannot save to S:"  # kept, to save again
    assert editor.has_unsaved_changes()
