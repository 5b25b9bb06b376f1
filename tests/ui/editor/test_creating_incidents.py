"""Opening an incident through the editor, as an agent logging a call would."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.db.models import PriorityMatrixCell
from app.domain.priority import Priority
from app.services.context import ServiceContext
from app.services.incidents.reads import IncidentReads
from tests.ui.editor.conftest import Seed, choose, show_editor
from ui.editor import IncidentEditor
from ui.task_runner import TaskRunner


def _click_save(qtbot: QtBot, editor: IncidentEditor) -> int:
    with qtbot.waitSignal(editor.incident_saved) as saved:
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    incident_id = saved.args[0]
    assert isinstance(incident_id, int)
    return incident_id


def test_a_new_incident_starts_empty_with_the_title_focused(editor: IncidentEditor) -> None:
    assert editor.accessibleName() == "Incident editor"
    assert editor.heading.text() == "New incident"
    assert editor.form.title.text() == ""
    assert editor.form.title.hasFocus()
    assert editor.incident_id() is None
    assert not editor.form.resolution.isVisible()  # nothing to resolve while logging a call


def test_typing_a_call_and_saving_opens_the_incident(
    qtbot: QtBot, editor: IncidentEditor, ctx: ServiceContext, seed: Seed
) -> None:
    form = editor.form
    qtbot.keyClicks(form.title, "VPN drops every ten minutes")
    qtbot.keyClicks(form.description, "Since the 9:00 update, on every laptop in Building C.")
    choose(qtbot, form.service, "VPN")
    choose(qtbot, form.channel, "Walk")
    choose(qtbot, form.impact, "1")

    incident_id = _click_save(qtbot, editor)

    detail = IncidentReads(ctx).detail(incident_id)
    assert detail.title == "VPN drops every ten minutes"
    assert detail.description.startswith("Since the 9:00 update")
    assert detail.service_id == seed.vpn
    assert detail.channel == "walk_in"
    assert (detail.impact, detail.urgency, detail.priority) == (1, 2, Priority.HIGH)
    assert detail.assignee_id is None
    assert editor.incident_id() == incident_id
    assert editor.heading.text().startswith(detail.number)
    assert "Saved" in editor.saved_label.text()


def test_choosing_an_assignee_assigns_after_opening_with_their_team(
    qtbot: QtBot, editor: IncidentEditor, ctx: ServiceContext, seed: Seed
) -> None:
    qtbot.keyClicks(editor.form.title, "Printer on floor 2 jams")
    editor.form.assignee.setFocus()
    qtbot.keyClicks(editor.form.assignee, "Priya")
    qtbot.keyClick(editor.form.assignee, Qt.Key.Key_Return)  # activates: brings her team

    incident_id = _click_save(qtbot, editor)

    detail = IncidentReads(ctx).detail(incident_id)
    assert (detail.assignee_id, detail.team_id) == (seed.priya.agent_id, seed.network)
    kinds = [entry.kind for entry in IncidentReads(ctx).timeline(incident_id)]
    assert kinds == ["created", "assigned"]
    assert editor.timeline_model.rowCount() == 2


def test_assign_to_me_picks_the_signed_in_agent(
    qtbot: QtBot, editor: IncidentEditor, ctx: ServiceContext
) -> None:
    qtbot.keyClicks(editor.form.title, "Laptop will not boot")
    qtbot.mouseClick(editor.form.assign_to_me, Qt.MouseButton.LeftButton)
    assert editor.form.assignee.currentText() == ctx.actor.name

    incident_id = _click_save(qtbot, editor)

    assert IncidentReads(ctx).detail(incident_id).assignee_id == ctx.actor.agent_id


def test_ctrl_s_saves(qtbot: QtBot, editor: IncidentEditor, ctx: ServiceContext) -> None:
    qtbot.keyClicks(editor.form.title, "Teams calls drop")
    with qtbot.waitSignal(editor.incident_saved) as saved:
        qtbot.keyClick(editor.form.title, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert IncidentReads(ctx).detail(saved.args[0]).title == "Teams calls drop"


def test_the_priority_follows_impact_and_urgency_before_saving(
    qtbot: QtBot, editor: IncidentEditor
) -> None:
    form = editor.form
    assert form.priority.text().strip() == "P3 Moderate"
    choose(qtbot, form.impact, "1")
    assert form.priority.text().strip() == "P2 High"
    choose(qtbot, form.urgency, "1")
    assert form.priority.text().strip() == "P1 Critical"
    choose(qtbot, form.impact, "3")
    assert form.priority.text().strip() == "P3 Moderate"


def test_the_priority_comes_from_the_matrix_in_the_database(
    qtbot: QtBot, ctx: ServiceContext, seed: Seed
) -> None:
    with ctx.db.write() as session:  # this organisation treats low/low as P4, not P5
        cell = session.get(PriorityMatrixCell, (3, 3))
        assert cell is not None
        cell.priority = 4
    editor = show_editor(qtbot, ctx)
    choose(qtbot, editor.form.impact, "3")
    choose(qtbot, editor.form.urgency, "3")
    assert editor.form.priority.text().strip() == "P4 Low"


# The offscreen platform cannot raise a popup or let it grab the keyboard; it says so.
@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")
def test_picking_a_caller_from_the_suggestions(
    qtbot: QtBot, editor: IncidentEditor, ctx: ServiceContext, seed: Seed
) -> None:
    qtbot.keyClicks(editor.form.title, "Cannot print payslips")
    caller = editor.form.caller
    caller.setFocus()
    qtbot.keyClicks(caller, "anna")
    popup = caller.completer().popup()
    qtbot.waitUntil(popup.isVisible)
    assert [caller.matches().item(row).text() for row in range(2)] == [
        "Anna Berg",
        "Annabel Lee",
    ]
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert caller.text() == "Annabel Lee"

    incident_id = _click_save(qtbot, editor)

    assert IncidentReads(ctx).detail(incident_id).caller_id == seed.anna_other


def test_a_caller_typed_in_full_is_found_when_saving(
    qtbot: QtBot, editor: IncidentEditor, ctx: ServiceContext, seed: Seed
) -> None:
    qtbot.keyClicks(editor.form.title, "Mailbox full")
    qtbot.keyClicks(editor.form.caller, "ben okoro")

    incident_id = _click_save(qtbot, editor)

    assert IncidentReads(ctx).detail(incident_id).caller_id == seed.ben


def test_an_unknown_caller_is_refused_under_the_field_and_the_text_stays(
    qtbot: QtBot, editor: IncidentEditor, ctx: ServiceContext
) -> None:
    qtbot.keyClicks(editor.form.title, "Mailbox full")
    qtbot.keyClicks(editor.form.caller, "Nobody Known")
    with qtbot.assertNotEmitted(editor.incident_saved):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert "No caller is called “Nobody Known”" in editor.form.error_text("caller_id")
    assert editor.form.caller.text() == "Nobody Known"
    assert editor.form.title.text() == "Mailbox full"
    assert IncidentReads(ctx).count() == 0


def test_a_missing_title_is_shown_under_the_title_and_nothing_typed_is_lost(
    qtbot: QtBot, editor: IncidentEditor, ctx: ServiceContext
) -> None:
    qtbot.keyClicks(editor.form.description, "The caller hung up before saying what broke.")
    qtbot.keyClicks(editor.form.title, "   ")
    with qtbot.assertNotEmitted(editor.incident_saved):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)

    error = editor.form.findChild(QLabel, "error_title")
    assert error is not None
    assert error.isVisible()
    assert error.text() == "Give the incident a title: what is broken, for whom."
    assert editor.form.title.accessibleDescription() == error.text()
    assert editor.form.description.toPlainText().startswith("The caller hung up")
    assert editor.form.title.hasFocus()
    qtbot.keyClicks(editor.form.title, "Something")  # typing clears the message
    assert not error.isVisible()
    assert IncidentReads(ctx).count() == 0


def test_saving_through_a_real_background_runner(
    qtbot: QtBot, ctx: ServiceContext, seed: Seed
) -> None:
    runner = TaskRunner()
    editor = show_editor(qtbot, ctx, runner)
    runner.setParent(editor)  # its thread pool goes with the editor, while Python still runs
    qtbot.waitUntil(lambda: not runner.busy)  # the pickers' lists and the priority matrix
    assert editor.form.priority.text().strip() == "P3 Moderate"
    qtbot.keyClicks(editor.form.title, "Wi-Fi slow in the canteen")

    with qtbot.waitSignal(editor.incident_saved, timeout=10_000) as saved:
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not runner.busy)  # the timeline reload after the save

    assert IncidentReads(ctx).detail(saved.args[0]).title == "Wi-Fi slow in the canteen"
    assert editor.timeline_model.rowCount() == 1
