"""The caller box: type a few letters of a name, e-mail or phone, pick the contact from the list.

Lookups go through the task runner, a moment after typing pauses, so a slow database never holds
up the keyboard. A name typed in full without picking is looked up when the incident is saved.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from app.domain.errors import CalmdeskError
from app.services.directory.reads import Directory
from app.services.incidents.dto import NamedRef
from ui.roles import Roles
from ui.task_runner import TaskRunner

LOOKUP_DELAY_MS = 200
MIN_LOOKUP_CHARS = 2


class CallerField(QLineEdit):
    caller_picked = Signal(int)  # a contact was chosen from the list

    def __init__(
        self, runner: TaskRunner, directory: Directory, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._runner = runner
        self._directory = directory
        self._picked: tuple[int, str] | None = None
        self._lookup_token = 0
        self.setAccessibleName("Caller")
        self.setPlaceholderText("Name, e-mail or phone; empty if nobody called")
        self.setClearButtonEnabled(True)
        self._matches = QStandardItemModel(self)
        self._completer = QCompleter(self._matches, self)
        self._completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        popup = self._completer.popup()
        assert popup is not None  # a completer always has its list
        popup.setAccessibleName("Matching callers")
        self.setCompleter(self._completer)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(LOOKUP_DELAY_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.textEdited.connect(self._on_self_text_edited)
        # The QModelIndex overload of activated; PySide6's stubs lack SignalInstance.__getitem__.
        self._completer.activated[QModelIndex].connect(  # type: ignore[index]
            self._on_completer_activated
        )

    def caller_id(self) -> int | None:
        """The picked contact, as long as the text still shows that contact's name."""
        if self._picked is not None and self._picked[1] == self.text().strip():
            return self._picked[0]
        return None

    def set_caller(self, contact_id: int | None, name: str) -> None:
        self._timer.stop()
        self._picked = (contact_id, name) if contact_id is not None else None
        self.setText(name)

    def matches(self) -> QStandardItemModel:
        return self._matches

    def _on_self_text_edited(self, text: str) -> None:
        if len(text.strip()) >= MIN_LOOKUP_CHARS:
            self._timer.start()
        else:
            self._timer.stop()

    def _on_timer_timeout(self) -> None:
        self._lookup_token += 1
        token, text = self._lookup_token, self.text().strip()
        self._runner.submit(
            lambda: self._directory.find_contacts(text),
            partial(self._on_lookup_done, token),
            self._on_lookup_failed,
        )

    def _on_lookup_done(self, token: int, found: list[NamedRef]) -> None:
        if token != self._lookup_token:
            return  # a later lookup is on its way
        self._matches.clear()
        for contact in found:
            item = QStandardItem(contact.name)
            item.setData(contact.id, Roles.ID)
            item.setEditable(False)
            self._matches.appendRow(item)
        if found and self.hasFocus():
            self._completer.setCompletionPrefix(self.text())
            self._completer.complete()

    def _on_lookup_failed(self, error: CalmdeskError) -> None:
        # The list just stays empty; saving names the problem if the caller cannot be found.
        self._matches.clear()

    def _on_completer_activated(self, index: QModelIndex | QPersistentModelIndex) -> None:
        contact_id = index.data(Roles.ID)
        name = index.data(Qt.ItemDataRole.DisplayRole)
        if isinstance(contact_id, int):
            self._picked = (contact_id, name)
            self.setText(name)
            self.caller_picked.emit(contact_id)
