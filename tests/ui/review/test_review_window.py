"""The review window: the draft shown, edits saved and read back, exports to Markdown and PDF
(the PDF's extracted text holds the headings and figures)."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.adapters.review_markdown import HEADINGS
from app.domain.clock import ManualClock
from app.domain.review import ActionItem
from app.services.reports.post_incident_review import PostIncidentReviews
from tests.app.services.reports.review_support import ResolvedOutage, resolve_outage
from tests.helpers import add_agent, as_actor
from ui.console_context import ConsoleContext
from ui.review.action_items_model import DONE, DUE, OWNER, TEXT, ActionItemsModel
from ui.review.review_window import ReviewWindow, open_review


def _open(console: ConsoleContext, qtbot: QtBot, resolved: ResolvedOutage) -> ReviewWindow:
    window = open_review(console, resolved.incident_id)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.draft is not None)
    return window


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def test_the_action_items_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = ActionItemsModel()
    model.set_rows((ActionItem(1, "Review the cadence", None, "", None, False),))
    model.add_row("Agree update times with vendors")
    assert model.setData(model.index(1, DUE), "2026-01-31")
    assert not model.setData(model.index(1, DUE), "next week")
    assert model.data(model.index(1, DONE), Qt.ItemDataRole.CheckStateRole) == (
        Qt.CheckState.Unchecked
    )
    qtmodeltester.check(model, force_py=True)
    model.remove_row(0)
    assert [r.text for r in model.rows] == ["Agree update times with vendors"]


def test_the_review_is_edited_saved_and_read_back(
    console: ConsoleContext, qtbot: QtBot, clock: ManualClock
) -> None:
    resolved = resolve_outage(console.services, clock)
    window = _open(console, qtbot, resolved)
    assert "Longest silence: 45 min" in window.browser.toPlainText()
    qtbot.keyClicks(window.went_well_edit, "First update in 10 minutes.")
    qtbot.mouseClick(window.add_item_button, Qt.MouseButton.LeftButton)
    model = window.items_model
    assert model.rowCount() == 1
    assert model.setData(model.index(0, TEXT), "Agree an update slot with Microsoft")
    assert model.setData(model.index(0, OWNER), "sam okafor")
    assert not model.setData(model.index(0, OWNER), "Nobody Here")  # refused, said why
    assert "No agent is called" in window.message.text()
    assert model.setData(model.index(0, DUE), "2026-01-12")
    assert model.setData(
        model.index(0, DONE), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole
    )
    with qtbot.waitSignal(window.review_saved):
        qtbot.mouseClick(window.save_button, Qt.MouseButton.LeftButton)
    assert window.message.text() == "Saved (version 1)."
    stored = PostIncidentReviews(console.services).draft(resolved.incident_id)
    assert stored.edits.went_well == "First update in 10 minutes."
    ((text, owner, due, done),) = [
        (i.text, i.owner, i.due_on.isoformat() if i.due_on else "", i.done)
        for i in stored.edits.action_items
    ]
    assert (text, owner, due, done) == (
        "Agree an update slot with Microsoft",
        "Sam Okafor",
        "2026-01-12",
        True,
    )
    again = _open(console, qtbot, resolved)
    assert again.went_well_edit.toPlainText() == "First update in 10 minutes."
    assert again.items_model.data(again.items_model.index(0, OWNER)) == "Sam Okafor"


def test_the_exports_hold_the_headings_and_figures(
    console: ConsoleContext, qtbot: QtBot, clock: ManualClock, tmp_path: Path
) -> None:
    resolved = resolve_outage(console.services, clock)
    window = _open(console, qtbot, resolved)
    qtbot.keyClicks(window.to_improve_edit, " Agree update times with vendors.")
    markdown = window.export_markdown(tmp_path / "review.md").read_text(encoding="utf-8")
    assert [line[3:] for line in markdown.splitlines() if line.startswith("## ")] == list(HEADINGS)
    assert "Agree update times with vendors." in markdown  # unsaved edits are exported too
    pdf = window.export_pdf(tmp_path / "review.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    text = " ".join(_pdf_text(pdf).split())
    assert "Post-incident review: INC0000001 Email down for all users" in text
    for heading in HEADINGS:
        assert heading in text
    assert "Duration: 1 h 40 min" in text
    assert "Calls: 3 from 2 distinct callers" in text
    assert "Updates sent: 4" in text
    assert "Longest silence: 45 min" in text
    assert "resolved 10 min later than the last ETA" in text
    assert "MS-4711" in text
    assert "Agree update times with vendors." in text


def test_an_agent_reads_the_review_but_cannot_save_it(
    console: ConsoleContext, qtbot: QtBot, clock: ManualClock
) -> None:
    resolved = resolve_outage(console.services, clock)
    agent = add_agent(console.services.db, "dana.lee", "Dana Lee")
    services = as_actor(console.services, agent)
    as_agent = ConsoleContext.build(console.settings, services, console.runner)
    window = _open(as_agent, qtbot, resolved)
    assert not window.save_button.isEnabled()
    assert window.went_well_edit.isReadOnly()
    assert window.export_pdf_button.isEnabled()
