"""Declare a major incident: who commands, who communicates, what is down, which runbook."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListView,
    QWidget,
)

from app.domain.runbook import Runbook
from app.domain.services_state import ServiceState
from app.services.incidents.commands import AffectedService
from app.services.incidents.dto import AgentInfo, IncidentDetail, NamedRef
from ui.dialogs.pickers import SearchableCombo, agent_choices
from ui.roles import Roles

OUTAGE_STATES = (ServiceState.MAJOR_OUTAGE, ServiceState.PARTIAL_OUTAGE, ServiceState.DEGRADED)


class DeclareMajorDialog(QDialog):
    def __init__(
        self,
        incident: IncidentDetail,
        agents: Sequence[AgentInfo],
        services: Sequence[NamedRef],
        runbooks: Sequence[Runbook],
        me: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Declare {incident.number} a major incident")
        self.setAccessibleName("Declare major incident")
        self.commander = SearchableCombo("Commander", self)
        self.commander.set_choices(agent_choices(agents, none_label=None), selected=me)
        self.comms_lead = SearchableCombo("Comms lead", self)
        self.comms_lead.set_choices(agent_choices(agents, none_label="Nobody yet"))
        self.services_model = QStandardItemModel(self)
        for service in services:
            item = QStandardItem(service.name)
            item.setData(service.id, Roles.ID)
            item.setCheckable(True)
            item.setEditable(False)
            checked = service.id == incident.service_id
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.services_model.appendRow(item)
        self.services = QListView(self)
        self.services.setModel(self.services_model)
        self.services.setAccessibleName("Affected services")
        self.services.setMaximumHeight(160)
        self.state = QComboBox(self)
        self.state.setAccessibleName("New state of the affected services")
        for state in OUTAGE_STATES:
            self.state.addItem(state.label, state.value)
        self.runbook = QComboBox(self)
        self.runbook.setAccessibleName("Runbook")
        for book in runbooks:
            self.runbook.addItem(f"{book.title} ({len(book.items)} steps)", book.key)
        self._runbooks = {book.key: book for book in runbooks}
        # A drill's incident offers the runbook being rehearsed; otherwise the general one.
        preferred = incident.runbook_key if incident.runbook_key in self._runbooks else None
        default = preferred or next((b.key for b in runbooks if b.key == "major-incident"), None)
        if default is not None:
            self.runbook.setCurrentIndex(self.runbook.findData(default))
        form = QFormLayout(self)
        form.addRow(QLabel(f"<b>{incident.number}</b> · {incident.title}"))
        form.addRow("&Commander", self.commander)
        form.addRow("Co&mms lead", self.comms_lead)
        form.addRow("Affected &services", self.services)
        form.addRow("Their s&tate", self.state)
        form.addRow("&Runbook", self.runbook)
        form.addRow(QLabel("Declaring starts the status-update countdown."))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Declare major")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def affected(self) -> list[AffectedService]:
        state = ServiceState(self.state.currentData())
        chosen = []
        for row in range(self.services_model.rowCount()):
            item = self.services_model.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                chosen.append(AffectedService(int(item.data(Roles.ID)), state))
        return chosen

    def chosen_runbook(self) -> Runbook | None:
        return self._runbooks.get(self.runbook.currentData())
