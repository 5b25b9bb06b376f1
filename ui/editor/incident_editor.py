"""The incident editor: a side panel that opens a new incident or edits one.

It sends only what the person changed, through the task runner; shows a field's error under the
field; shows any other problem in a banner; and when a colleague saved first, says who changed
what and lets the person reapply or discard their edits. Nothing typed is ever thrown away
without the person asking.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import CalmdeskError, DatabaseUnavailable, RuleViolation
from app.domain.lifecycle import HoldReason, Status
from app.services.directory.reference import ReferenceReads
from app.services.errors import EditConflict, InvalidInput
from app.services.incidents.dto import IncidentDetail, IncidentRow, StatusMove, TimelineEntry
from app.services.incidents.presence import incident_subject
from ui.console_context import ConsoleContext
from ui.editor.banners import ConflictBanner, MessageBanner, conflict_message
from ui.editor.choices import EditorChoices, fetch_choices
from ui.editor.colleague_changes import ColleagueChange, ColleagueChanges, changed_words
from ui.editor.form_values import FormValues, after_write
from ui.editor.header import IncidentHeader
from ui.editor.incident_form import IncidentForm
from ui.editor.notes_panel import NotesPanel
from ui.editor.saving import EditorWrites
from ui.editor.status_buttons import StatusButtons
from ui.live.presence import PresenceLabel
from ui.moments import local_time

Retry = Callable[[IncidentDetail], None]  # re-runs the last write on top of a newer version


class IncidentEditor(QWidget):
    incident_saved = Signal(int)  # after any successful write, with the incident's id
    closed = Signal()

    def __init__(
        self,
        context: ConsoleContext,
        parent: QWidget | None = None,
        *,
        queue_row: Callable[[int], IncidentRow | None] = lambda _id: None,
    ) -> None:
        super().__init__(parent)
        self._ctx = context
        self._queue_row = queue_row  # the queue's copy of a row, for when the database is away
        self._requested: int | None = None  # the incident last asked for
        self._writes = EditorWrites(context.commands, context.directory)
        self._reference = ReferenceReads(context.services)
        self._loaded: IncidentDetail | None = None  # None: a new, unsaved incident
        self._base = FormValues()  # what the person's edits are compared against
        self._conflict: EditConflict | None = None
        self._retry: Retry | None = None
        self._form_token = 0  # bumps on every load, so late answers for another one are ignored
        self._writing = 0
        self._check_after_write = False  # a colleague's change arrived during our save
        self.setAccessibleName("Incident editor")
        self.setWindowTitle("Incident editor")
        self._build()
        # A colleague's change to the incident on screen, as the console's change hub reports it.
        self.colleague_changes = ColleagueChanges(
            context.hub, context.runner, context.reads, lambda: self._loaded, self
        )
        self._connect()
        context.runner.submit(
            lambda: fetch_choices(context.directory, self._reference),
            self._on_choices_loaded,
            self._on_choices_failed,
        )
        self.new_incident()

    # -- public API ---------------------------------------------------------------------------

    def new_incident(self) -> None:
        """An empty form, title focused: for logging a call while the caller talks."""
        self._show_detail(None)
        self.form.title.setFocus(Qt.FocusReason.OtherFocusReason)

    def load_incident(self, incident_id: int) -> None:
        self._requested = incident_id
        self._form_token += 1
        token = self._form_token
        reads = self._ctx.reads
        self.saved_label.setText("Loading…")
        self._ctx.runner.submit(
            lambda: (reads.detail(incident_id), reads.timeline(incident_id)),
            partial(self._on_incident_loaded, token),
            self._on_incident_load_failed,
        )

    def incident_id(self) -> int | None:
        return self._loaded.id if self._loaded is not None else None

    def has_unsaved_changes(self) -> bool:
        return self.form.values().differs_from(self._base) or self.notes.has_typed_note()

    def stop(self) -> None:
        """The window closes: stop following colleagues' changes."""
        self.colleague_changes.stop()

    # -- building -----------------------------------------------------------------------------

    def _build(self) -> None:
        services = self._ctx.services
        self.header = IncidentHeader()
        self.heading, self.meta = self.header.heading, self.header.meta
        # Who else has this incident open: so two agents do not work the same call unknowingly.
        self.presence = PresenceLabel(self._ctx, None, self)
        self.message_banner = MessageBanner()
        self.conflict_banner = ConflictBanner()
        self.form = IncidentForm(self._ctx.runner, self._ctx.directory, services.actor)
        self.status_buttons = StatusButtons(services.actor.role)
        self.save_button = QPushButton("&Save")
        self.save_button.setAccessibleName("Save")
        self.save_button.setToolTip("Save the incident (Ctrl+S)")
        self.save_button.setDefault(True)
        self.close_button = QPushButton("&Close")
        self.close_button.setAccessibleName("Close the editor")
        self.close_button.setToolTip("Hide the editor; what you typed stays")
        self.saved_label = QLabel()
        self.saved_label.setAccessibleName("Save status")
        self.notes = NotesPanel(
            self._ctx.runner, self._ctx.offline, self._ctx.reads, self._ctx.services.clock.now
        )
        self.timeline_model = self.notes.model

        save_row = QHBoxLayout()
        save_row.addWidget(self.save_button)
        save_row.addWidget(self.close_button)
        save_row.addWidget(self.saved_label, 1)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(10, 10, 10, 10)
        body_layout.addWidget(self.form)
        body_layout.addWidget(_rule())
        body_layout.addWidget(self.status_buttons)
        body_layout.addLayout(save_row)
        body_layout.addWidget(_rule())
        body_layout.addWidget(self.notes, 1)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        header = QVBoxLayout()
        header.setContentsMargins(10, 10, 10, 0)
        header.addWidget(self.header)
        header.addWidget(self.presence)
        header.addWidget(self.message_banner)
        header.addWidget(self.conflict_banner)
        layout.addLayout(header)
        layout.addWidget(scroll, 1)
        self._set_tab_order()

    def _set_tab_order(self) -> None:
        f = self.form
        chain: list[QWidget] = [
            self.conflict_banner.reapply,
            self.conflict_banner.discard,
            self.message_banner.dismiss,
            f.title,
            f.description,
            f.service,
            f.caller,
            f.channel,
            f.impact,
            f.urgency,
            f.assignee,
            f.assign_to_me,
            f.team,
            f.resolution,
        ]
        for target in Status:
            if target != Status.NEW:
                chain.append(self.status_buttons.button(target))
            if target == Status.ON_HOLD:
                chain.append(self.status_buttons.hold_reason)
        chain += [
            self.save_button,
            self.close_button,
            self.notes.note,
            self.notes.add_note,
            self.notes.timeline,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _connect(self) -> None:
        save = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        save.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save.activated.connect(self._on_save_shortcut_activated)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.close_button.clicked.connect(self.closed)
        self.closed.connect(lambda: self.presence.set_subject(None))
        self.status_buttons.move_chosen.connect(self._on_status_buttons_move_chosen)
        self.conflict_banner.reapply_clicked.connect(self._on_conflict_banner_reapply_clicked)
        self.conflict_banner.discard_clicked.connect(self._on_conflict_banner_discard_clicked)
        self.notes.note_added.connect(self.incident_saved)
        self.notes.problem_reported.connect(self.message_banner.show_message)
        self.notes.notice.connect(self.message_banner.show_notice)
        self.form.edited.connect(self._on_form_edited)
        self.colleague_changes.arrived.connect(self._on_colleague_changes_arrived)
        self.colleague_changes.problem.connect(self.message_banner.show_message)
        self.incident_saved.connect(self._on_incident_saved)

    # -- showing ------------------------------------------------------------------------------

    def _show_detail(
        self, detail: IncidentDetail | None, timeline: list[TimelineEntry] | None = None
    ) -> None:
        """Load `detail` (None: a new incident) into the whole editor, replacing the form."""
        self._form_token += 1
        self._loaded = detail
        self._set_editable(True)
        self.presence.set_subject(incident_subject(detail.id) if detail else None)
        self._base = FormValues.from_detail(detail) if detail else FormValues()
        self._conflict = None
        self._retry = None
        self.conflict_banner.hide()
        self.message_banner.hide()
        self.form.clear_errors()
        names = (
            {"service": detail.service, "assignee": detail.assignee, "team": detail.team}
            if detail
            else {}
        )
        self.form.set_values(self._base, names)
        self.form.title.setCursorPosition(0)  # a long title reads from its first word
        self._show_header(detail)
        self.notes.show_incident(
            detail.id if detail else None, timeline, detail.number if detail else ""
        )
        self.saved_label.clear()

    def _show_header(self, detail: IncidentDetail | None) -> None:
        self.status_buttons.set_status(detail.status if detail else None)
        self.header.show_incident(detail, self._ctx.services.clock.now())
        # A call being logged has nothing to resolve yet: one box fewer to look past.
        self.form.set_row_visible("resolution", detail is not None)

    def _show_error(self, error: CalmdeskError) -> None:
        if isinstance(error, EditConflict):
            self._show_conflict(error)
        elif (field := _field_of(error)) is not None and self.form.show_error(field, str(error)):
            widget = self.form.field_widget(field)
            if widget is not None:
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.message_banner.show_message(str(error))

    def _show_conflict(self, conflict: EditConflict, *, focus: bool = True) -> None:
        self._conflict = conflict
        mine = self.form.values().changed_fields(self._base)
        theirs = FormValues.from_detail(conflict.current).changed_fields(self._base)
        self.conflict_banner.show_conflict(conflict_message(conflict, mine, theirs))
        if focus:
            self.conflict_banner.reapply.setFocus(Qt.FocusReason.OtherFocusReason)

    def _set_busy(self, busy: bool) -> None:
        self._writing = max(0, self._writing + (1 if busy else -1))
        writing = self._writing > 0
        self.save_button.setEnabled(not writing)
        self.status_buttons.set_busy(writing)
        self.conflict_banner.reapply.setEnabled(not writing)
        self.conflict_banner.discard.setEnabled(not writing)
        if writing:
            self.saved_label.setText("Saving…")

    # -- writing ------------------------------------------------------------------------------

    def _save_on(self, base: IncidentDetail | None) -> None:
        """Save the person's edits; `base` is the version they go on top of (None: create)."""
        values = self.form.values()
        if base is None:
            self._submit(lambda: self._writes.create(values), values)
            return
        edits, assignment = values.edits_since(self._base), values.assignment_since(self._base)
        if not edits and assignment is None:
            if base is not self._loaded:  # reapplying nothing: take their version as it is
                self._show_detail(base)
            self.saved_label.setText("Nothing to save.")
            return
        self._retry = self._save_on
        self._submit(lambda: self._writes.save(base.id, base.version, edits, assignment), values)

    def _move_on(self, base: IncidentDetail, target: Status, reason: HoldReason | None) -> None:
        """Save the pending edits and move the status, in one write; the service says why not."""
        values = self.form.values()
        resolution = values.resolution if target == Status.RESOLVED else None
        move = StatusMove(target, reason, resolution)
        edits, assignment = values.edits_since(self._base), values.assignment_since(self._base)
        self._retry = lambda newer: self._move_on(newer, target, reason)
        self._submit(
            lambda: self._writes.save(base.id, base.version, edits, assignment, move), values
        )

    def _submit(self, job: Callable[[], IncidentDetail], submitted: FormValues) -> None:
        if self._writing:
            return  # one write at a time; the buttons are off meanwhile
        self.form.clear_errors()
        self.message_banner.hide()
        self.conflict_banner.hide()
        token = self._form_token
        self._set_busy(True)
        self._ctx.runner.submit(
            job,
            partial(self._on_write_done, token, submitted),
            partial(self._on_write_failed, token),
        )

    def _on_write_done(self, token: int, submitted: FormValues, detail: IncidentDetail) -> None:
        self._set_busy(False)
        if token == self._form_token:
            saved = FormValues.from_detail(detail)
            shown = after_write(saved, self.form.values(), submitted)
            self._loaded, self._base = detail, saved
            names = {"service": detail.service, "assignee": detail.assignee, "team": detail.team}
            self.form.set_values(shown, names)
            self._show_header(detail)
            self._conflict, self._retry = None, None
            self.notes.show_incident(detail.id, number=detail.number)
        at = local_time(self._ctx.services.clock.now())
        self.saved_label.setText(f"Saved {detail.number} at {at:%H:%M}.")
        self.incident_saved.emit(detail.id)

    def _on_write_failed(self, token: int, error: CalmdeskError) -> None:
        self._set_busy(False)
        self.saved_label.setText("Not saved.")
        self._write_error(token, error)

    def _write_error(self, token: int, error: CalmdeskError) -> None:
        if token != self._form_token:
            # The form shows something else now: only say what happened.
            self.message_banner.show_message(f"An earlier save did not go through: {error}")
            return
        self._show_error(error)
        if self._conflict is not None and not isinstance(error, EditConflict):
            self._show_conflict(self._conflict)  # still theirs vs yours: keep the choice open

    # -- slots --------------------------------------------------------------------------------

    def _on_save_button_clicked(self) -> None:
        self._save_on(self._loaded)

    def _on_save_shortcut_activated(self) -> None:
        if self.save_button.isEnabled():
            self._save_on(self._loaded)

    def _on_status_buttons_move_chosen(self, target: Status, reason: HoldReason | None) -> None:
        if self._loaded is not None:
            self._move_on(self._loaded, target, reason)

    def _on_conflict_banner_reapply_clicked(self) -> None:
        if self._conflict is None:
            return
        retry = self._retry or self._save_on
        retry(self._conflict.current)

    def _on_conflict_banner_discard_clicked(self) -> None:
        if self._conflict is None:
            return
        current = self._conflict.current
        self._show_detail(current)
        self.form.title.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_colleague_changes_arrived(self, change: ColleagueChange) -> None:
        """Untouched form: show their version. Edited form: keep every keystroke and say who
        changed what (the conflict banner: reapply mine on top, or discard mine)."""
        loaded = self._loaded
        if loaded is None or loaded.id != change.incident_id:
            return  # another incident is on screen now
        if self._writing:
            self._check_after_write = True  # our save decides; look again once it is in
            return
        if loaded.version != change.seen_version:
            self.colleague_changes.check()  # the screen moved on meanwhile: ask again
            return
        self.notes.show_incident(loaded.id, change.timeline, loaded.number)
        conflict = change.conflict
        if conflict is None:
            return  # a note: the timeline above is all that changed
        if self.form.values().differs_from(self._base):
            self._show_conflict(conflict, focus=False)  # never steal the keyboard mid-sentence
            return
        self._show_detail(conflict.current, change.timeline)
        self.saved_label.setText(f"{changed_words(conflict)}: showing their version.")

    def _on_incident_saved(self, _incident_id: int) -> None:
        if self._check_after_write:
            self._check_after_write = False
            self.colleague_changes.check()

    def _on_form_edited(self) -> None:
        if self.saved_label.text().startswith(("Saved", "Nothing")):
            self.saved_label.clear()

    def _on_incident_loaded(
        self, token: int, loaded: tuple[IncidentDetail, list[TimelineEntry]]
    ) -> None:
        if token != self._form_token:
            return  # another incident was asked for since
        self._show_detail(*loaded)

    def _on_incident_load_failed(self, error: CalmdeskError) -> None:
        self.saved_label.clear()
        row = None
        if isinstance(error, DatabaseUnavailable) and self._requested is not None:
            row = self._queue_row(self._requested)
        if row is None:
            self.message_banner.show_message(str(error))
        else:
            self._show_offline_copy(row)

    def _show_offline_copy(self, row: IncidentRow) -> None:
        """The database is away and this incident was never opened here: show what the queue
        knows, read-only, and take notes for it (the outbox sends them once it is back)."""
        self._show_detail(None)
        self._set_editable(False)
        self.header.show_row(row, self._ctx.services.clock.now())
        self.notes.show_incident(row.id, [], row.number)
        self.message_banner.show_notice(
            f"Offline: this is the queue's copy of {row.number}, read-only; the form opens "
            "when the database is back. A note you add now is kept and sent then."
        )

    def _set_editable(self, editable: bool) -> None:
        # Hidden, not greyed: an empty form would read as an incident with nothing in it.
        self.form.setVisible(editable)
        self.status_buttons.setVisible(editable)
        self.save_button.setVisible(editable)
        self.save_button.setEnabled(editable and not self._writing)

    def _on_choices_loaded(self, choices: EditorChoices) -> None:
        self.form.set_choices(choices.services, choices.agents, choices.teams)
        self.form.set_matrix(choices.matrix)

    def _on_choices_failed(self, error: CalmdeskError) -> None:
        self.message_banner.show_message(
            f"The lists of services, agents and teams could not be read: {error}"
        )


def _field_of(error: CalmdeskError) -> str | None:
    """The form field a refusal is about (a missing resolution, a caller not found), if any."""
    if isinstance(error, (InvalidInput, RuleViolation)):
        return error.field
    return None


def _rule() -> QFrame:
    rule = QFrame()
    rule.setFrameShape(QFrame.Shape.HLine)
    rule.setFrameShadow(QFrame.Shadow.Sunken)
    return rule
