""" "Is this the outage?": the active major incidents matching the call being typed, best first,
with what to read out to the caller for the highlighted one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QVBoxLayout,
    QWidget,
)

from app.domain.clock import Clock
from app.services.calls.dto import ActiveMajor
from app.services.calls.filters import OutageMatch, rank_outages
from ui.calls.presentation import match_lines, what_to_say
from ui.model_index import ModelIndex
from ui.roles import Roles

VISIBLE_MATCHES = 3  # more scroll


class MatchesModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._matches: tuple[OutageMatch, ...] = ()

    def set_matches(self, matches: Sequence[OutageMatch]) -> bool:
        """Replace the matches; False (and no reset) when they are the same as shown."""
        fresh = tuple(matches)
        if fresh == self._matches:
            return False
        self.beginResetModel()
        self._matches = fresh
        self.endResetModel()
        return True

    def match_at(self, row: int) -> OutageMatch:
        return self._matches[row]

    def ids(self) -> list[int]:
        return [m.major.id for m in self._matches]

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._matches)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._matches):
            return None
        found = self._matches[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return match_lines(found, index.row() + 1)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{found.major.number}, {found.major.title}, matched on {found.reason}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return found.major.what_to_say or None
        if role == Roles.ID:
            return found.major.id
        return None


class MatchesView(QListView):
    """The list of matches. Arrow keys move through it, from here or from the Symptom field."""

    def __init__(self, model: MatchesModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setAccessibleName("Matching incidents")
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSpacing(2)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)

    def highlighted(self) -> OutageMatch | None:
        index = self.currentIndex()
        model = self.model()
        assert isinstance(model, MatchesModel)
        return model.match_at(index.row()) if index.isValid() else None

    def highlight(self, row: int) -> None:
        model = self.model()
        if 0 <= row < model.rowCount():
            self.setCurrentIndex(model.index(row, 0))

    def fit_rows(self, most: int) -> None:
        """As tall as its rows, up to `most` of them: one match takes one match's room."""
        rows = min(max(self.model().rowCount(), 1), most)
        row_height = self.sizeHintForRow(0) if self.model().rowCount() else 36
        height = rows * (row_height + 2 * self.spacing()) + 2 * self.frameWidth()
        self.setFixedHeight(height)

    def step(self, delta: int) -> None:
        current = self.currentIndex()
        row = (current.row() if current.isValid() else -1) + delta
        self.highlight(max(0, min(row, self.model().rowCount() - 1)))


class MatchesPanel(QWidget):
    """ "Is this the outage?": the heading, the list of matches and what to tell the caller."""

    highlight_changed = Signal(object)  # the highlighted OutageMatch, or None

    def __init__(self, clock: Clock, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._majors: tuple[ActiveMajor, ...] = ()
        self.title = QLabel("Is this the outage?", self)
        self.title.setObjectName("sectionTitle")
        self.hint = QLabel(self)
        self.hint.setObjectName("hint")
        self.model = MatchesModel(self)
        self.view = MatchesView(self.model, self)
        self.tell_caller = QLabel(self)
        self.tell_caller.setObjectName("tellCaller")
        self.tell_caller.setAccessibleName("What to tell the caller")
        self.tell_caller.setWordWrap(True)
        self.tell_caller.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        heading = QHBoxLayout()
        heading.addWidget(self.title)
        heading.addStretch(1)
        heading.addWidget(self.hint)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(heading)
        layout.addWidget(self.view)
        layout.addWidget(self.tell_caller)
        self.view.selectionModel().currentChanged.connect(self._on_view_current_changed)

    def set_majors(self, majors: Sequence[ActiveMajor]) -> None:
        self._majors = tuple(majors)

    def highlighted(self) -> OutageMatch | None:
        return self.view.highlighted() if self.view.isVisibleTo(self) else None

    def update_matches(self, service_id: int | None, service_name: str, symptom: str) -> None:
        """Rank the active major incidents against what is typed; the highlight stays on the
        same incident when it still matches."""
        found = rank_outages(self._majors, service_id, service_name, symptom)
        kept = self.view.highlighted()
        if self.model.set_matches(found):
            ids = self.model.ids()
            self.view.highlight(ids.index(kept.major.id) if kept and kept.major.id in ids else 0)
        self.view.setVisible(bool(found))
        self.view.fit_rows(VISIBLE_MATCHES)
        if found:
            self.hint.setText("↑↓ choose · Ctrl+Enter links the highlighted one")
        elif self._majors:
            active = ", ".join(m.number for m in self._majors[:3])
            self.hint.setText(f"No match yet among the active outages ({active})")
        else:
            self.hint.setText("No active major incident")
        self._show_highlighted()

    def _show_highlighted(self) -> None:
        found = self.highlighted()
        if found is None:
            self.tell_caller.hide()
        else:
            said = what_to_say(found.major, self._clock.now())
            self.tell_caller.setText(f"<b>Tell the caller:</b> {said}")
            self.tell_caller.show()
        self.highlight_changed.emit(found)

    def _on_view_current_changed(self, *_args: object) -> None:
        self._show_highlighted()
