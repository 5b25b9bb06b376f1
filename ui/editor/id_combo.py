"""A combo box of named records (services, agents, teams) that speaks in ids.

The list may arrive after an incident was loaded into the form: the chosen id is kept (shown by
the name the incident carries) and survives the list being filled in.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QComboBox, QWidget


class IdCombo(QComboBox):
    def __init__(
        self, none_label: str, accessible_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._none_label = none_label
        self.setAccessibleName(accessible_name)
        self.addItem(none_label, None)

    def set_choices(self, choices: Iterable[tuple[int, str]]) -> None:
        """Replace the list, keeping the current choice (and not reporting it as a change)."""
        keep_id, keep_text = self.current_id(), self.currentText()
        self.blockSignals(True)
        self.clear()
        self.addItem(self._none_label, None)
        for record_id, name in choices:
            self.addItem(name, record_id)
        self.blockSignals(False)
        self.set_current(keep_id, keep_text)

    def current_id(self) -> int | None:
        data = self.currentData()
        return data if isinstance(data, int) else None

    def set_current(self, record_id: int | None, name: str = "") -> None:
        """Select `record_id`; when the list does not hold it (yet), add it under `name`."""
        position = self.findData(record_id) if record_id is not None else 0
        if position < 0:
            self.addItem(name or f"#{record_id}", record_id)
            position = self.count() - 1
        self.setCurrentIndex(position)
