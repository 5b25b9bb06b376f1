"""The "Log a call" form: a compact window opened from anywhere with Ctrl+L.

Keyboard first: Caller, Tab, Service, Tab, Symptom, Enter saves, and the form is empty and ready
for the next call at once while the save runs in the background. While the agent types, the
active major incidents that match are listed ("Is this the outage?") with what to tell the
caller; Up/Down (from the Symptom field too) move through them, Ctrl+Enter saves the call linked
to the highlighted one and Alt+1 … Alt+9 to the one with that number. A typed incident number
links there instead, Alt+N opens a new incident from the call, and Escape hides the form without
losing what was typed.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.errors import CalmdeskError
from app.services.calls.drafts import new_client_uuid
from app.services.calls.dto import ActiveMajor, CallDraft, CallerCard, LoggedCall
from app.services.calls.filters import OutageMatch
from app.services.incidents.dto import IncidentDetail, NamedRef
from app.services.offline.outbox import OutboxStatus
from ui.calls.caller_lookup import OFFERED, OFFERED_HINT, PICKED, CallerLookup, looks_like_a_name
from ui.calls.controller import CallsController
from ui.calls.form_style import form_style_sheet
from ui.calls.incoming import IncomingCallFiller
from ui.calls.matches import MatchesPanel
from ui.calls.presentation import local_time
from ui.calls.problem_box import ProblemBox
from ui.calls.saving import CallSaver, PendingCall
from ui.calls.service_field import ServiceField
from ui.live.offline_monitor import kept_message

MATCH_KEYS = 9
IDLE_HINT = "Enter saves · Ctrl+Enter saves and links to the match · Alt+N new incident · Esc hides"


class LogCallForm(QWidget):
    call_saved = Signal(object)  # LoggedCall, once it is in the database
    incident_opened = Signal(int)  # an incident opened from a call: the editor may show it
    save_failed = Signal(str)

    def __init__(self, controller: CallsController, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Tool)
        self._controller = controller
        self._clock = controller.context.services.clock
        self._uuid = new_client_uuid()
        self.logged_this_session = 0
        self.setWindowTitle("Log a call")
        self.setAccessibleName("Log a call")
        self.setObjectName("logCallForm")
        self.setStyleSheet(form_style_sheet())
        self.saver = CallSaver(
            controller.runner, controller.commands, controller.context.offline, self
        )
        self._build()
        self._bind_keys()
        self.incoming = IncomingCallFiller(self)
        self.caller.picked_changed.connect(self._on_caller_picked_changed)
        self.service.editTextChanged.connect(self._on_service_edit_text_changed)
        self.symptom.textChanged.connect(self._on_symptom_text_changed)
        self.symptom.installEventFilter(self)
        self.callback_wanted.toggled.connect(self._on_callback_wanted_toggled)
        self.link_number.textChanged.connect(self._on_link_number_text_changed)
        self.outage.highlight_changed.connect(self._on_outage_highlight_changed)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.link_button.clicked.connect(self._on_link_button_clicked)
        self.new_incident_button.clicked.connect(self._on_new_incident_button_clicked)
        self.retry_button.clicked.connect(self._on_retry_button_clicked)
        self.take_back_button.clicked.connect(self._on_take_back_button_clicked)
        self.saver.saved.connect(self._on_saver_saved)
        self.saver.incident_opened.connect(self._on_saver_incident_opened)
        self.saver.kept.connect(self._on_saver_kept)
        self.saver.failed.connect(self._on_saver_failed)
        self.saver.pending_changed.connect(self._on_saver_pending_changed)
        controller.services_loaded.connect(self._on_controller_services_loaded)
        controller.majors_loaded.connect(self._on_controller_majors_loaded)
        self.service.set_services(controller.services)
        self.outage.set_majors(controller.majors)
        self._refresh_matches()
        self.resize(620, 560)

    # -- building ----------------------------------------------------------------------------

    def _build(self) -> None:
        ctx = self._controller
        self.caller = CallerLookup(ctx.runner, ctx.reads, self._clock, self)
        self.service = ServiceField(self)
        self.symptom = QLineEdit(self)
        self.symptom.setAccessibleName("Symptom")
        self.symptom.setPlaceholderText("What they see, in their words")
        self.callback_wanted = QCheckBox("Call&back wanted", self)
        self.callback_number = QLineEdit(self)
        self.callback_number.setAccessibleName("Callback number")
        self.callback_number.setPlaceholderText("Number to call back on")
        self.callback_number.setEnabled(False)
        callback_row = QHBoxLayout()
        callback_row.addWidget(self.callback_wanted)
        callback_row.addWidget(self.callback_number, 1)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        for text, field in (
            ("&Caller", self.caller),
            ("&Service", self.service),
            ("S&ymptom", self.symptom),
        ):
            label = QLabel(text, self)
            label.setBuddy(field.focusProxy() or field)
            form.addRow(label, field)
        form.addRow("", callback_row)

        self.outage = MatchesPanel(self._clock, self)
        self.matches = self.outage.view  # "Matching incidents"
        self.matches_model = self.outage.model
        self.tell_caller = self.outage.tell_caller
        self.link_number = QLineEdit(self)
        self.link_number.setAccessibleName("Link to incident number")
        self.link_number.setPlaceholderText("INC number")
        self.link_number.setMaximumWidth(200)
        link_row = QHBoxLayout()
        link_label = QLabel("Or link &to", self)
        link_label.setBuddy(self.link_number)
        link_row.addWidget(link_label)
        link_row.addWidget(self.link_number)
        link_row.addStretch(1)

        self.save_button = QPushButton("Save  (Enter)", self)
        self.save_button.setObjectName("primary")
        self.link_button = QPushButton("Save and link  (Ctrl+Enter)", self)
        self.new_incident_button = QPushButton("New incident…  (Alt+N)", self)
        for button in (self.save_button, self.link_button, self.new_incident_button):
            button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.link_button)
        buttons.addStretch(1)
        buttons.addWidget(self.new_incident_button)

        self.problem_box = ProblemBox(self)
        self.problem = self.problem_box.text
        self.retry_button = self.problem_box.retry_button
        self.take_back_button = self.problem_box.take_back_button
        self.status = QLabel(self)
        self.status.setObjectName("status")
        self.status.setAccessibleName("Last saved call")
        self.status.setWordWrap(True)
        self.status.setText(IDLE_HINT)

        heading = QLabel("Log a call", self)
        heading.setObjectName("heading")
        shortcut_hint = QLabel("Ctrl+L from anywhere in the console", self)
        shortcut_hint.setObjectName("hint")
        heading_row = QHBoxLayout()
        heading_row.addWidget(heading)
        heading_row.addStretch(1)
        heading_row.addWidget(shortcut_hint)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(8)
        layout.addLayout(heading_row)
        layout.addWidget(self.problem_box)
        layout.addLayout(form)
        layout.addSpacing(4)
        layout.addWidget(self.outage)
        layout.addLayout(link_row)
        layout.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        order = (self.caller.edit, self.service, self.symptom, self.callback_wanted,
                 self.callback_number, self.matches, self.link_number)  # fmt: skip
        for before, after in pairwise(order):
            self.setTabOrder(before, after)

    def _bind_keys(self) -> None:
        def bind(keys: str, slot: object) -> QShortcut:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
            return shortcut

        for keys in ("Return", "Enter"):
            bind(keys, self._on_return)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            bind(keys, self._on_ctrl_return)
        for n in range(1, MATCH_KEYS + 1):
            bind(f"Alt+{n}", lambda n=n: self.save_linked_to_match(n - 1))
        bind("Alt+N", self.save_as_new_incident)
        bind("Escape", self._on_escape)

    # -- opening -----------------------------------------------------------------------------

    def open_form(self) -> None:
        """Show the form (as it was left) and put the cursor in the Caller field."""
        self._controller.reload_majors()
        self.show()
        self.raise_()
        self.activateWindow()
        self.caller.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.caller.edit.selectAll()

    @property
    def controller(self) -> CallsController:
        return self._controller

    def take_incoming(self, number: str) -> None:
        """A call is ringing from `number`: open the form and fill in who it is."""
        self.incoming.take(number)

    def show_hint(self, text: str) -> None:
        self._hint(text)

    def refresh_matches(self) -> None:
        self._refresh_matches()

    def is_blank(self) -> bool:
        return not (
            self.caller.text()
            or self.service.currentText().strip()
            or self.symptom.text().strip()
            or self.callback_number.text().strip()
            or self.link_number.text().strip()
        )

    # -- saving ------------------------------------------------------------------------------

    def save(self) -> bool:
        """Save the call as typed: unlinked, or linked to the typed incident number."""
        return self._submit(self._draft())

    def save_linked_to_match(self, row: int | None = None) -> bool:
        """Save the call linked to the highlighted match (or the one at `row`)."""
        if row is not None and not 0 <= row < self.matches_model.rowCount():
            self._hint(f"There is no match {row + 1} to link to.")
            return False
        found = self.outage.highlighted() if row is None else self.matches_model.match_at(row)
        if found is None:
            self._hint("No matching incident to link to; Enter saves the call unlinked.")
            return False
        draft = self._draft(link=found.major.id)
        if draft is not None:
            self.status.setText(f"Saving, linked to {found.major.number}…")
        return self._submit(draft)

    def save_as_new_incident(self) -> bool:
        """Save the call and open a new incident prefilled from it."""
        return self._submit(self._draft(), new_incident=True)

    def _draft(self, link: int | None = None) -> CallDraft | None:
        if self.is_blank():
            self._hint("Type who called, or what they see, then press Enter.")
            return None
        if self.service.is_unknown():
            self._hint(f"There is no service called “{self.service.currentText().strip()}”.")
            self.service.setFocus(Qt.FocusReason.OtherFocusReason)
            return None
        picked, text = self.caller.picked(), self.caller.text()
        if self.callback_wanted.isChecked() and not self.callback_number.text().strip():
            self._hint("Note the number to call back on, or untick Callback wanted.")
            self.callback_number.setFocus(Qt.FocusReason.OtherFocusReason)
            return None
        service = self.service.service()
        return CallDraft(
            client_uuid=self._uuid,
            caller_name=text,
            contact_id=picked.id if picked else None,
            add_contact=picked is None and looks_like_a_name(text),
            service_id=service.id if service else None,
            symptom=self.symptom.text().strip(),
            callback_wanted=self.callback_wanted.isChecked(),
            callback_number=self.callback_number.text().strip(),
            incident_id=link,
            incident_number="" if link is not None else self.link_number.text().strip(),
        )

    def _submit(self, draft: CallDraft | None, *, new_incident: bool = False) -> bool:
        if draft is None:
            return False
        if new_incident:
            draft = replace(draft, incident_id=None, incident_number="")
        pending = PendingCall(
            draft, self.caller.picked(), self.service.currentText(), new_incident=new_incident
        )
        try:
            self.saver.submit(pending)  # durable on this computer when it returns
        except CalmdeskError as exc:
            self._hint(f"Not saved: {exc}")  # what was typed stays in the form
            return False
        self.clear_for_next_call()
        return True

    def clear_for_next_call(self) -> None:
        """Empty the form, with a fresh save key, and put the cursor back in Caller."""
        self._uuid = new_client_uuid()
        self.caller.clear()
        self.service.reset()
        self.symptom.clear()
        self.callback_wanted.setChecked(False)
        self.callback_number.clear()
        self.link_number.clear()
        self._refresh_matches()
        self.caller.edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def _restore(self, call: PendingCall) -> None:
        draft = call.draft
        self._uuid = draft.client_uuid  # the same key: if it did get saved, it is not saved twice
        if call.caller is not None:
            self.caller.set_caller(call.caller)
        else:
            self.caller.clear()
            self.caller.edit.setText(draft.caller_name)
        self.service.setEditText(call.service_text)
        self.symptom.setText(draft.symptom)
        self.callback_wanted.setChecked(draft.callback_wanted)
        self.callback_number.setText(draft.callback_number)
        self.link_number.setText(draft.incident_number)
        self._refresh_matches()
        self.caller.edit.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- matching ----------------------------------------------------------------------------

    def _refresh_matches(self) -> None:
        service = self.service.service()
        self.outage.update_matches(
            service.id if service else None,
            service.name if service else self.service.currentText(),
            self.symptom.text(),
        )

    # -- slots -------------------------------------------------------------------------------

    def _on_return(self) -> None:
        focus = self.focusWidget()
        if focus is self.caller.edit:
            self.caller.settle(self._on_return_in_caller)
        elif isinstance(focus, QPushButton):
            focus.click()  # Enter on a button presses that button
        elif focus is self.matches:
            self.save_linked_to_match()  # Enter on a match means "this one"
        else:
            self.save()

    def _on_return_in_caller(self) -> None:
        """Enter in Caller, once the matching contacts are listed (CallerLookup.enter)."""
        done = self.caller.enter()
        if done == PICKED:
            self.service.setFocus(Qt.FocusReason.TabFocusReason)
        elif done == OFFERED:
            self.status.setText(OFFERED_HINT.format(typed=self.caller.text()))
        else:
            self.save()

    def _on_ctrl_return(self) -> None:
        self.save_linked_to_match()

    def _on_escape(self) -> None:
        if self.caller.suggestions.isVisible():
            self.caller.suggestions.hide()
            return
        self.hide()  # what was typed stays for when the form opens again

    def _on_caller_picked_changed(self, card: CallerCard | None) -> None:
        wants = self.callback_wanted.isChecked()
        if card is not None and wants and not self.callback_number.text().strip():
            self.callback_number.setText(card.phone)

    def _on_service_edit_text_changed(self, _text: str) -> None:
        self._refresh_matches()

    def _on_symptom_text_changed(self, _text: str) -> None:
        self._refresh_matches()

    def _on_callback_wanted_toggled(self, checked: bool) -> None:
        self.callback_number.setEnabled(checked)
        picked = self.caller.picked()
        if checked and picked is not None and not self.callback_number.text().strip():
            self.callback_number.setText(picked.phone)

    def _on_link_number_text_changed(self, text: str) -> None:
        number = text.strip().upper()
        self.save_button.setText(
            f"Save and link to {number}  (Enter)" if number else "Save  (Enter)"
        )

    def _on_outage_highlight_changed(self, found: OutageMatch | None) -> None:
        self.link_button.setEnabled(found is not None)
        number = f" to {found.major.number}" if found else ""
        self.link_button.setText(f"Save and link{number}  (Ctrl+Enter)")

    def _on_save_button_clicked(self) -> None:
        self.save()

    def _on_link_button_clicked(self) -> None:
        self.save_linked_to_match()

    def _on_new_incident_button_clicked(self) -> None:
        self.save_as_new_incident()

    def _on_retry_button_clicked(self) -> None:
        count = self.saver.retry_all()
        self.problem_box.hide()
        self.status.setText(f"Trying {count} call{'s' if count != 1 else ''} again…")

    def _on_take_back_button_clicked(self) -> None:
        if not self.is_blank():
            self._hint("Save or clear the call in the form first, then take the failed one back.")
            return
        call = self.saver.take_back()
        if call is not None:
            self._restore(call)
        self._show_failures()

    def _on_controller_services_loaded(self, services: list[NamedRef]) -> None:
        self.service.set_services(services)
        self._refresh_matches()

    def _on_controller_majors_loaded(self, majors: list[ActiveMajor]) -> None:
        self.outage.set_majors(majors)
        self._refresh_matches()

    def _on_saver_saved(self, logged: LoggedCall) -> None:
        self.logged_this_session += logged.created
        call = logged.call
        where = (
            f" → {call.incident_number} (now {logged.incident_calls} calls)"
            if call.incident_number
            else " · not linked"
        )
        service = f" · {call.service}" if call.service else ""
        caller = call.caller or "Unnamed caller"
        self.status.setText(
            f"✓ Saved {local_time(call.at, self._clock.now())} · {caller}{service}{where}"
            f"  ·  {self.logged_this_session} this session"
        )
        self._controller.wrote()
        self.call_saved.emit(logged)

    def _on_saver_incident_opened(self, logged: LoggedCall, incident: IncidentDetail) -> None:
        self._on_saver_saved(logged)
        self.status.setText(f"✓ Opened {incident.number} from the call: {incident.title}")
        self.incident_opened.emit(incident.id)

    def _on_saver_kept(self, call: PendingCall, status: OutboxStatus) -> None:
        self.logged_this_session += 1
        incident = (
            " No incident yet: open one from the call list (Ctrl+Shift+L) when it is back."
            if call.incident_deferred
            else ""
        )
        self.status.setText(
            f"✓ {kept_message(f'The call from {call.who}', status)}{incident}"
            f"  ·  {self.logged_this_session} this session"
        )

    def _on_saver_failed(self, call: PendingCall, reason: str) -> None:
        self._show_failures()
        self.save_failed.emit(f"The call from {call.who} was not saved: {reason}")

    def _on_saver_pending_changed(self, count: int) -> None:
        if count:
            self.status.setText(f"Saving {count} call{'s' if count != 1 else ''}…")

    def _show_failures(self) -> None:
        failures = self.saver.failures
        if not failures:
            self.problem_box.hide()
            return
        call, reason = failures[-1]
        more = f" ({len(failures)} calls in all)" if len(failures) > 1 else ""
        self.problem.setText(f"Not saved: the call from {call.who}{more}. {reason}")
        self.problem_box.show()

    def _hint(self, text: str) -> None:
        self.status.setText(text)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Up and Down in the Symptom field move through the matches, so the hands stay put.
        if watched is self.symptom and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.matches.isVisible():
                self.matches.step(1 if event.key() == Qt.Key.Key_Down else -1)
                return True
        return super().eventFilter(watched, event)
