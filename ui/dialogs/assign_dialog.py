"""Assign one or many incidents to an agent (and with them, the agent's team)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget

from app.services.incidents.dto import AgentInfo, NamedRef
from ui.dialogs.pickers import SearchableCombo, agent_choices, named_choices


class AssignDialog(QDialog):
    def __init__(
        self,
        agents: Sequence[AgentInfo],
        teams: Sequence[NamedRef],
        count: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Assign incidents" if count > 1 else "Assign incident")
        self.setAccessibleName("Assign")
        self.agent = SearchableCombo("Assignee", self)
        self.agent.set_choices(agent_choices(agents, none_label="Unassigned"))
        self.team = SearchableCombo("Team", self)
        self.team.set_choices(named_choices(teams, none_label="The assignee's team"))
        form = QFormLayout(self)
        what = f"{count} selected incidents" if count > 1 else "the selected incident"
        form.addRow(QLabel(f"Assign {what} to:"))
        form.addRow("&Agent", self.agent)
        form.addRow("&Team", self.team)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.agent.setFocus()
