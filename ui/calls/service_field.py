"""The Service field: type the first letters and it completes in place ("em" -> Email); Tab
moves on. The typed text decides, so a stale highlighted item never wins."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from app.services.incidents.dto import NamedRef


def resolve_service(text: str, services: Sequence[NamedRef]) -> NamedRef | None:
    """The service `text` names: exactly, else the only one starting with it, else the only one
    containing it (all ignoring case)."""
    wanted = " ".join(text.split()).lower()
    if not wanted:
        return None
    names = [(s, s.name.lower()) for s in services]
    exact = [s for s, name in names if name == wanted]
    if exact:
        return exact[0]
    for found in (
        [s for s, name in names if name.startswith(wanted)],
        [s for s, name in names if wanted in name],
    ):
        if len(found) == 1:
            return found[0]
    return None


class ServiceField(QComboBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setAccessibleName("Service")
        self.setMaxVisibleItems(15)
        self._services: tuple[NamedRef, ...] = ()
        completer = self.completer()
        assert completer is not None
        completer.setCompletionMode(QCompleter.CompletionMode.InlineCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        line = self.lineEdit()
        assert line is not None
        line.setPlaceholderText("Which service? Type to complete")
        line.setClearButtonEnabled(True)

    def set_services(self, services: Sequence[NamedRef]) -> None:
        text = self.currentText()
        self._services = tuple(services)
        self.blockSignals(True)
        self.clear()
        for service in services:
            self.addItem(service.name, service.id)
        self.setCurrentIndex(-1)
        self.setEditText(text)
        self.blockSignals(False)

    def service(self) -> NamedRef | None:
        return resolve_service(self.currentText(), self._services)

    def is_unknown(self) -> bool:
        """Something is typed that names no service."""
        return bool(self.currentText().strip()) and self.service() is None

    def set_service_id(self, service_id: int | None) -> None:
        found = next((s for s in self._services if s.id == service_id), None)
        self.setCurrentIndex(-1)
        self.setEditText(found.name if found else "")

    def reset(self) -> None:
        self.setCurrentIndex(-1)
        self.setEditText("")
