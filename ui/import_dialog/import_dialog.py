"""The import dialog: choose a ServiceNow log (or a CSV and its column mapping), watch the progress
bar, cancel cleanly (the import is one transaction, so a cancel leaves nothing behind), and read
the counts and every rejected row at the end."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.adapters.csv_mapping import MappingError, load_mapping
from app.services.errors import InvalidInput
from app.services.import_writer import ImportCancelled, ImportReport
from app.services.imports import import_csv, import_servicenow
from ui.console_context import ConsoleContext

SERVICENOW, GENERIC = "servicenow", "csv"


class _Progress(QObject):
    """Carries progress from the worker thread to the UI thread (a queued signal)."""

    advanced = Signal(int, int)


class ImportDialog(QDialog):
    import_finished = Signal(object)  # the ImportReport

    def __init__(self, context: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = context
        self._cancel = threading.Event()
        self._running = False
        self.setWindowTitle("Import incidents")
        self.resize(640, 460)
        self.kind = QComboBox(self)
        self.kind.addItem("ServiceNow incident event log (.csv, .csv.xz)", SERVICENOW)
        self.kind.addItem("Other help desk: CSV with a column mapping", GENERIC)
        self.file_edit = QLineEdit(self)
        self.file_edit.setPlaceholderText("The file to import")
        self.browse_button = QPushButton("Browse…", self)
        self.mapping_edit = QLineEdit(self)
        self.mapping_edit.setPlaceholderText("A saved mapping (.json or .toml)")
        self.mapping_button = QPushButton("Browse…", self)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.status = QLabel("Choose a file, then Import.", self)
        self.status.setWordWrap(True)
        self.rejected = QPlainTextEdit(self)
        self.rejected.setReadOnly(True)
        self.rejected.setPlaceholderText("Rejected rows, with their line numbers, appear here.")
        self.import_button = QPushButton("Import", self)
        self.import_button.setDefault(True)
        self.cancel_button = QPushButton("Close", self)

        form = QFormLayout()
        form.addRow("Source", self.kind)
        form.addRow("File", _row(self.file_edit, self.browse_button))
        self._mapping_row = _row(self.mapping_edit, self.mapping_button)
        form.addRow("Mapping", self._mapping_row)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.rejected, 1)
        layout.addLayout(buttons)

        self._progress = _Progress(self)
        self._progress.advanced.connect(self._on_progress_advanced)
        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        self.browse_button.clicked.connect(self._on_browse_clicked)
        self.mapping_button.clicked.connect(self._on_mapping_browse_clicked)
        self.import_button.clicked.connect(self._on_import_clicked)
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        self._on_kind_changed()

    # -- slots ----------------------------------------------------------------------------

    def _on_kind_changed(self) -> None:
        self._mapping_row.setEnabled(self.kind.currentData() == GENERIC)

    def _on_browse_clicked(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Choose the file to import", "", "CSV files (*.csv *.csv.xz);;All files (*)"
        )
        if name:
            self.file_edit.setText(name)

    def _on_mapping_browse_clicked(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Choose the column mapping", "", "Mappings (*.json *.toml)"
        )
        if name:
            self.mapping_edit.setText(name)

    def _on_import_clicked(self) -> None:
        path = Path(self.file_edit.text().strip())
        if not self.file_edit.text().strip():
            self.status.setText("Choose a file first.")
            return
        kind = self.kind.currentData()
        services, cancel, progress = self._ctx.services, self._cancel, self._progress.advanced
        if kind == GENERIC:
            try:
                mapping = load_mapping(Path(self.mapping_edit.text().strip()))
            except MappingError as exc:
                self.status.setText(f"{exc} Choose a mapping saved as JSON or TOML.")
                return

            def run() -> ImportReport:
                return import_csv(
                    services, path, mapping, progress=progress.emit, cancelled=cancel.is_set
                )
        else:

            def run() -> ImportReport:
                return import_servicenow(
                    services, path, progress=progress.emit, cancelled=cancel.is_set
                )

        self._cancel.clear()
        self._set_running(True)
        self.rejected.clear()
        self.progress.setValue(0)
        self.status.setText(f"Importing {path.name}…")
        self._ctx.runner.submit(run, self._on_import_done, self._on_import_failed)

    def _on_cancel_clicked(self) -> None:
        if self._running:
            self._cancel.set()
            self.status.setText("Cancelling… nothing will be imported.")
            self.cancel_button.setEnabled(False)
        else:
            self.reject()

    def _on_progress_advanced(self, done: int, total: int) -> None:
        self.progress.setValue(int(1000 * done / max(total, 1)))

    def _on_import_done(self, report: object) -> None:
        assert isinstance(report, ImportReport)
        self._set_running(False)
        self.progress.setValue(1000)
        self.status.setText(report.summary)
        self.rejected.setPlainText("\n".join(str(r) for r in report.rejected))
        self.import_finished.emit(report)

    def _on_import_failed(self, error: Exception) -> None:
        self._set_running(False)
        if isinstance(error, ImportCancelled):
            self.progress.setValue(0)
        hint = "" if isinstance(error, InvalidInput | ImportCancelled) else " Nothing was imported."
        self.status.setText(f"{error}{hint}")

    def _set_running(self, running: bool) -> None:
        self._running = running
        for widget in (self.kind, self.file_edit, self.browse_button, self._mapping_row):
            widget.setEnabled(not running)
        if not running:
            self._on_kind_changed()
        self.import_button.setEnabled(not running)
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText("Cancel import" if running else "Close")


def _row(edit: QLineEdit, button: QPushButton) -> QWidget:
    holder = QWidget()
    layout = QHBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(edit, 1)
    layout.addWidget(button)
    return holder


def open_import_dialog(context: ConsoleContext, parent: QWidget | None = None) -> ImportDialog:
    """Show the import dialog (non-modal, so the console stays usable while it runs)."""
    dialog = ImportDialog(context, parent)
    dialog.show()
    return dialog
