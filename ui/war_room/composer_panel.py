"""The status update composer: the template, the audience, a live preview, Post, and the
delivery buttons for the update just posted (or the one chosen in the history).

What the comms lead types is never overwritten by a refresh: the composer refills itself only
when it is untouched, after a post, or when asked to start again from the last update.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from PySide6.QtCore import QDateTime, Qt, Signal, SignalInstance
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from app.domain.clock import Clock
from app.domain.status_update import Audience, UpdateBody, UpdateHeading, render_text
from app.services.war_room.dto import StatusUpdateRow, UpdateDraft, WarRoomSnapshot
from app.services.war_room.status_updates import compose_defaults
from ui.war_room.panel import Panel
from ui.war_room.style import set_property

WEBHOOK_WAITS = (
    "This update is saved on this computer: Copy and E-mail work now; the webhooks can send it "
    "once it has reached the database."
)
FIELDS = (
    ("what_happened", "What &happened"),
    ("current_impact", "Current &impact"),
    ("actions", "What we are &doing"),
    ("workaround", "Wor&karound"),
)


def to_qt(moment: datetime) -> QDateTime:
    return QDateTime.fromSecsSinceEpoch(int(moment.timestamp()))


def from_qt(value: QDateTime) -> datetime:
    return datetime.fromtimestamp(value.toSecsSinceEpoch(), UTC)


class TemplateField(QPlainTextEdit):
    """A short paragraph: two lines high; Tab moves on instead of typing a tab."""

    def __init__(self, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(accessible_name)
        self.setTabChangesFocus(True)
        lines = self.fontMetrics().lineSpacing() * 2
        self.setFixedHeight(lines + 12)


class ComposerPanel(Panel):
    post_requested = Signal(object)  # UpdateDraft
    copy_requested = Signal(int)  # update id
    mail_requested = Signal(int)
    webhook_requested = Signal(int)
    retry_requested = Signal(int)

    def __init__(self, clock: Clock, parent: QWidget | None = None) -> None:
        super().__init__("Status update composer", "Status update composer", parent)
        self._clock = clock
        self.snapshot: WarRoomSnapshot | None = None
        self.chosen: StatusUpdateRow | None = None  # what the delivery buttons send
        self.unsent: frozenset[int] = frozenset()  # updates kept on this computer, not yet sent
        self._dirty = False
        self._next_touched = False
        self._filling = False
        self._posting = False  # one post at a time: a double click never sends two updates
        self.audience = QComboBox()
        self.audience.setAccessibleName("Audience")
        for audience in Audience:
            self.audience.addItem(audience.label, audience.value)
        self.fields = {name: TemplateField(label.replace("&", "")) for name, label in FIELDS}
        self.eta = QDateTimeEdit()
        self.eta.setAccessibleName("ETA")
        self.eta.setDisplayFormat("ddd HH:mm")
        self.eta.setCalendarPopup(True)
        self.no_eta = QCheckBox("No ETA yet")
        self.no_eta.setAccessibleName("No ETA yet")
        self.next_update = QDateTimeEdit()
        self.next_update.setAccessibleName("Next update at")
        self.next_update.setDisplayFormat("ddd HH:mm")
        self.next_update.setCalendarPopup(True)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setAccessibleName("Preview")
        self.preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.preview.setMinimumHeight(90)
        self.post_button = QPushButton("&Post update")
        self.post_button.setAccessibleName("Post update")
        self.post_button.setToolTip("Record the update and restart the countdown (Ctrl+Enter)")
        self.post_button.setDefault(True)
        self.restart_button = QPushButton("&Start again")
        self.restart_button.setAccessibleName("Start again from the last update")
        self.sending = QLabel("")
        self.sending.setAccessibleName("Update to send")
        self.copy_button = QPushButton("Cop&y")
        self.copy_button.setAccessibleName("Copy the update")
        self.mail_button = QPushButton("E-&mail")
        self.mail_button.setAccessibleName("E-mail the update")
        self.webhook_button = QPushButton("Webh&ook")
        self.webhook_button.setAccessibleName("Send the update to the chat webhooks")
        self.retry_button = QPushButton("Retry")
        self.retry_button.setAccessibleName("Retry the failed deliveries")
        self.retry_button.hide()
        self.delivery = QLabel("")
        self.delivery.setAccessibleName("Delivery result")
        self.delivery.setWordWrap(True)
        self.delivery.setTextFormat(Qt.TextFormat.PlainText)
        self._build()
        self._connect()
        self.show_chosen(None)

    def _build(self) -> None:
        form = QFormLayout()
        form.setVerticalSpacing(4)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        audience_label = QLabel("&Audience")
        audience_label.setBuddy(self.audience)
        form.addRow(audience_label, self.audience)
        for name, label in FIELDS:
            caption = QLabel(label)
            caption.setBuddy(self.fields[name])
            form.addRow(caption, self.fields[name])
        times = QHBoxLayout()
        times.addWidget(self.eta)
        times.addWidget(self.no_eta)
        times.addSpacing(12)
        next_label = QLabel("Next update &by")
        next_label.setBuddy(self.next_update)
        times.addWidget(next_label)
        times.addWidget(self.next_update)
        times.addStretch(1)
        eta_label = QLabel("&ETA")
        eta_label.setBuddy(self.eta)
        form.addRow(eta_label, times)
        self.body.addLayout(form)
        self.body.addWidget(self.preview, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.post_button)
        actions.addWidget(self.restart_button)
        actions.addStretch(1)
        actions.addWidget(self.sending)
        for button in (self.copy_button, self.mail_button, self.webhook_button, self.retry_button):
            actions.addWidget(button)
        self.body.addLayout(actions)
        self.body.addWidget(self.delivery)
        self.set_focus_target(self.fields["what_happened"])

    def _connect(self) -> None:
        for field in self.fields.values():
            field.textChanged.connect(self._on_edited)
        self.audience.currentIndexChanged.connect(self._on_edited)
        self.eta.dateTimeChanged.connect(self._on_edited)
        self.no_eta.toggled.connect(self._on_no_eta_toggled)
        self.next_update.dateTimeChanged.connect(self._on_next_update_changed)
        self.post_button.clicked.connect(self.post)
        self.restart_button.clicked.connect(self._on_restart_clicked)
        self.copy_button.clicked.connect(lambda: self._emit_for_chosen(self.copy_requested))
        self.mail_button.clicked.connect(lambda: self._emit_for_chosen(self.mail_requested))
        self.webhook_button.clicked.connect(lambda: self._emit_for_chosen(self.webhook_requested))
        self.retry_button.clicked.connect(lambda: self._emit_for_chosen(self.retry_requested))

    # -- filling ------------------------------------------------------------------------------

    def show_snapshot(
        self, snapshot: WarRoomSnapshot, now: datetime, unsent: frozenset[int] = frozenset()
    ) -> None:
        first = self.snapshot is None
        self.snapshot = snapshot
        self.unsent = unsent
        if first or not self._dirty:
            self.fill(compose_defaults(snapshot, now))
        is_open = snapshot.incident.status.is_open
        # Resolved: nothing more to compose, but the updates can still be sent.
        for widget in (self.audience, *self.fields.values(), self.eta, self.no_eta):
            widget.setEnabled(is_open)
        self.next_update.setEnabled(is_open)
        self.restart_button.setEnabled(is_open)
        self.post_button.setEnabled(is_open)
        self.post_button.setToolTip(
            "Record the update and restart the countdown (Ctrl+Enter)"
            if is_open
            else "The incident is resolved: no more updates."
        )
        if self.chosen is None or all(u.id != self.chosen.id for u in snapshot.updates):
            self.show_chosen(snapshot.latest_update)
        self._update_preview()

    def fill(self, draft: UpdateDraft) -> None:
        self._filling = True
        try:
            self.audience.setCurrentIndex(self.audience.findData(draft.audience.value))
            for name, field in self.fields.items():
                field.setPlainText(getattr(draft.body, name))
            self.no_eta.setChecked(draft.body.eta is None)
            if draft.body.eta is not None:
                self.eta.setDateTime(to_qt(draft.body.eta))
            if draft.body.next_update_at is not None:
                self.next_update.setDateTime(to_qt(draft.body.next_update_at))
        finally:
            self._filling = False
        self._dirty = False
        self._next_touched = False
        self._update_preview()

    def tick(self, now: datetime) -> None:
        """Keep an untouched "next update by" on the cadence as the minutes pass."""
        if self.snapshot is None or self._next_touched:
            return
        due = compose_defaults(self.snapshot, now).body.next_update_at
        if due is not None and from_qt(self.next_update.dateTime()) != due:
            self._filling = True
            try:
                self.next_update.setDateTime(to_qt(due))
            finally:
                self._filling = False
            self._update_preview()

    def mark_posted(self) -> None:
        """The text went out: the next snapshot may refill the composer."""
        self._dirty = False
        self._next_touched = False

    def show_chosen(self, update: StatusUpdateRow | None) -> None:
        self.chosen = update
        has = update is not None
        unsent = update is not None and update.id in self.unsent
        for button in (self.copy_button, self.mail_button):
            button.setEnabled(has)
        # Chat delivery is recorded on the timeline, so it waits for the database.
        self.webhook_button.setEnabled(has and not unsent)
        self.webhook_button.setToolTip(WEBHOOK_WAITS if unsent else "")
        self.sending.setText(f"Send update {update.sequence}:" if update else "Nothing posted yet")
        self.retry_button.hide()
        self.show_delivery(WEBHOOK_WAITS if unsent else "", ok=True)

    def show_delivery(self, text: str, *, ok: bool, can_retry: bool = False) -> None:
        self.delivery.setText(text)
        self.delivery.setAccessibleDescription(text)
        set_property(self.delivery, "tone", "ok" if ok else "problem")
        self.retry_button.setVisible(can_retry)

    # -- reading ------------------------------------------------------------------------------

    def draft(self) -> UpdateDraft:
        body = UpdateBody(
            what_happened=self.fields["what_happened"].toPlainText(),
            current_impact=self.fields["current_impact"].toPlainText(),
            actions=self.fields["actions"].toPlainText(),
            workaround=self.fields["workaround"].toPlainText(),
            eta=None if self.no_eta.isChecked() else from_qt(self.eta.dateTime()),
            # Untouched, the next update follows the cadence from the moment of posting.
            next_update_at=from_qt(self.next_update.dateTime()) if self._next_touched else None,
        )
        return UpdateDraft(audience=Audience(self.audience.currentData()), body=body)

    def post(self) -> None:
        if self.post_button.isEnabled() and not self._posting:
            self._posting = True
            self.post_requested.emit(self.draft())

    def posting_finished(self) -> None:
        self._posting = False

    def focus_field(self, name: str) -> None:
        field = self.fields.get(name)
        if field is not None:
            field.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- slots --------------------------------------------------------------------------------

    def _on_edited(self) -> None:
        if not self._filling:
            self._dirty = True
        self._update_preview()

    def _on_next_update_changed(self) -> None:
        if not self._filling:
            self._next_touched = True
        self._on_edited()

    def _on_no_eta_toggled(self, checked: bool) -> None:
        self.eta.setEnabled(not checked)
        self._on_edited()

    def _on_restart_clicked(self) -> None:
        if self.snapshot is not None:
            self.fill(compose_defaults(self.snapshot, self._clock.now()))

    def _emit_for_chosen(self, signal: SignalInstance) -> None:
        if self.chosen is not None:
            signal.emit(self.chosen.id)

    def _update_preview(self) -> None:
        if self.snapshot is None:
            return
        draft = self.draft()
        body = draft.body
        if body.next_update_at is None:
            body = replace(body, next_update_at=from_qt(self.next_update.dateTime()))
        heading = UpdateHeading(
            number=self.snapshot.incident.number,
            title=self.snapshot.incident.title,
            audience=draft.audience,
            sequence=len(self.snapshot.updates) + 1,
            final=False,
            drill=self.snapshot.incident.drill_id is not None,
        )
        text = render_text(heading, body, self._clock.now())
        if self.preview.toPlainText() != text:
            self.preview.setPlainText(text)
