"""The post-incident review window: the draft drafted from the record, read-only, beside what
people write (what went well, what to improve, action items), with Save and the Markdown and
PDF exports. Service calls go through the console's task runner."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.adapters.review_markdown import review_markdown
from app.domain.review import ReviewDraft, ReviewEdits
from app.domain.roles import Action, may
from app.services.directory.reads import Directory
from app.services.reports.post_incident_review import PostIncidentReviews, ReviewConflict
from ui.console_context import ConsoleContext
from ui.review.action_items_model import TEXT, ActionItemsModel
from ui.review.review_pdf import write_review_pdf


class ReviewWindow(QWidget):
    draft_loaded = Signal(object)  # the ReviewDraft shown
    review_saved = Signal(object)  # the ReviewDraft after saving

    def __init__(
        self, context: ConsoleContext, incident_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._ctx = context
        self._incident_id = incident_id
        self._reviews = PostIncidentReviews(context.services)
        self.draft: ReviewDraft | None = None
        self.setWindowTitle("Post-incident review")
        self.resize(1100, 760)
        self.browser = QTextBrowser(self)
        self.went_well_edit = QPlainTextEdit(self)
        self.to_improve_edit = QPlainTextEdit(self)
        self.went_well_edit.setPlaceholderText("What helped: keep doing it.")
        self.to_improve_edit.setPlaceholderText("What got in the way: systems, not people.")
        self.items_model = ActionItemsModel(self)
        self.items_view = QTableView(self)
        self.items_view.setModel(self.items_model)
        self.items_view.horizontalHeader().setSectionResizeMode(
            TEXT, QHeaderView.ResizeMode.Stretch
        )
        self.add_item_button = QPushButton("Add action item", self)
        self.remove_item_button = QPushButton("Remove", self)
        self.save_button = QPushButton("Save", self)
        self.export_markdown_button = QPushButton("Export Markdown…", self)
        self.export_pdf_button = QPushButton("Export PDF…", self)
        self.message = QLabel("Loading the review…", self)
        self.message.setWordWrap(True)
        self._layout()
        self._set_enabled(False)
        self.add_item_button.clicked.connect(self._on_add_item_button_clicked)
        self.remove_item_button.clicked.connect(self._on_remove_item_button_clicked)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.export_markdown_button.clicked.connect(self._on_export_markdown_button_clicked)
        self.export_pdf_button.clicked.connect(self._on_export_pdf_button_clicked)
        self.items_model.edit_refused.connect(self.message.setText)
        self.reload()
        self._ctx.runner.submit(
            lambda: Directory(context.services).agents(), self.items_model.set_agents
        )

    def _layout(self) -> None:
        editor = QWidget(self)
        column = QVBoxLayout(editor)
        column.addWidget(QLabel("What went well", editor))
        column.addWidget(self.went_well_edit, 1)
        column.addWidget(QLabel("What to improve", editor))
        column.addWidget(self.to_improve_edit, 1)
        column.addWidget(QLabel("Action items (double-click to edit; owner by name)", editor))
        column.addWidget(self.items_view, 2)
        item_buttons = QHBoxLayout()
        item_buttons.addWidget(self.add_item_button)
        item_buttons.addWidget(self.remove_item_button)
        item_buttons.addStretch(1)
        column.addLayout(item_buttons)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.browser)
        splitter.addWidget(editor)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        for button in (self.export_markdown_button, self.export_pdf_button, self.save_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)

    def _set_enabled(self, loaded: bool) -> None:
        may_write = may(self._ctx.services.actor.role, Action.WRITE_REVIEW)
        for widget in (self.save_button, self.add_item_button, self.remove_item_button):
            widget.setEnabled(loaded and may_write)
        for edit in (self.went_well_edit, self.to_improve_edit):
            edit.setReadOnly(not may_write)
        for button in (self.export_markdown_button, self.export_pdf_button):
            button.setEnabled(loaded)
        if not may_write:
            self.save_button.setToolTip("Only a supervisor may write the review.")

    # -- the draft ----------------------------------------------------------------------------

    def reload(self) -> None:
        incident_id = self._incident_id
        self._ctx.runner.submit(
            lambda: self._reviews.draft(incident_id), self._on_draft_loaded, self._on_failed
        )

    def edits(self) -> ReviewEdits:
        return ReviewEdits(
            went_well=self.went_well_edit.toPlainText(),
            to_improve=self.to_improve_edit.toPlainText(),
            action_items=self.items_model.rows,
        )

    def current(self) -> ReviewDraft:
        """The draft with what is typed in the window now: what the exports write."""
        assert self.draft is not None
        return replace(self.draft, edits=self.edits())

    def _show(self, draft: ReviewDraft) -> None:
        self.draft = draft
        self.setWindowTitle(f"Post-incident review · {draft.number} · {draft.title}")
        self.browser.setMarkdown(review_markdown(draft))
        self.went_well_edit.setPlainText(draft.edits.went_well)
        self.to_improve_edit.setPlainText(draft.edits.to_improve)
        self.items_model.set_rows(draft.edits.action_items)
        self._set_enabled(True)

    def _on_draft_loaded(self, draft: ReviewDraft) -> None:
        self._show(draft)
        saved = "never saved" if draft.saved_at is None else f"saved by {draft.saved_by}"
        self.message.setText(f"Drafted from the record; {saved}.")
        self.draft_loaded.emit(draft)

    def _on_failed(self, error: Exception) -> None:
        if isinstance(error, ReviewConflict):
            # Keep what was typed; show the colleague's version of the drafted part only.
            self.draft = error.current
            self.browser.setMarkdown(review_markdown(error.current))
        self.message.setText(str(error))

    # -- slots --------------------------------------------------------------------------------

    def _on_add_item_button_clicked(self) -> None:
        row = self.items_model.add_row()
        index = self.items_model.index(row, TEXT)
        self.items_view.setCurrentIndex(index)
        self.items_view.edit(index)

    def _on_remove_item_button_clicked(self) -> None:
        self.items_model.remove_row(self.items_view.currentIndex().row())

    def _on_save_button_clicked(self) -> None:
        if self.draft is None:
            return
        incident_id, version, edits = self._incident_id, self.draft.version, self.edits()
        self.message.setText("Saving…")
        self._ctx.runner.submit(
            lambda: self._reviews.save(incident_id, version, edits),
            self._on_saved,
            self._on_failed,
        )

    def _on_saved(self, draft: ReviewDraft) -> None:
        self._show(draft)
        self.message.setText(f"Saved (version {draft.version}).")
        self.review_saved.emit(draft)

    def _on_export_markdown_button_clicked(self) -> None:
        name = self._ask_path("Export the review as Markdown", "md", "Markdown (*.md)")
        if name:
            self.export_markdown(Path(name))

    def _on_export_pdf_button_clicked(self) -> None:
        name = self._ask_path("Export the review as PDF", "pdf", "PDF (*.pdf)")
        if name:
            self.export_pdf(Path(name))

    def _ask_path(self, caption: str, suffix: str, filter_: str) -> str:
        number = self.draft.number if self.draft else "review"
        name, _ = QFileDialog.getSaveFileName(self, caption, f"{number}-review.{suffix}", filter_)
        return name

    # -- exports ------------------------------------------------------------------------------

    def export_markdown(self, path: Path) -> Path:
        path.write_text(review_markdown(self.current()), encoding="utf-8")
        self.message.setText(f"Exported to {path}.")
        return path

    def export_pdf(self, path: Path) -> Path:
        draft = self.current()
        write_review_pdf(review_markdown(draft), path, f"Post-incident review {draft.number}")
        self.message.setText(f"Exported to {path}.")
        return path


def open_review(
    context: ConsoleContext, incident_id: int, parent: QWidget | None = None
) -> ReviewWindow:
    window = ReviewWindow(context, incident_id, parent)
    window.show()
    return window
