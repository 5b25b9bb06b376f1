"""The main window: the incident queue in the centre, the status bar below."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QVBoxLayout, QWidget

from ui.console_context import ConsoleContext
from ui.queue.queue_controller import QueueController
from ui.queue.queue_view import QueueView


class MainWindow(QMainWindow):
    queue_loaded = Signal(int)

    def __init__(self, context: ConsoleContext, team_id: int | None = None) -> None:
        super().__init__()
        self._ctx = context
        self.setWindowTitle("Calmdesk")
        self.resize(1280, 760)
        self.queue = QueueController(context, team_id, self)
        self.table = QueueView(self.queue.model)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.table)
        self.setCentralWidget(central)
        self._database_label = QLabel(f"Database: {context.services.db.description}")
        self._agent_label = QLabel(f"Signed in as {context.services.actor.name}")
        self._health_label = QLabel("Connecting…")
        for label in (self._database_label, self._agent_label, self._health_label):
            self.statusBar().addPermanentWidget(label)
        self.queue.loaded.connect(self._on_queue_loaded)
        self.queue.connection_changed.connect(self._on_queue_connection_changed)

    def start(self) -> None:
        self.queue.start()

    def _on_queue_loaded(self, count: int) -> None:
        self._health_label.setText("Connected")
        self.queue_loaded.emit(count)

    def _on_queue_connection_changed(self, healthy: bool, message: str) -> None:
        self._health_label.setText("Connected" if healthy else f"Connection problem: {message}")

    def closeEvent(self, event: QCloseEvent) -> None:
        self.queue.stop()
        super().closeEvent(event)
