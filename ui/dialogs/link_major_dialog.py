"""Link incidents to an active major incident, chosen from a list or typed by number."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget

from app.services.incidents.dto import IncidentRow
from ui.dialogs.pickers import SearchableCombo


class LinkMajorDialog(QDialog):
    def __init__(
        self, majors: Sequence[IncidentRow], count: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Link to a major incident")
        self.setAccessibleName("Link to a major incident")
        self.major = SearchableCombo("Major incident", self)
        self.major.set_choices([(m.id, f"{m.number} · {m.title}") for m in majors])
        form = QFormLayout(self)
        what = f"{count} selected incidents" if count > 1 else "the selected incident"
        if majors:
            form.addRow(QLabel(f"Link {what} as children of:"))
        else:
            form.addRow(QLabel("There is no active major incident to link to."))
        form.addRow("&Major incident", self.major)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Link")
        ok.setEnabled(bool(majors))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
