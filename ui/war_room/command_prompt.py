"""The commander's handover prompt, and the handover itself.

The commander sees a strip under the header after an hour in command ("consider handing over";
"Not now" quiets it until the next hour) and, at three hours, a firm one that stays. "Hand over
command…" names the incoming commander and a short brief; one action records both, and the
brief, on the timeline."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from app.domain.command_handover import BRIEF_MAX, PromptLevel, command_prompt
from app.services.incidents.dto import AgentInfo, IncidentDetail
from app.services.war_room.command_handover import CommandHandover
from ui.console_context import ConsoleContext
from ui.dialogs.pickers import SearchableCombo, agent_choices


class CommandPromptStrip(QFrame):
    handover_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("commandPrompt")
        self.setAccessibleName("Commander handover prompt")
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.hand_over_button = QPushButton("&Hand over command…", self)
        self.not_now_button = QPushButton("Not &now", self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.hand_over_button)
        layout.addWidget(self.not_now_button)
        self.hand_over_button.clicked.connect(self.handover_requested)
        self.not_now_button.clicked.connect(self._on_not_now_button_clicked)
        self.level = PromptLevel.NONE
        self._hours = 0
        self._dismissed_hour = 0
        self.hide()

    def show_prompt(self, incident: IncidentDetail | None, me: int, now: datetime) -> None:
        """Evaluated on every tick: cheap (one rule, no database)."""
        since = incident.commander_since if incident is not None else None
        if (
            incident is None
            or since is None
            or incident.commander_id != me
            or not incident.status.is_open
        ):
            self.level = PromptLevel.NONE
            self.hide()
            return
        prompt = command_prompt(since, now, self._dismissed_hour)
        self.level, self._hours = prompt.level, prompt.hours
        if prompt.level == PromptLevel.NONE:
            self.hide()
            return
        firm = prompt.level == PromptLevel.FIRM
        self.label.setText(prompt.text)
        self.setAccessibleDescription(prompt.text)
        self.not_now_button.setVisible(not firm)
        colour = "#c62828" if firm else "#b26a00"
        self.setStyleSheet(
            f"#commandPrompt {{ border: 2px solid {colour}; }}"
            f"#commandPrompt QLabel {{ color: {colour}; font-weight: bold; }}"
        )
        self.show()

    def _on_not_now_button_clicked(self) -> None:
        self._dismissed_hour = self._hours
        self.level = PromptLevel.NONE
        self.hide()


class CommandHandoverDialog(QDialog):
    def __init__(
        self, incident: IncidentDetail, agents: Sequence[AgentInfo], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Hand over command of {incident.number}")
        self.setAccessibleName("Hand over command")
        self.incoming = SearchableCombo("Incoming commander", self)
        others = [a for a in agents if a.id != incident.commander_id]
        self.incoming.set_choices(agent_choices(others, none_label="Choose…"))
        self.brief = QPlainTextEdit(self)
        self.brief.setAccessibleName("Brief for the incoming commander")
        self.brief.setPlaceholderText(
            "Where things stand, what is next, what to watch (a few lines)."
        )
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Hand over")
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(
            QLabel(f"<b>{incident.number}</b> · commander now: {incident.commander or 'nobody'}")
        )
        form.addRow("&Incoming commander", self.incoming)
        form.addRow("&Brief", self.brief)
        form.addRow(self.error)
        form.addRow(self.buttons)

    def _on_buttons_accepted(self) -> None:
        if self.incoming.current_id() is None:
            self.error.setText("Choose who takes command.")
            return
        brief = self.brief.toPlainText().strip()
        if not brief or len(brief) > BRIEF_MAX:
            self.error.setText(f"Write a short brief (up to {BRIEF_MAX} characters).")
            return
        self.accept()


class CommandHandovers(QObject):
    """Opens the handover dialog for a war room and hands over through the task runner."""

    finished = Signal(str)  # a message for the status bar

    def __init__(self, context: ConsoleContext, parent: QWidget) -> None:
        super().__init__(parent)
        self._ctx = context
        self._parent = parent
        self.dialog: CommandHandoverDialog | None = None

    def open(self, incident: IncidentDetail) -> None:
        directory = self._ctx.directory
        self._ctx.runner.submit(
            directory.agents,
            lambda agents: self._show(incident, agents),
            lambda exc: self.finished.emit(str(exc)),
        )

    def _show(self, incident: IncidentDetail, agents: list[AgentInfo]) -> None:
        dialog = CommandHandoverDialog(incident, agents, self._parent)
        dialog.accepted.connect(lambda: self._hand_over(incident, dialog))
        self.dialog = dialog
        dialog.open()

    def _hand_over(self, incident: IncidentDetail, dialog: CommandHandoverDialog) -> None:
        incoming = dialog.incoming.current_id()
        brief = dialog.brief.toPlainText()
        if incoming is None:
            return
        services = self._ctx.services
        self._ctx.runner.submit(
            lambda: CommandHandover(services).hand_over(
                incident.id, incident.version, incoming, brief
            ),
            lambda after: self.finished.emit(f"Command handed over to {after.commander}."),
            lambda exc: self.finished.emit(str(exc)),
        )
