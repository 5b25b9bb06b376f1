"""Link selected calls to an incident: an active major incident from the list, or any incident
by its number."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from app.services.calls.dto import ActiveMajor
from ui.dialogs.pickers import SearchableCombo


class LinkCallsDialog(QDialog):
    def __init__(
        self, majors: Sequence[ActiveMajor], count: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Link calls to an incident")
        self.setAccessibleName("Link calls to an incident")
        self.major = SearchableCombo("Major incident", self)
        choices: list[tuple[int | None, str]] = [(None, "")]
        choices += [(m.id, f"{m.number} · {m.title} ({m.calls} calls)") for m in majors]
        self.major.set_choices(choices, majors[0].id if majors else None)
        self.number = QLineEdit(self)
        self.number.setAccessibleName("Incident number")
        self.number.setPlaceholderText("INC number: any open incident")
        form = QFormLayout(self)
        what = f"the {count} selected calls" if count > 1 else "the selected call"
        form.addRow(QLabel(f"Link {what} to:"))
        form.addRow("&Major incident", self.major)
        form.addRow("or &number", self.number)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Link")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def choice(self) -> tuple[int | None, str]:
        """(incident id, "") for a major incident, or (None, number) for a typed number."""
        number = self.number.text().strip()
        if number:
            return None, number
        return self.major.current_id(), ""
