"""Status buttons: only the legal moves, a reason for on hold, a resolution for resolve."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.domain.lifecycle import HoldReason, Status
from app.domain.roles import Role
from app.services.context import ServiceContext
from app.services.incidents.commands import IncidentCommands
from app.services.incidents.reads import IncidentReads
from tests.helpers import add_agent, as_actor, open_incident
from tests.ui.editor.conftest import Seed, choose, show_editor
from ui.editor import IncidentEditor


def _visible_moves(editor: IncidentEditor) -> set[Status]:
    buttons = editor.status_buttons
    return {s for s in Status if s != Status.NEW and buttons.button(s).isVisible()}


def _move(qtbot: QtBot, editor: IncidentEditor, target: Status) -> None:
    with qtbot.waitSignal(editor.incident_saved):
        qtbot.mouseClick(editor.status_buttons.button(target), Qt.MouseButton.LeftButton)


def _loaded(editor: IncidentEditor, ctx: ServiceContext) -> int:
    incident = open_incident(ctx, "Payroll export fails")
    editor.load_incident(incident.id)
    assert editor.incident_id() == incident.id
    return incident.id


def test_a_new_unsaved_incident_offers_no_moves(editor: IncidentEditor) -> None:
    assert _visible_moves(editor) == set()
    assert not editor.status_buttons.hold_reason.isVisible()


def test_only_the_legal_moves_are_offered(
    qtbot: QtBot, editor: IncidentEditor, ctx: ServiceContext
) -> None:
    _loaded(editor, ctx)
    assert _visible_moves(editor) == {Status.IN_PROGRESS, Status.CANCELLED}

    _move(qtbot, editor, Status.IN_PROGRESS)

    assert _visible_moves(editor) == {Status.ON_HOLD, Status.RESOLVED, Status.CANCELLED}
    assert editor.status_buttons.hold_reason.isVisible()
    assert "In progress" in editor.meta.text()


def test_putting_on_hold_records_the_reason_chosen(
    qtbot: QtBot, editor: IncidentEditor, ctx: ServiceContext
) -> None:
    incident_id = _loaded(editor, ctx)
    _move(qtbot, editor, Status.IN_PROGRESS)
    choose(qtbot, editor.status_buttons.hold_reason, "Awaiting vendor")

    _move(qtbot, editor, Status.ON_HOLD)

    detail = IncidentReads(ctx).detail(incident_id)
    assert (detail.status, detail.hold_reason) == (Status.ON_HOLD, HoldReason.AWAITING_VENDOR)
    assert "On hold (Awaiting vendor)" in editor.meta.text()
    assert _visible_moves(editor) == {Status.IN_PROGRESS, Status.RESOLVED, Status.CANCELLED}


def test_resolving_without_a_resolution_is_refused_under_the_resolution_field(
    qtbot: QtBot, editor: IncidentEditor, ctx: ServiceContext
) -> None:
    incident_id = _loaded(editor, ctx)
    _move(qtbot, editor, Status.IN_PROGRESS)
    qtbot.keyClick(editor.form.title, Qt.Key.Key_End)  # a loaded title shows its start
    qtbot.keyClicks(editor.form.title, " at month end")

    with qtbot.assertNotEmitted(editor.incident_saved):
        qtbot.mouseClick(editor.status_buttons.button(Status.RESOLVED), Qt.MouseButton.LeftButton)

    assert editor.form.error_text("resolution") == (
        "Write a resolution before resolving: what fixed it, in a sentence."
    )
    assert editor.form.resolution.hasFocus()
    assert editor.form.title.text() == "Payroll export fails at month end"  # kept, unsaved
    stored = IncidentReads(ctx).detail(incident_id)
    assert (stored.status, stored.title) == (Status.IN_PROGRESS, "Payroll export fails")

    qtbot.keyClicks(editor.form.resolution, "Restarted the export service.")
    assert editor.form.error_text("resolution") == ""
    _move(qtbot, editor, Status.RESOLVED)

    detail = IncidentReads(ctx).detail(incident_id)
    assert detail.status == Status.RESOLVED
    assert detail.resolution == "Restarted the export service."
    assert detail.title == "Payroll export fails at month end"  # the pending edit went too
    assert _visible_moves(editor) == {Status.CLOSED, Status.IN_PROGRESS}
    assert editor.status_buttons.button(Status.IN_PROGRESS).text() == "Reopen"


def test_an_agent_sees_close_but_cannot_use_it(
    qtbot: QtBot, ctx: ServiceContext, seed: Seed
) -> None:
    agent_ctx = as_actor(ctx, add_agent(ctx.db, "tom.becker", "Tom Becker", Role.AGENT))
    editor = show_editor(qtbot, agent_ctx)
    incident_id = _loaded(editor, agent_ctx)
    _move(qtbot, editor, Status.IN_PROGRESS)
    qtbot.keyClicks(editor.form.resolution, "Cleared the print queue.")
    _move(qtbot, editor, Status.RESOLVED)

    close = editor.status_buttons.button(Status.CLOSED)
    assert close.isVisible()
    assert not close.isEnabled()
    assert "supervisor" in close.toolTip()
    assert IncidentReads(ctx).detail(incident_id).status == Status.RESOLVED


def test_edits_and_a_move_refused_for_a_colleagues_change_write_nothing_then_go_together(
    qtbot: QtBot, editor: IncidentEditor, ctx: ServiceContext, seed: Seed
) -> None:
    incident_id = _loaded(editor, ctx)
    _move(qtbot, editor, Status.IN_PROGRESS)
    reads = IncidentReads(ctx)
    seen = reads.detail(incident_id)
    colleague = as_actor(ctx, add_agent(ctx.db, "bob.marsh", "Bob Marsh"))
    IncidentCommands(colleague).edit(incident_id, seen.version, {"urgency": 1})
    before = (reads.detail(incident_id), reads.timeline(incident_id))
    qtbot.keyClick(editor.form.title, Qt.Key.Key_End)  # a loaded title shows its start
    qtbot.keyClicks(editor.form.title, " at month end")
    editor.form.assignee.setFocus()
    qtbot.keyClicks(editor.form.assignee, "Priya")
    qtbot.keyClick(editor.form.assignee, Qt.Key.Key_Return)
    qtbot.keyClicks(editor.form.resolution, "Restarted the export service.")

    with qtbot.assertNotEmitted(editor.incident_saved):
        qtbot.mouseClick(editor.status_buttons.button(Status.RESOLVED), Qt.MouseButton.LeftButton)

    assert "Bob Marsh changed urgency" in editor.conflict_banner.message.text()
    assert (reads.detail(incident_id), reads.timeline(incident_id)) == before  # none of it
    assert editor.form.title.text() == "Payroll export fails at month end"  # all still typed

    with qtbot.waitSignal(editor.incident_saved):
        qtbot.mouseClick(editor.conflict_banner.reapply, Qt.MouseButton.LeftButton)

    detail = reads.detail(incident_id)
    assert detail.version == before[0].version + 1  # one write for the whole click
    assert (detail.title, detail.assignee, detail.status, detail.urgency) == (
        "Payroll export fails at month end",
        "Priya Nair",
        Status.RESOLVED,
        1,
    )
    assert detail.resolution == "Restarted the export service."
