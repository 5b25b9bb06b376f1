"""What the queue's actions do: assign, declare major, link, change status, one or many at once.

Each action reads the selection, asks what it needs in a small dialog, confirms bulk changes, and
runs the service call on the task runner. Results arrive through the change feed like any other
change, so the queue has one way of staying current.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from app.domain.runbook import Runbook
from app.services.incidents.bulk import BulkCommands, BulkOutcome, BulkTarget
from app.services.incidents.dto import AgentInfo, IncidentDetail, IncidentRow, NamedRef
from app.services.war_room.runbooks import runbooks
from ui.console_context import ConsoleContext
from ui.queue.queue_model import QueueModel
from ui.queue.queue_view import QueueView


@dataclass(frozen=True)
class _DeclareChoices:
    incident: IncidentDetail
    agents: list[AgentInfo]
    services: list[NamedRef]
    runbooks: list[Runbook]


class QueueActions(QObject):
    changed = Signal()  # something was written: refresh from the change feed
    message = Signal(str)  # a result or an error, for the status bar
    major_declared = Signal(int)  # incident id

    def __init__(
        self, context: ConsoleContext, model: QueueModel, view: QueueView, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self._ctx = context
        self._model = model
        self._view = view
        self._window = parent
        self._bulk = BulkCommands(context.services)

    # -- selection helpers -----------------------------------------------------------------

    def selected_rows(self) -> list[IncidentRow]:
        rows = [self._model.row_for_id(i) for i in self._view.selected_incident_ids()]
        return [row for row in rows if row is not None]

    def _targets(self) -> list[BulkTarget]:
        return [BulkTarget(r.id, r.version, r.number) for r in self.selected_rows()]

    def _confirm_bulk(self, verb: str, count: int) -> bool:
        if count <= 1:
            return True
        answer = QMessageBox.question(
            self._window,
            "Change several incidents",
            f"{verb} {count} incidents?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _nothing_selected(self) -> bool:
        if not self._view.selected_incident_ids():
            self.message.emit("Select one or more incidents first.")
            return True
        return False

    def _run_bulk(self, fn: Callable[[], BulkOutcome]) -> None:
        def done(outcome: BulkOutcome) -> None:
            self.changed.emit()
            self.message.emit(outcome.summary)
            if outcome.failed:
                QMessageBox.information(
                    self._window, "Some incidents were not changed", outcome.summary
                )

        self._ctx.runner.submit(fn, done, self._on_error)

    def _on_error(self, exc: Exception) -> None:
        self.message.emit(str(exc))
        QMessageBox.warning(self._window, "Calmdesk", str(exc))

    # -- actions -----------------------------------------------------------------------------

    def assign_to_me(self) -> None:
        if self._nothing_selected():
            return
        targets = self._targets()
        if not self._confirm_bulk("Assign to you", len(targets)):
            return
        self._run_bulk(lambda: self._bulk.assign_to_me(targets))

    def assign(self) -> None:
        if self._nothing_selected():
            return
        targets = self._targets()
        directory = self._ctx.directory

        def ask(choices: tuple[list[AgentInfo], list[NamedRef]]) -> None:
            agents, teams = choices
            from ui.dialogs.assign_dialog import AssignDialog  # opened on first use

            dialog = AssignDialog(agents, teams, len(targets), self._window)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            agent, team = dialog.agent.current_id(), dialog.team.current_id()
            if self._confirm_bulk("Reassign", len(targets)):
                self._run_bulk(lambda: self._bulk.assign(targets, agent, team))

        self._ctx.runner.submit(
            lambda: (directory.agents(), directory.teams()), ask, self._on_error
        )

    def link_to_major(self) -> None:
        if self._nothing_selected():
            return
        targets = self._targets()
        majors = [
            self._model.row_for_id(i)
            for i in self._model.cached_ids()
            if (row := self._model.row_for_id(i)) is not None and row.major and row.status.is_open
        ]
        from ui.dialogs.link_major_dialog import LinkMajorDialog  # opened on first use

        dialog = LinkMajorDialog([m for m in majors if m is not None], len(targets), self._window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        parent_id = dialog.major.current_id()
        if parent_id is None:
            self.message.emit("Choose a major incident to link to.")
            return
        if self._confirm_bulk("Link", len(targets)):
            self._run_bulk(lambda: self._bulk.link(targets, parent_id))

    def change_status(self) -> None:
        if self._nothing_selected():
            return
        targets = self._targets()
        from ui.dialogs.bulk_status_dialog import BulkStatusDialog  # opened on first use

        dialog = BulkStatusDialog(len(targets), self._window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        status, reason, resolution = (
            dialog.chosen_status(),
            dialog.chosen_reason(),
            dialog.chosen_resolution(),
        )
        if self._confirm_bulk(f"Move to {status.label}", len(targets)):
            self._run_bulk(
                lambda: self._bulk.transition(
                    targets, status, hold_reason=reason, resolution=resolution
                )
            )

    def declare_major(self) -> None:
        incident_id = self._view.current_incident_id()
        if incident_id is None:
            self.message.emit("Select the incident to declare major first.")
            return
        ctx = self._ctx

        def gather() -> _DeclareChoices:
            return _DeclareChoices(
                ctx.reads.detail(incident_id),
                ctx.directory.agents(),
                ctx.directory.services(),
                runbooks(),
            )

        ctx.runner.submit(gather, self._ask_declare, self._on_error)

    def _ask_declare(self, choices: _DeclareChoices) -> None:
        incident, agents, services, books = (
            choices.incident,
            choices.agents,
            choices.services,
            choices.runbooks,
        )
        if incident.major:
            self.message.emit(f"{incident.number} is already a major incident.")
            return
        from ui.dialogs.declare_major_dialog import DeclareMajorDialog  # opened on first use

        dialog = DeclareMajorDialog(
            incident, agents, services, books, self._ctx.services.actor.agent_id, self._window
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        commander = dialog.commander.current_id()
        if commander is None:
            self.message.emit("A major incident needs a commander.")
            return
        comms, affected, book = (
            dialog.comms_lead.current_id(),
            dialog.affected(),
            dialog.chosen_runbook(),
        )
        commands = self._ctx.commands

        def declare() -> IncidentDetail:
            return commands.declare_major(
                incident.id,
                incident.version,
                commander_id=commander,
                comms_lead_id=comms,
                affected=affected,
                runbook=book,
            )

        def done(detail: IncidentDetail) -> None:
            self.changed.emit()
            self.message.emit(
                f"{detail.number} is now a major incident; updates are due every cadence."
            )
            self.major_declared.emit(detail.id)

        self._ctx.runner.submit(declare, done, self._on_error)
