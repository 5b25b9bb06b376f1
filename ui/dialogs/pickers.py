"""Combo boxes that pick an agent, a team or a service by typing part of its name."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from app.services.incidents.dto import AgentInfo, NamedRef


class SearchableCombo(QComboBox):
    """An editable combo that completes on any part of the text; `current_id()` is the choice."""

    def __init__(self, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setAccessibleName(accessible_name)
        completer = self.completer()
        assert completer is not None
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def set_choices(
        self, choices: Sequence[tuple[int | None, str]], selected: int | None = None
    ) -> None:
        self.clear()
        for value, label in choices:
            self.addItem(label, value)
        self.select_id(selected)

    def select_id(self, value: int | None) -> None:
        position = self.findData(value)
        self.setCurrentIndex(max(position, 0))

    def current_id(self) -> int | None:
        # The typed text wins over a stale highlighted item.
        position = self.findText(self.currentText(), Qt.MatchFlag.MatchFixedString)
        if position < 0:
            return None
        value = self.itemData(position)
        return int(value) if value is not None else None


def agent_choices(
    agents: Sequence[AgentInfo], *, none_label: str | None
) -> list[tuple[int | None, str]]:
    choices: list[tuple[int | None, str]] = [(None, none_label)] if none_label else []
    choices += [(a.id, f"{a.name} ({a.team})" if a.team else a.name) for a in agents]
    return choices


def named_choices(
    refs: Sequence[NamedRef], *, none_label: str | None
) -> list[tuple[int | None, str]]:
    choices: list[tuple[int | None, str]] = [(None, none_label)] if none_label else []
    choices += [(r.id, r.name) for r in refs]
    return choices
