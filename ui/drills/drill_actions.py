"""The Supervisor menu's drill actions: start a drill, end it (its scorecard opens), look at
past drills' scorecards and clean drills away. Service calls go through the task runner; the
dialogs are opened without blocking, so the console (and its drill) keeps running."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from app.adapters.drill_scripts import shipped_scripts
from app.domain.errors import CalmdeskError
from app.services.drills.commands import DrillCommands
from app.services.drills.dto import DrillInfo, ScorecardView
from app.services.drills.reads import DrillReads
from app.services.war_room.runbooks import runbooks
from ui.console_context import ConsoleContext
from ui.drills.drills_dialog import DrillsDialog
from ui.drills.scorecard_dialog import ScorecardDialog
from ui.drills.start_dialog import StartDrillDialog
from ui.drills.watch import DrillWatch


def ask(parent: QWidget, title: str, question: str) -> bool:
    answer = QMessageBox.question(
        parent,
        title,
        question,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Yes


class DrillActions(QObject):
    message = Signal(str)
    scorecard_shown = Signal(object)  # the ScorecardDialog

    def __init__(self, context: ConsoleContext, window: QWidget, watch: DrillWatch) -> None:
        super().__init__(window)
        self._ctx = context
        self._window = window
        self._watch = watch
        self.confirm: Callable[[QWidget, str, str], bool] = ask
        self.start_dialog: StartDrillDialog | None = None
        self.drills_dialog: DrillsDialog | None = None
        self.scorecard_dialog: ScorecardDialog | None = None

    # -- starting ------------------------------------------------------------------------------

    def start(self) -> None:
        if self._watch.running:
            self.message.emit(
                f"The drill “{self._watch.running[0].title}” is running: end it first."
            )
            return
        try:
            books = runbooks()
            scripts = [(source, source.parse()) for source in shipped_scripts()]
        except CalmdeskError as exc:
            self.message.emit(str(exc))
            return
        dialog = StartDrillDialog(books, scripts, self._window)
        dialog.accepted.connect(self._on_start_dialog_accepted)
        self.start_dialog = dialog
        dialog.open()

    def _on_start_dialog_accepted(self) -> None:
        assert self.start_dialog is not None
        source, book = self.start_dialog.chosen()
        services = self._ctx.services
        self._ctx.runner.submit(
            lambda: DrillCommands(services).start(source, book),
            self._on_started,
            self._on_failed,
        )

    def _on_started(self, drill: DrillInfo) -> None:
        self._watch.poll()
        self._ctx.hub.poll_now()
        self.message.emit(
            f"Drill started: {drill.title}. {drill.incident_number} is its first report; "
            "calls will arrive on the script's times."
        )

    # -- ending --------------------------------------------------------------------------------

    def end(self, drill_id: int | None = None) -> None:
        if drill_id is None:
            if not self._watch.running:
                self.message.emit("No drill is running.")
                return
            drill_id = self._watch.running[0].id
        if not self.confirm(
            self._window,
            "End the drill",
            "End the drill now? Its scorecard is drawn up from what the team did, and what it "
            "left open is cancelled.",
        ):
            return
        services = self._ctx.services
        wanted = drill_id
        self._ctx.runner.submit(
            lambda: DrillCommands(services).end(wanted), self._on_ended, self._on_failed
        )

    def _on_ended(self, drill: DrillInfo) -> None:
        self._watch.poll()
        self._ctx.hub.poll_now()
        self.message.emit(f"Drill ended: {drill.title}. Its scorecard is open.")
        self.show_scorecard(drill.id)

    def show_scorecard(self, drill_id: int) -> None:
        services = self._ctx.services
        self._ctx.runner.submit(
            lambda: DrillReads(services).scorecard(drill_id), self._on_scorecard, self._on_failed
        )

    def _on_scorecard(self, view: ScorecardView) -> None:
        dialog = ScorecardDialog(view, self._window)
        self.scorecard_dialog = dialog
        dialog.show()
        self.scorecard_shown.emit(dialog)

    # -- past drills ---------------------------------------------------------------------------

    def show_drills(self) -> None:
        dialog = DrillsDialog(self._window)
        dialog.scorecard_requested.connect(self.show_scorecard)
        dialog.clean_requested.connect(self.clean)
        self.drills_dialog = dialog
        dialog.show()
        self._reload_drills()

    def _reload_drills(self) -> None:
        services = self._ctx.services
        dialog = self.drills_dialog
        if dialog is not None:
            self._ctx.runner.submit(
                lambda: DrillReads(services).ended(), dialog.show_drills, self._on_failed
            )

    def clean(self, drill_id: int) -> None:
        if not self.confirm(
            self._window,
            "Clean the drill away",
            "Delete this drill's incidents, calls and their timelines? Its scorecard is kept.",
        ):
            return
        services = self._ctx.services
        self._ctx.runner.submit(
            lambda: DrillCommands(services).clean(drill_id), self._on_cleaned, self._on_failed
        )

    def _on_cleaned(self, removed: int) -> None:
        self._ctx.hub.poll_now()
        self.message.emit(
            f"Drill cleaned away: {removed} incident(s) deleted; the scorecard stays."
        )
        if self.drills_dialog is not None:
            self.drills_dialog.message.setText("Cleaned away. The scorecard stays.")
        self._reload_drills()

    def _on_failed(self, exc: Exception) -> None:
        self.message.emit(str(exc))
