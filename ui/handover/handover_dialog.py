"""Shift handover: the outgoing lead draws up the report (on demand, or when a configured shift
change comes), writes notes, and the incoming supervisor acknowledges it (who and when are
recorded)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.services.handover.commands import ON_DEMAND, HandoverCommands, HandoverConflict
from app.services.handover.dto import Handover, HandoverReport
from app.services.handover.reads import HandoverReads
from ui.console_context import ConsoleContext
from ui.handover.report_text import report_html


class HandoverDialog(QDialog):
    loaded = Signal()  # the report (or handover) on screen is current

    def __init__(
        self, context: ConsoleContext, shift: str = ON_DEMAND, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = context
        self._shift = shift
        self.handover: Handover | None = None
        self._set_title()
        self.setAccessibleName("Shift handover")
        self.state = QLabel(self)
        self.state.setWordWrap(True)
        self.state.setAccessibleName("Handover state")
        self.report = QTextBrowser(self)
        self.report.setAccessibleName("Handover report")
        self.notes = QPlainTextEdit(self)
        self.notes.setAccessibleName("Outgoing lead's notes")
        self.notes.setPlaceholderText(
            "What the next shift must know: promises made, people to chase, what to watch."
        )
        self.draw_button = QPushButton("&Draw up the handover", self)
        self.save_button = QPushButton("&Save notes", self)
        self.ack_button = QPushButton("&Acknowledge: I take the shift", self)
        self.new_button = QPushButton("&New handover", self)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Handover message")
        buttons = QHBoxLayout()
        for button in (self.draw_button, self.save_button, self.ack_button, self.new_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.state)
        layout.addWidget(self.report, 3)
        notes_label = QLabel("&Notes from the outgoing lead")
        notes_label.setBuddy(self.notes)
        layout.addWidget(notes_label)
        layout.addWidget(self.notes, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.draw_button.clicked.connect(self._on_draw_button_clicked)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.ack_button.clicked.connect(self._on_ack_button_clicked)
        self.new_button.clicked.connect(self.preview)
        self.resize(760, 720)

    def _set_title(self) -> None:
        self.setWindowTitle(f"Shift handover · {self._shift}")

    def set_shift(self, shift: str) -> None:
        """A shift change came while this was open: it is for that shift now, keeping what is
        typed; a preview is brought up to date."""
        self._shift = shift
        self._set_title()
        if self.handover is None:
            self.preview()

    def load(self) -> None:
        """Show the latest handover still waiting for acknowledgement, or a fresh preview."""
        services = self._ctx.services
        self._ctx.runner.submit(
            lambda: HandoverReads(services).recent(1), self._on_recent, self._on_failed
        )

    def _on_recent(self, recent: list[Handover]) -> None:
        """The handover waiting for acknowledgement, if any: for the incoming supervisor always
        (a shift change is when they take it); for its own author on demand (at a shift change
        they draw up a new one)."""
        waiting = recent[0] if recent and not recent[0].acknowledged else None
        mine = waiting is not None and waiting.created_by_id == self._ctx.services.actor.agent_id
        if waiting is not None and (self._shift == ON_DEMAND or not mine):
            self._show_handover(waiting)
        else:
            self.preview()

    def preview(self) -> None:
        services = self._ctx.services
        self._ctx.runner.submit(
            lambda: HandoverReads(services).report_now(), self._on_preview, self._on_failed
        )

    def _on_preview(self, report: HandoverReport) -> None:
        self.handover = None
        self.state.setText(
            f"<b>{self._shift}</b>: a preview as things stand now. Add your notes, then "
            "draw up the handover for the incoming supervisor."
        )
        self.report.setHtml(report_html(report))
        self.notes.setReadOnly(False)
        self.draw_button.setVisible(True)
        self.save_button.setVisible(False)
        self.ack_button.setVisible(False)
        self.new_button.setVisible(False)
        self.loaded.emit()

    def _show_handover(self, handover: Handover) -> None:
        self.handover = handover
        me = self._ctx.services.actor.agent_id
        if handover.acknowledged_at is not None:
            state = (
                f"Acknowledged by <b>{handover.acknowledged_by}</b> at "
                f"{handover.acknowledged_at.astimezone():%H:%M}."
            )
        else:
            state = "Waiting for the incoming supervisor to acknowledge it."
        self.state.setText(
            f"<b>{handover.shift}</b>: drawn up by <b>{handover.created_by}</b> at "
            f"{handover.created_at.astimezone():%H:%M}. {state}"
        )
        self.report.setHtml(report_html(handover.report))
        self.notes.setPlainText(handover.notes)
        open_for_notes = handover.acknowledged_at is None and handover.created_by_id == me
        self.notes.setReadOnly(not open_for_notes)
        self.draw_button.setVisible(False)
        self.save_button.setVisible(open_for_notes)
        self.ack_button.setVisible(
            handover.acknowledged_at is None and handover.created_by_id != me
        )
        self.new_button.setVisible(handover.acknowledged_at is not None)
        self.loaded.emit()

    def _on_draw_button_clicked(self) -> None:
        services, shift, notes = self._ctx.services, self._shift, self.notes.toPlainText()
        self._ctx.runner.submit(
            lambda: HandoverCommands(services).draw_up(shift, notes),
            self._done("Handover drawn up: the incoming supervisor acknowledges it here."),
            self._on_failed,
        )

    def _on_save_button_clicked(self) -> None:
        if self.handover is None:
            return
        services, handover, notes = self._ctx.services, self.handover, self.notes.toPlainText()
        self._ctx.runner.submit(
            lambda: HandoverCommands(services).annotate(handover.id, handover.version, notes),
            self._done("Notes saved."),
            self._on_failed,
        )

    def _on_ack_button_clicked(self) -> None:
        if self.handover is None:
            return
        services, handover = self._ctx.services, self.handover
        self._ctx.runner.submit(
            lambda: HandoverCommands(services).acknowledge(handover.id, handover.version),
            self._done("Acknowledged: the shift is yours."),
            self._on_failed,
        )

    def _done(self, text: str) -> Callable[[Handover], None]:
        def shown(handover: Handover) -> None:
            self.message.setText(text)
            self._show_handover(handover)

        return shown

    def _on_failed(self, exc: Exception) -> None:
        self.message.setText(str(exc))
        if isinstance(exc, HandoverConflict) and self.handover is not None:
            self._reload_keeping_notes(self.handover.id)

    def _reload_keeping_notes(self, handover_id: int) -> None:
        """After a conflict: the handover as it is now, with what the author had typed kept
        in the box to save again (the incoming supervisor has nothing typed to keep)."""
        services = self._ctx.services
        typed = self.notes.toPlainText() if not self.notes.isReadOnly() else None

        def shown(handover: Handover) -> None:
            self._show_handover(handover)
            if typed is not None and not self.notes.isReadOnly():
                self.notes.setPlainText(typed)

        self._ctx.runner.submit(
            lambda: HandoverReads(services).get(handover_id),
            shown,
            lambda exc: self.message.setText(str(exc)),
        )
