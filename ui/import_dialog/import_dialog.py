"""The import dialog: choose a ServiceNow log or another help desk's CSV, map that CSV's columns
(ui/import_dialog/mapping_page.py), watch the progress bar, cancel cleanly (the import is one
transaction, so a cancel leaves nothing behind), and read the counts and every rejected row."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, QSize, Signal
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
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.adapters.mapping_check import FilePreview, is_servicenow_log, mappings_folder
from app.services.errors import InvalidInput
from app.services.imports.commands import import_csv, import_servicenow, preview_csv
from app.services.imports.writer import ImportCancelled, ImportReport
from ui.console_context import ConsoleContext
from ui.import_dialog.mapping_page import MappingPage

SERVICENOW, GENERIC = "servicenow", "csv"


class _Progress(QObject):
    """Carries progress from the worker thread to the UI thread (a queued signal)."""

    advanced = Signal(int, int)


class ImportDialog(QDialog):
    import_finished = Signal(object)  # the ImportReport
    running_changed = Signal(bool)  # an import started (True) or ended, however it ended
    mapping_shown = Signal()  # the mapping step is on screen with the chosen file

    def __init__(self, context: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = context
        self._cancel = threading.Event()
        self._running = False
        self._mapped: tuple[str, str] | None = None  # the file (and mapping) the page shows
        self.setWindowTitle("Import incidents")
        self.resize(640, 460)
        self.kind = QComboBox(self)
        self.kind.addItem("ServiceNow incident event log (.csv, .csv.xz)", SERVICENOW)
        self.kind.addItem("Other help desk: CSV, columns mapped in the next step", GENERIC)
        self.file_edit = QLineEdit(self)
        self.file_edit.setPlaceholderText("The file to import")
        self.browse_button = QPushButton("Browse…", self)
        self.mapping_edit = QLineEdit(self)
        self.mapping_edit.setPlaceholderText("Optional: start from a saved mapping (.json, .toml)")
        self.mapping_button = QPushButton("Browse…", self)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.status = QLabel("Choose a file, then Import.", self)
        self.status.setWordWrap(True)
        self.rejected_rows = QPlainTextEdit(self)
        self.rejected_rows.setReadOnly(True)
        self.rejected_rows.setPlaceholderText(
            "Rejected rows, with their line numbers, and incidents given new numbers appear here."
        )
        self.mapping_page = MappingPage(mappings_folder(context.settings.config_dir), self)
        self.back_button = QPushButton("&Back", self)
        self.import_button = QPushButton("Import", self)
        self.import_button.setDefault(True)
        self.cancel_button = QPushButton("Close", self)

        form = QFormLayout()
        form.addRow("Source", self.kind)
        form.addRow("File", _row(self.file_edit, self.browse_button))
        self._mapping_row = _row(self.mapping_edit, self.mapping_button)
        form.addRow("Mapping", self._mapping_row)
        choose = QWidget(self)
        choose_layout = QVBoxLayout(choose)
        choose_layout.setContentsMargins(0, 0, 0, 0)
        choose_layout.addLayout(form)
        choose_layout.addWidget(self.progress)
        choose_layout.addWidget(self.status)
        choose_layout.addWidget(self.rejected_rows, 1)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(choose)
        self.pages.addWidget(self.mapping_page)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addLayout(buttons)

        self._progress = _Progress(self)
        self._progress.advanced.connect(self._on_progress_advanced)
        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        self.browse_button.clicked.connect(self._on_browse_clicked)
        self.file_edit.editingFinished.connect(self._on_file_edit_finished)
        self.mapping_button.clicked.connect(self._on_mapping_browse_clicked)
        self.import_button.clicked.connect(self._on_import_clicked)
        self.back_button.clicked.connect(self._on_back_clicked)
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        self._on_kind_changed()

    @property
    def mapping_step(self) -> bool:
        return self.pages.currentWidget() is self.mapping_page

    def reject(self) -> None:
        """Escape: cancels a running import first; on the mapping step goes back a step (the
        mapping made there stays, a slip of the finger loses nothing); closes the dialog
        otherwise. The Close button closes from either step."""
        if self._running:
            self._on_cancel_clicked()
        elif self.mapping_step:
            self._on_back_clicked()
            self.status.setText(
                "The column mapping is kept: Next to go on with it, Close to leave."
            )
        else:
            super().reject()

    # -- slots ----------------------------------------------------------------------------

    def _on_kind_changed(self) -> None:
        generic = self.kind.currentData() == GENERIC
        self._mapping_row.setEnabled(generic)
        self.back_button.setVisible(self.mapping_step)
        self.import_button.setText(
            "&Import" if self.mapping_step or not generic else "&Next: map columns"
        )

    def _on_browse_clicked(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Choose the file to import", "", "CSV files (*.csv *.csv.xz);;All files (*)"
        )
        if name:
            self.file_edit.setText(name)
            self._on_file_edit_finished()

    def _on_file_edit_finished(self) -> None:
        """Tell a ServiceNow log from another CSV by its header, and pick the source for it."""
        text = self.file_edit.text().strip()
        if text:
            # A file that cannot be read says so when the user goes on; no need to say it twice.
            self._ctx.runner.submit(
                lambda: preview_csv(Path(text)), self._on_file_sniffed, lambda _error: None
            )

    def _on_file_sniffed(self, preview: FilePreview) -> None:
        if self._running or Path(self.file_edit.text().strip()).name != preview.name:
            return
        self.kind.setCurrentIndex(self.kind.findData(SERVICENOW if preview.servicenow else GENERIC))
        if preview.servicenow:
            self.status.setText(f"{preview.name} is a ServiceNow incident event log: Import.")
        else:
            self.status.setText(
                f"{preview.name} is not a ServiceNow log. Press Next to choose which of its "
                f"{len(preview.header)} columns hold which field."
            )

    def _on_mapping_browse_clicked(self) -> None:
        folder = mappings_folder(self._ctx.settings.config_dir)
        name, _ = QFileDialog.getOpenFileName(
            self, "Choose the column mapping", str(folder), "Mappings (*.json *.toml)"
        )
        if name:
            self.mapping_edit.setText(name)

    def _on_import_clicked(self) -> None:
        text = self.file_edit.text().strip()
        if not text:
            self.status.setText("Choose a file first.")
            return
        path = Path(text)
        services, cancel, progress = self._ctx.services, self._cancel, self._progress.advanced
        if not self.mapping_step and is_servicenow_log(path) is False:
            # Enter pressed before the file was recognised: a CSV of another kind is mapped.
            self.kind.setCurrentIndex(self.kind.findData(GENERIC))
        if self.kind.currentData() == GENERIC and not self.mapping_step:
            self.status.setText(f"Reading {path.name}…")
            self._ctx.runner.submit(lambda: preview_csv(path), self._show_mapping, self._failed)
            return
        if self.kind.currentData() == GENERIC:
            if not self.mapping_page.ready:
                self.mapping_page.focus_first_problem()
                return
            mapping = self.mapping_page.current

            def run() -> ImportReport:
                return import_csv(
                    services, path, mapping, progress=progress.emit, cancelled=cancel.is_set
                )
        else:

            def run() -> ImportReport:
                return import_servicenow(
                    services, path, progress=progress.emit, cancelled=cancel.is_set
                )

        self._show_page(0)
        self._cancel.clear()
        self._set_running(True)
        self.rejected_rows.clear()
        self.progress.setValue(0)
        self.status.setText(f"Importing {path.name}…")
        self._ctx.runner.submit(run, self._on_import_done, self._on_import_failed)

    def _show_mapping(self, preview: FilePreview) -> None:
        chosen = (self.file_edit.text().strip(), self.mapping_edit.text().strip())
        if self._mapped != chosen:  # a new file: start from the saved mapping, or a guess
            self.mapping_page.show_file(preview)
            if chosen[1]:
                self.mapping_page.load_from(Path(chosen[1]))
            self._mapped = chosen
        self.status.setText("Choose a file, then Import.")
        self._show_page(1)
        self.mapping_page.focus_first_field()
        self.mapping_shown.emit()

    def _failed(self, error: Exception) -> None:
        self.status.setText(str(error))

    def _on_back_clicked(self) -> None:
        self._show_page(0)
        self.file_edit.setFocus()

    def _show_page(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        if page == 1:  # room for the fields and the rows side by side, within the screen
            room = self.screen().availableGeometry().size() * 0.9
            self.resize(self.size().expandedTo(QSize(1200, 760)).boundedTo(room))
        self._on_kind_changed()

    def _on_cancel_clicked(self) -> None:
        if self._running:
            self._cancel.set()
            self.status.setText("Cancelling… nothing will be imported.")
            self.cancel_button.setEnabled(False)
        else:
            super().reject()

    def _on_progress_advanced(self, done: int, total: int) -> None:
        self.progress.setValue(int(1000 * done / max(total, 1)))

    def _on_import_done(self, report: ImportReport) -> None:
        self._set_running(False)
        self.progress.setValue(1000)
        self.status.setText(report.summary)
        self.rejected_rows.setPlainText(
            "\n".join([*map(str, report.rejected), *map(str, report.renumbered)])
        )
        self.import_finished.emit(report)

    def _on_import_failed(self, error: Exception) -> None:
        self._set_running(False)
        if isinstance(error, ImportCancelled):
            self.progress.setValue(0)
        hint = "" if isinstance(error, InvalidInput | ImportCancelled) else " Nothing was imported."
        self.status.setText(f"{error}{hint}")

    def _set_running(self, running: bool) -> None:
        self._running = running
        self.running_changed.emit(running)
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
