"""The incident's fields, each with its label, mnemonic and a place for its own error message.

The form only holds and shows values; the editor decides when to load, save or move them.
Priority is shown live from the organisation's matrix, never typed and never computed here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.domain.priority import Impact, Priority, PriorityMatrix, Urgency
from app.services.context import Actor
from app.services.directory.reads import Directory
from app.services.incidents.dto import AgentInfo, NamedRef
from app.services.incidents.fields import CHANNELS
from ui import theme
from ui.editor.caller_field import CallerField
from ui.editor.form_values import FormValues
from ui.editor.id_combo import IdCombo
from ui.editor.presentation import CHANNEL_LABELS, error_colour
from ui.task_runner import TaskRunner


class IncidentForm(QWidget):
    edited = Signal()  # the person started changing the values last shown (once per load)

    def __init__(
        self,
        runner: TaskRunner,
        directory: Directory,
        actor: Actor,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._actor = actor
        self._loading = False
        self._edit_reported = False
        self._matrix: PriorityMatrix | None = None
        self._agent_teams: dict[int, int | None] = {}
        self._errors: dict[str, QLabel] = {}
        self._fields: dict[str, QWidget] = {}
        self._boxes: dict[str, QVBoxLayout] = {}
        layout = QFormLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self._layout = layout

        self.title = QLineEdit()
        self.title.setPlaceholderText("What is broken, for whom")
        self._row("&Title", "title", self.title, "Title")
        self.description = _text_box("What the caller sees, since when, what was tried", 64)
        self._row("&Description", "description", self.description, "Description")
        self.service = IdCombo("No service", "Service")
        self._row("Se&rvice", "service_id", self.service)
        self.caller = CallerField(runner, directory)
        self._row("C&aller", "caller_id", self.caller)
        self.channel = QComboBox()
        for channel in CHANNELS:
            self.channel.addItem(CHANNEL_LABELS.get(channel, channel), channel)
        self._row("C&hannel", "channel", self.channel, "Channel")
        self.impact = _level_combo(Impact, "How many people or how much of the business is hit")
        self._row("Im&pact", "impact", self.impact, "Impact")
        self.urgency = _level_combo(Urgency, "How fast it hurts: can the work wait?")
        self._row("&Urgency", "urgency", self.urgency, "Urgency")
        self.priority = QLabel()
        self.priority.setAccessibleName("Priority")
        self.priority.setToolTip("Derived from impact and urgency by the priority matrix")
        self.priority.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        priority_hint = QLabel("from impact and urgency")
        priority_hint.setEnabled(False)  # drawn in the palette's quieter colour
        priority_box = QHBoxLayout()
        priority_box.addWidget(self.priority)
        priority_box.addWidget(priority_hint)
        priority_box.addStretch(1)
        self._row("Priority", "priority", self.priority, extra=priority_box)
        self.assignee = IdCombo("Unassigned", "Assignee")
        self.assign_to_me = QPushButton("Assign to m&e")
        self.assign_to_me.setAccessibleName("Assign to me")
        self.assign_to_me.setToolTip(f"Assign to {actor.name}")
        assignee_box = QHBoxLayout()
        assignee_box.addWidget(self.assignee, 1)
        assignee_box.addWidget(self.assign_to_me)
        self._row("Assi&gnee", "assignee_id", self.assignee, extra=assignee_box)
        self.team = IdCombo("No team", "Team")
        self._row("Tea&m", "team_id", self.team)
        self.resolution = _text_box("What fixed it, in a sentence (needed to resolve)", 44)
        self._row("Res&olution", "resolution", self.resolution, "Resolution")

        self.title.textChanged.connect(lambda: self._on_field_changed("title"))
        self.description.textChanged.connect(lambda: self._on_field_changed("description"))
        self.service.currentIndexChanged.connect(lambda: self._on_field_changed("service_id"))
        self.caller.textChanged.connect(lambda: self._on_field_changed("caller_id"))
        self.channel.currentIndexChanged.connect(lambda: self._on_field_changed("channel"))
        self.impact.currentIndexChanged.connect(self._on_impact_changed)
        self.urgency.currentIndexChanged.connect(self._on_urgency_changed)
        self.assignee.currentIndexChanged.connect(lambda: self._on_field_changed("assignee_id"))
        self.assignee.activated.connect(self._on_assignee_activated)
        self.assign_to_me.clicked.connect(self._on_assign_to_me_clicked)
        self.team.currentIndexChanged.connect(lambda: self._on_field_changed("team_id"))
        self.resolution.textChanged.connect(lambda: self._on_field_changed("resolution"))
        self._refresh_priority()

    # -- values -------------------------------------------------------------------------------

    def values(self) -> FormValues:
        return FormValues(
            title=self.title.text(),
            description=self.description.toPlainText(),
            service_id=self.service.current_id(),
            caller_id=self.caller.caller_id(),
            caller_text=self.caller.text(),
            channel=str(self.channel.currentData()),
            impact=int(self.impact.currentData()),
            urgency=int(self.urgency.currentData()),
            assignee_id=self.assignee.current_id(),
            team_id=self.team.current_id(),
            resolution=self.resolution.toPlainText(),
        )

    def set_values(self, values: FormValues, names: Mapping[str, str] | None = None) -> None:
        """Show `values`; `names` label ids the pickers have not listed yet (service, ...)."""
        names = names or {}
        self._loading = True
        try:
            _set_text(self.title, values.title)
            _set_plain(self.description, values.description)
            self.service.set_current(values.service_id, names.get("service", ""))
            if (self.caller.caller_id(), self.caller.text()) != (
                values.caller_id,
                values.caller_text,
            ):
                self.caller.set_caller(values.caller_id, values.caller_text)
            self.channel.setCurrentIndex(max(0, self.channel.findData(values.channel)))
            self.impact.setCurrentIndex(self.impact.findData(values.impact))
            self.urgency.setCurrentIndex(self.urgency.findData(values.urgency))
            self.assignee.set_current(values.assignee_id, names.get("assignee", ""))
            self.team.set_current(values.team_id, names.get("team", ""))
            _set_plain(self.resolution, values.resolution)
        finally:
            self._loading = False
        self._edit_reported = False
        self._refresh_priority()

    def set_choices(
        self, services: Iterable[NamedRef], agents: Iterable[AgentInfo], teams: Iterable[NamedRef]
    ) -> None:
        self._loading = True
        try:
            agents = list(agents)
            self._agent_teams = {a.id: a.team_id for a in agents}
            self.service.set_choices((s.id, s.name) for s in services)
            self.assignee.set_choices((a.id, a.name) for a in agents)
            self.team.set_choices((t.id, t.name) for t in teams)
        finally:
            self._loading = False

    def set_matrix(self, matrix: PriorityMatrix | None) -> None:
        self._matrix = matrix
        self._refresh_priority()

    def shown_priority(self) -> Priority | None:
        if self._matrix is None:
            return None
        return self._matrix.priority(self.impact.currentData(), self.urgency.currentData())

    # -- errors -------------------------------------------------------------------------------

    def show_error(self, field: str, message: str) -> bool:
        """Show `message` under `field`; False when the form has no such field."""
        label = self._errors.get(field)
        if label is None:
            return False
        label.setText(message)
        label.show()
        self._fields[field].setAccessibleDescription(message)
        return True

    def error_text(self, field: str) -> str:
        label = self._errors.get(field)
        return label.text() if label is not None and not label.isHidden() else ""

    def clear_errors(self) -> None:
        for field in self._errors:
            self._clear_error(field)

    def set_row_visible(self, field: str, visible: bool) -> None:
        self._layout.setRowVisible(self._boxes[field], visible)

    def field_widget(self, field: str) -> QWidget | None:
        return self._fields.get(field)

    # -- building and reacting ----------------------------------------------------------------

    def _row(
        self,
        text: str,
        field: str,
        widget: QWidget,
        accessible_name: str | None = None,
        extra: QHBoxLayout | None = None,
    ) -> None:
        if accessible_name:
            widget.setAccessibleName(accessible_name)
        label = QLabel(text)
        label.setBuddy(widget)
        box = QVBoxLayout()
        box.setSpacing(2)
        if extra is not None:
            box.addLayout(extra)
        else:
            box.addWidget(widget)
        error = QLabel()
        error.setObjectName(f"error_{field}")
        error.setWordWrap(True)
        error.setAccessibleName(f"{accessible_name or widget.accessibleName()} error")
        error.setStyleSheet(f"color: {error_colour()};")
        error.hide()
        box.addWidget(error)
        self._layout.addRow(label, box)
        self._boxes[field] = box
        self._errors[field] = error
        self._fields[field] = widget

    def _clear_error(self, field: str) -> None:
        self._errors[field].clear()
        self._errors[field].hide()
        self._fields[field].setAccessibleDescription("")

    def _on_field_changed(self, field: str) -> None:
        if self._loading:
            return
        self._clear_error(field)
        if not self._edit_reported:  # once is enough to know; not a signal per keystroke
            self._edit_reported = True
            self.edited.emit()

    def _on_impact_changed(self) -> None:
        self._refresh_priority()
        self._on_field_changed("impact")

    def _on_urgency_changed(self) -> None:
        self._refresh_priority()
        self._on_field_changed("urgency")

    def _on_assignee_activated(self) -> None:
        # Like the service: an assignee brings their team, unless the person picks another.
        team_id = self._agent_teams.get(self.assignee.current_id() or -1)
        if team_id is not None:
            self.team.set_current(team_id)

    def _on_assign_to_me_clicked(self) -> None:
        self.assignee.set_current(self._actor.agent_id, self._actor.name)
        self._on_assignee_activated()

    def _refresh_priority(self) -> None:
        priority = self.shown_priority()
        if priority is None:
            self.priority.setText("…")
            self.priority.setStyleSheet("")
            self.priority.setAccessibleDescription("Loading the priority matrix")
            return
        background = theme.PRIORITY_COLOURS[priority].name()
        foreground = theme.PRIORITY_TEXT[priority].name()
        self.priority.setText(f" {priority.label} ")
        self.priority.setStyleSheet(
            f"background: {background}; color: {foreground}; border-radius: 4px;"
            "padding: 2px 6px; font-weight: bold;"
        )
        # Said when a screen reader lands on impact or urgency, so the effect is heard at once.
        for combo in (self.priority, self.impact, self.urgency):
            combo.setAccessibleDescription(f"Priority {priority.label}")


def _level_combo(levels: type[Impact] | type[Urgency], tooltip: str) -> QComboBox:
    combo = QComboBox()
    combo.setToolTip(tooltip)
    for level in levels:
        combo.addItem(level.label, level.value)
    combo.setCurrentIndex(combo.findData(2))  # Medium, as IncidentDraft defaults
    return combo


def _text_box(placeholder: str, height: int) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)  # Tab moves on, as in every other field
    box.setMinimumHeight(height)
    box.setMaximumHeight(height * 3 // 2)
    return box


def _set_text(edit: QLineEdit, text: str) -> None:
    if edit.text() != text:
        edit.setText(text)


def _set_plain(edit: QPlainTextEdit, text: str) -> None:
    if edit.toPlainText() != text:
        edit.setPlainText(text)
