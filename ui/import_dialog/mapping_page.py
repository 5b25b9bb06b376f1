"""The column-mapping step of the import dialog: the file's first rows, a combo box per Calmdesk
field to choose its column (guessed from the headers to start with), value maps, the date format,
and what is wrong, rechecked on every change. A mapping can be loaded and saved (JSON)."""

from __future__ import annotations

import contextlib
import html
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.adapters.csv_mapping import ColumnMapping, MappingError, load_mapping
from app.adapters.mapping_check import (
    LABELS,
    FilePreview,
    MappingCheck,
    Problem,
    check_mapping,
    date_example,
    save_mapping_file,
)
from app.adapters.mapping_guess import DATE_FORMATS, guess_mapping
from ui.import_dialog.field_grid import FieldGrid
from ui.import_dialog.preview_model import CHECK_COLUMN, PreviewModel, PreviewRow
from ui.theme import is_dark

ISO_HINT = "ISO 8601, e.g. 2024-01-31 13:45:00"


class MappingPage(QWidget):
    check_changed = Signal(bool)  # whether the mapping is ready to import

    def __init__(self, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._folder = folder  # where mappings are loaded from and saved to by default
        self._preview: FilePreview | None = None
        self._name = ""
        self.current = ColumnMapping(fields={})
        self.check = MappingCheck((), ())
        self.problems: list[Problem] = []
        self.file_label = QLabel("", self)
        self.file_label.setWordWrap(True)
        self.load_button = QPushButton("&Load mapping…", self)
        self.save_button = QPushButton("&Save mapping…", self)
        self.notice = QLabel("", self)
        self.notice.setWordWrap(True)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fields = FieldGrid(self)
        self.date_format = QComboBox(self)
        self.date_format.setEditable(True)
        self.date_format.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)  # Enter imports
        self.date_format.addItems(["", *(f for f in DATE_FORMATS if f)])
        date_line = self.date_format.lineEdit()
        assert date_line is not None  # the combo box is editable
        date_line.setPlaceholderText(ISO_HINT)
        self.date_format.setAccessibleName("Date format")
        self.date_hint = QLabel("", self)
        self.date_hint.setWordWrap(True)
        self.missing_edit = QLineEdit(self)
        self.missing_edit.setPlaceholderText("e.g. ?, N/A, #N/B (empty cells always count)")
        self.missing_edit.setAccessibleName("Treat as empty")
        self.summary = QLabel("", self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.model = PreviewModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table: the keyboard moves on
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft)
        self._lay_out()
        self.fields.changed.connect(self._on_fields_changed)
        self.date_format.currentTextChanged.connect(self._on_fields_changed)
        self.missing_edit.textChanged.connect(self._on_fields_changed)
        self.load_button.clicked.connect(self._on_load_clicked)
        self.save_button.clicked.connect(self._on_save_clicked)

    def _lay_out(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.file_label, 1)
        top.addWidget(self.load_button)
        top.addWidget(self.save_button)
        options = QFormLayout()
        options.addRow("Dates written as", self.date_format)
        options.addRow("", self.date_hint)
        options.addRow("Treat as empty", self.missing_edit)
        content = QWidget(self)
        content_layout = QVBoxLayout(content)
        content_layout.addWidget(QLabel("<b>Map each field to a column</b> (* required)", self))
        content_layout.addWidget(self.fields)
        content_layout.addLayout(options)
        content_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        left = scroll
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.summary)
        right_layout.addWidget(self.table, 1)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([640, 560])
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.notice)
        layout.addWidget(split, 1)

    @property
    def ready(self) -> bool:
        return self._preview is not None and not self.problems

    def show_file(self, preview: FilePreview, mapping: ColumnMapping | None = None) -> None:
        """Show a file's columns and first rows, with `mapping` or else a guess at one."""
        self._preview = preview
        columns = len(preview.header)
        self.file_label.setText(
            f"<b>{html.escape(preview.name)}</b>: {columns} columns; the first "
            f"{len(preview.rows)} rows are shown and checked."
        )
        if mapping is None:
            mapping = guess_mapping(preview.header, preview.samples, Path(preview.name).stem)
            self._say(
                f"Guessed {len(mapping.fields)} fields from the column names: check them, "
                "and the rows on the right, then Import (Enter)."
            )
        self._apply(mapping)

    def focus_first_field(self) -> None:
        self.fields.rows["number"].column.setFocus()

    def focus_first_problem(self) -> None:
        """Import was asked for with the mapping incomplete: take the cursor to what to fix."""
        self._say("Fix what is listed on the right before importing.", error=True)
        target = next((p.target for p in self.problems if p.target), None)
        if target is not None:
            self.fields.rows[target].column.setFocus()

    def load_from(self, path: Path) -> bool:
        try:
            mapping = load_mapping(path)
        except MappingError as exc:
            self._say(f"{exc} Nothing was loaded.", error=True)
            return False
        self._apply(mapping)
        self._say(f"Loaded the mapping {path.name}.")
        return True

    def save_to(self, path: Path) -> Path | None:
        try:
            written = save_mapping_file(self.current, path)
        except MappingError as exc:
            self._say(str(exc), error=True)
            return None
        self._say(f"Saved the mapping to {written}.")
        return written

    def _apply(self, mapping: ColumnMapping) -> None:
        assert self._preview is not None
        self._name = mapping.name or Path(self._preview.name).stem
        for edit in (self.date_format, self.missing_edit):
            edit.blockSignals(True)
        self.date_format.setCurrentText(mapping.date_format or "")
        self.missing_edit.setText(", ".join(m for m in mapping.missing if m))
        for edit in (self.date_format, self.missing_edit):
            edit.blockSignals(False)
        self.fields.set_rules(self._preview.header, dict(mapping.fields))

    def _on_fields_changed(self) -> None:
        if self._preview is None:
            return
        rules, problems = self.fields.rules()
        markers = [m.strip() for m in self.missing_edit.text().split(",") if m.strip()]
        self.current = ColumnMapping(
            fields=rules,
            name=self._name,
            date_format=self.date_format.currentText().strip() or None,
            missing=("", *markers),
        )
        self.check = check_mapping(self.current, self._preview)
        self.problems = [*problems, *self.check.problems]
        self.fields.show_problems(self.problems)
        checks = {row.line: row for row in self.check.rows}
        rows = tuple(
            PreviewRow(line, cells, checks.get(line)) for line, cells in self._preview.rows
        )
        mapped: dict[str, list[str]] = {}
        for target, rule in rules.items():
            if rule.column:
                mapped.setdefault(rule.column, []).append(LABELS[target])
        self.model.set_rows(
            self._preview.header, rows, {c: ", ".join(t) for c, t in mapped.items()}
        )
        self.table.setColumnWidth(CHECK_COLUMN, 260 if self.check.rejected else 60)
        self.date_hint.setText(date_example(self.current, self._preview))
        self._show_summary()
        self.check_changed.emit(self.ready)

    def _show_summary(self) -> None:
        red, amber, green = ("#ff6b6b", "#ffb74d", "#81c784") if is_dark() else (
            "#c62828", "#b26a00", "#2e7d32")  # fmt: skip
        if self.problems:
            items = "".join(f"<li>{html.escape(p.message)}</li>" for p in self.problems)
            self.summary.setText(
                f"<span style='color:{red}'><b>✗ Fix this before importing:</b></span>"
                f"<ul style='margin:0'>{items}</ul>"
            )
            return
        shown, rejected = len(self.check.rows), self.check.rejected
        if not shown:
            self.summary.setText("The file has no rows under its header: nothing to import.")
            return
        if not rejected:
            self.summary.setText(
                f"<span style='color:{green}'><b>✓ All {shown} rows shown would import.</b></span>"
            )
            return
        reasons = "".join(
            f"<li>{html.escape(reason)} ({count})</li>" for reason, count in self.check.reasons()
        )
        self.summary.setText(
            f"<span style='color:{amber}'><b>⚠ {rejected} of {shown} rows shown would be "
            f"rejected</b></span> (the import skips them and lists them); fix the value map or "
            f"date format if that is wrong:<ul style='margin:0'>{reasons}</ul>"
        )

    def _say(self, text: str, *, error: bool = False) -> None:
        colour = ("#ff6b6b" if is_dark() else "#c62828") if error else ""
        self.notice.setStyleSheet(f"color: {colour};" if colour else "")
        self.notice.setText(text)

    def _on_load_clicked(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Load a column mapping", str(self._folder), "Mappings (*.json *.toml)"
        )
        if name:
            self.load_from(Path(name))

    def _on_save_clicked(self) -> None:
        assert self._preview is not None
        suggested = self._folder / f"{Path(self._preview.name).stem}.json"
        # If the folder cannot be made, the chooser opens elsewhere and saving says what is wrong.
        with contextlib.suppress(OSError):
            self._folder.mkdir(parents=True, exist_ok=True)
        name, _ = QFileDialog.getSaveFileName(
            self, "Save the column mapping", str(suggested), "Mappings (*.json)"
        )
        if name:
            self.save_to(Path(name))
