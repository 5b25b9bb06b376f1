"""One row per Calmdesk field: which column of the file holds it (a combo box of the file's
headers), how its values translate, and what to use when a cell is empty. Required fields are
marked; a field with a problem says so in its row."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QLineEdit, QWidget

from app.adapters.csv_mapping import DATES, REQUIRED, TARGETS, FieldRule, MappingError
from app.adapters.mapping_check import LABELS, Problem, format_values, parse_values
from ui.theme import is_dark

NOT_IMPORTED = "— not imported —"
_TEMPLATE = "\x00template"  # the combo item that keeps a loaded mapping's template

# What the importer uses when the field is left empty: shown as the Default box's placeholder.
_FALLBACKS = {
    "title": "Imported <number>",
    "impact": "2",
    "urgency": "2",
    "priority": "derived",
    "status": "new",
    "channel": "phone",
    "hold_reason": "awaiting_caller",
}
_VALUE_HINTS = {
    "status": "e.g. Closed = closed; Active = in_progress",
    "impact": "e.g. High = 1; 4 = 3",
    "urgency": "e.g. High = 1; 4 = 3",
    "priority": "e.g. Critical = 1",
    "channel": "e.g. Telephone = phone",
    "hold_reason": "e.g. Vendor = awaiting_vendor",
}


class FieldRow:
    def __init__(self, grid: FieldGrid, target: str) -> None:
        self.target = target
        self.label = QLabel(LABELS[target] + (" *" if target in REQUIRED else ""), grid)
        self.label.setToolTip(TARGETS[target])
        if target in REQUIRED:
            bold = QFont(self.label.font())
            bold.setBold(True)
            self.label.setFont(bold)
        self.column = QComboBox(grid)
        self.column.setObjectName(f"column_{target}")
        self.column.setAccessibleName(f"Column for {LABELS[target]}")
        self.column.setMinimumContentsLength(14)
        self.column.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.label.setBuddy(self.column)
        self.values = QLineEdit(grid)
        self.values.setAccessibleName(f"Value map for {LABELS[target]}")
        self.values.setPlaceholderText(_VALUE_HINTS.get(target, ""))
        self.values.setEnabled(target not in DATES)  # dates are read with the date format
        if target in DATES:
            self.values.setToolTip("Dates are read with the date format below.")
        self.default = QLineEdit(grid)
        self.default.setAccessibleName(f"Default for {LABELS[target]}")
        self.default.setPlaceholderText(_FALLBACKS.get(target, ""))
        self.default.setToolTip("Used when the cell is empty")
        self.default.setMaximumWidth(130)
        self.template: str | None = None
        self.format: str | None = None

    def show_problem(self, message: str | None, colour: str) -> None:
        name = LABELS[self.target] + (" *" if self.target in REQUIRED else "")
        self.label.setText(name if message is None else f"{name} ✗")
        self.label.setStyleSheet("" if message is None else f"color: {colour};")
        self.label.setToolTip(message or TARGETS[self.target])
        self.column.setToolTip(message or "")

    def set_columns(self, header: Sequence[str], rule: FieldRule | None) -> None:
        self.column.blockSignals(True)
        self.column.clear()
        self.column.addItem(NOT_IMPORTED, None)
        for name in header:
            self.column.addItem(name, name)
        self.template = rule.template if rule else None
        self.format = rule.format if rule else None
        if self.template:
            self.column.addItem(f"Template: {self.template}", _TEMPLATE)
            self.column.setCurrentIndex(self.column.count() - 1)
        elif rule is not None and rule.column:
            found = self.column.findData(rule.column)
            if found < 0:
                self.column.addItem(f"{rule.column} (not in this file)", rule.column)
                found = self.column.count() - 1
            self.column.setCurrentIndex(found)
        self.column.blockSignals(False)
        self.values.setText(format_values(rule.values) if rule else "")
        self.default.setText((rule.default or "") if rule else "")

    def rule(self) -> FieldRule | None:
        """This row as a mapping rule (None: not imported). MappingError for a bad value map."""
        chosen = self.column.currentData()
        column = None if chosen in (None, _TEMPLATE) else str(chosen)
        template = self.template if chosen == _TEMPLATE else None
        try:
            values = parse_values(self.values.text()) if self.values.isEnabled() else {}
        except MappingError as exc:
            raise MappingError(f"{LABELS[self.target]}: {exc}") from exc
        default = self.default.text().strip() or None
        if column is None and template is None and default is None:
            if values:  # typed, then it would be dropped without a word
                raise MappingError(
                    f"{LABELS[self.target]}: a value map needs a column: choose the column it "
                    "reads, or clear the map."
                )
            return None
        return FieldRule(column, template, default, values, self.format)


class FieldGrid(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows = {target: FieldRow(self, target) for target in TARGETS}
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for n, title in enumerate(("Calmdesk field", "Column in the file", "Value map", "Default")):
            heading = QLabel(f"<b>{title}</b>", self)
            layout.addWidget(heading, 0, n)
        for line, row in enumerate(self.rows.values(), start=1):
            layout.addWidget(row.label, line, 0)
            layout.addWidget(row.column, line, 1)
            layout.addWidget(row.values, line, 2)
            layout.addWidget(row.default, line, 3)
            row.column.currentIndexChanged.connect(self.changed)
            row.values.textChanged.connect(self.changed)
            row.default.textChanged.connect(self.changed)
        layout.setVerticalSpacing(4)
        layout.setColumnStretch(1, 2)
        layout.setColumnStretch(2, 3)
        layout.setColumnStretch(3, 1)

    def set_rules(self, header: Sequence[str], rules: dict[str, FieldRule]) -> None:
        self.blockSignals(True)
        for target, row in self.rows.items():
            row.set_columns(header, rules.get(target))
        self.blockSignals(False)
        self.changed.emit()

    def rules(self) -> tuple[dict[str, FieldRule], list[Problem]]:
        rules: dict[str, FieldRule] = {}
        problems: list[Problem] = []
        for target, row in self.rows.items():
            try:
                rule = row.rule()
            except MappingError as exc:
                problems.append(Problem(target, str(exc)))
                continue
            if rule is not None:
                rules[target] = rule
        return rules, problems

    def show_problems(self, found: Iterable[Problem]) -> None:
        """Mark each field with a problem (red, ✗) and put the problem in its tooltip."""
        problems = list(found)
        red = "#ff6b6b" if is_dark() else "#c62828"
        for target, row in self.rows.items():
            message = next((p.message for p in problems if p.target == target), None)
            row.show_problem(message, red)
