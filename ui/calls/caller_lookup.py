"""The Caller field with its type-ahead: matching contacts appear under it as the agent types
(by name, phone or e-mail, VIPs marked); Down/Up move through them, Enter or Tab takes the
highlighted one, and the picked caller's recent calls and incidents show below.

Look-ups run on the task runner a moment after typing pauses; a stale answer is dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from html import escape
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QLabel, QLineEdit, QListView, QVBoxLayout, QWidget

from app.domain.clock import Clock
from app.services.calls.dto import CallerCard, RecentIncident
from app.services.calls.reads import CallReads
from ui.calls.presentation import caller_card_html, caller_line
from ui.model_index import ModelIndex
from ui.task_runner import TaskRunner

LOOKUP_DELAY_MS = 150
# How long a key pressed right after typing waits for the look-up's answer before it acts
# anyway: a slow or silent database never holds up logging a call (it goes to the outbox).
SETTLE_MS = 300
MIN_LOOKUP_CHARS = 2
# What Enter in the field did (`CallerLookup.enter`), for the form to go on.
PICKED, OFFERED, SAVE = "picked", "offered", "save"
OFFERED_HINT = (
    "Enter takes the highlighted contact; Esc, then Enter, saves “{typed}” as a new caller."
)


def looks_like_a_name(text: str) -> bool:
    """A typed name (worth saving as a contact), not a phone number or an e-mail address."""
    return any(ch.isalpha() for ch in text) and "@" not in text


class CallerListModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cards: tuple[CallerCard, ...] = ()

    def set_cards(self, cards: Sequence[CallerCard]) -> None:
        self.beginResetModel()
        self._cards = tuple(cards)
        self.endResetModel()

    def card(self, row: int) -> CallerCard:
        return self._cards[row]

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._cards)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._cards):
            return None
        card = self._cards[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return caller_line(card)
        if role == Qt.ItemDataRole.ToolTipRole:
            return card.email or None
        return None


class CallerLookup(QWidget):
    picked_changed = Signal(object)  # the CallerCard picked, or None when the text moved on
    lookup_done = Signal(int)  # how many contacts matched: tests wait on it

    def __init__(
        self, runner: TaskRunner, reads: CallReads, clock: Clock, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._runner, self._reads, self._clock = runner, reads, clock
        self._picked: CallerCard | None = None
        self._open: tuple[RecentIncident, ...] = ()  # the picked caller's, when known
        self._unknown_number = ""  # an incoming call from a number no contact has
        self._token = 0
        self._in_flight = False  # a look-up of what is typed is on its way
        self._then: Callable[[], None] | None = None  # waits for that look-up's answer
        self.edit = QLineEdit(self)
        self.edit.setAccessibleName("Caller")
        self.edit.setPlaceholderText("Name, phone or e-mail")
        self.edit.setClearButtonEnabled(True)
        self.model = CallerListModel(self)
        self.suggestions = QListView(self)
        self.suggestions.setModel(self.model)
        self.suggestions.setAccessibleName("Matching callers")
        self.suggestions.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # driven from the field
        self.suggestions.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.suggestions.setUniformItemSizes(True)
        self.suggestions.setMaximumHeight(4 * 22 + 6)
        self.suggestions.hide()
        self.card = QLabel(self)
        self.card.setAccessibleName("Caller details")
        self.card.setWordWrap(True)
        self.card.setTextFormat(Qt.TextFormat.RichText)
        self.card.setObjectName("callerCard")
        self.card.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addWidget(self.edit)
        layout.addWidget(self.suggestions)
        layout.addWidget(self.card)
        self.setFocusProxy(self.edit)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(LOOKUP_DELAY_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._settle_timer = QTimer(self)
        self._settle_timer.setSingleShot(True)
        self._settle_timer.setInterval(SETTLE_MS)
        self._settle_timer.timeout.connect(self._run_waiting)
        self.edit.textEdited.connect(self._on_edit_text_edited)
        self.edit.installEventFilter(self)
        self.suggestions.clicked.connect(self._on_suggestions_clicked)

    # -- what the form asks -----------------------------------------------------------------

    def picked(self) -> CallerCard | None:
        """The picked contact, as long as the field still shows their name."""
        if self._picked is not None and self._picked.name == self.text():
            return self._picked
        return None

    def text(self) -> str:
        return " ".join(self.edit.text().split())

    def is_navigating(self) -> bool:
        return self.suggestions.isVisible() and self.suggestions.currentIndex().isValid()

    def settle(self, then: Callable[[], None]) -> None:
        """Run `then` once the look-up of what is typed has answered, at once when none is on
        its way (one waiting for its delay is asked now): a key pressed a moment after typing
        acts on the list as it will be, not on the list not yet up."""
        if not self._looking_up():
            then()
            return
        self._then = then
        self._settle_timer.start()
        if self._timer.isActive():
            self._timer.stop()
            self._on_timer_timeout()

    def _looking_up(self) -> bool:
        """A look-up of what is typed is due (waiting for a pause in typing) or on its way."""
        return self._timer.isActive() or self._in_flight

    def enter(self) -> str:
        """Enter, once the list is what it will be (`settle`): the highlighted contact is taken
        (PICKED); a whole name that is the one listed contact's is taken and the call is to be
        saved (SAVE); with contacts listed and none chosen, the first is highlighted rather than
        a new contact made beside them (OFFERED); else the call is to be saved (SAVE)."""
        if self.pick_highlighted():
            return PICKED
        listed = self.model.rowCount() if self.suggestions.isVisible() else 0
        if listed == 1 and self.model.card(0).name.casefold() == self.text().casefold():
            self.set_caller(self.model.card(0))
            return SAVE
        if listed:
            self.highlight_first()
            return OFFERED
        return SAVE

    def highlight_first(self) -> None:
        if self.suggestions.isVisible() and self.model.rowCount():
            self.suggestions.setCurrentIndex(self.model.index(0))

    def pick_highlighted(self) -> bool:
        """Take the highlighted suggestion; False when none is highlighted."""
        if not self.is_navigating():
            return False
        self.set_caller(self.model.card(self.suggestions.currentIndex().row()))
        return True

    def set_caller(
        self, card: CallerCard | None, open_incidents: tuple[RecentIncident, ...] = ()
    ) -> None:
        self._timer.stop()
        self._token += 1  # any look-up on its way is now stale
        self._in_flight, self._then = False, None
        self._settle_timer.stop()
        self._picked = card
        self._open = open_incidents
        self._unknown_number = ""
        self.edit.setText(card.name if card else "")
        self._hide_suggestions()
        self._show_card()
        self.picked_changed.emit(card)

    def clear(self) -> None:
        self.set_caller(None)

    def offer(self, cards: Sequence[CallerCard]) -> None:
        """Several contacts share the number that is calling: list them, the first highlighted,
        for the agent to take with Enter or Tab."""
        self.set_caller(None)
        self.model.set_cards(cards)
        self.suggestions.show()
        self.suggestions.setCurrentIndex(self.model.index(0))

    def unknown_number(self, number: str) -> None:
        """No contact has the number that is calling: the field waits for the caller's name."""
        self.set_caller(None)
        self._unknown_number = number
        self._show_card()

    # -- typing -----------------------------------------------------------------------------

    def _on_edit_text_edited(self, text: str) -> None:
        if self._picked is not None and self._picked.name != self.text():
            self._picked = None
            self.picked_changed.emit(None)
        self._show_card()
        if len(text.strip()) >= MIN_LOOKUP_CHARS:
            self._timer.start()
        else:
            self._timer.stop()
            self._token += 1
            self._in_flight = False
            self._hide_suggestions()
            self._run_waiting()

    def _on_timer_timeout(self) -> None:
        self._token += 1
        self._in_flight = True
        token, text, reads = self._token, self.text(), self._reads
        self._runner.submit(
            lambda: reads.find_callers(text),
            partial(self._on_found, token),
            partial(self._on_lookup_failed, token),  # no list; saving names any real problem
        )

    def _on_lookup_failed(self, token: int, _error: Exception) -> None:
        self._on_found(token, [])

    def _on_found(self, token: int, found: list[CallerCard]) -> None:
        if token != self._token:
            return  # the agent typed on; a later look-up is coming
        self._in_flight = False
        self.model.set_cards(found)
        if found and not self.picked():
            self.suggestions.show()
        else:
            self._hide_suggestions()
        self.lookup_done.emit(len(found))
        self._run_waiting()

    def _run_waiting(self) -> None:
        self._settle_timer.stop()
        then, self._then = self._then, None
        if then is not None:
            then()

    def _hide_suggestions(self) -> None:
        self.suggestions.hide()
        self.suggestions.setCurrentIndex(QModelIndex())

    def _show_card(self) -> None:
        picked = self.picked()
        if picked is not None:
            self.card.setText(caller_card_html(picked, self._clock.now(), self._open))
            self.card.show()
        elif self._unknown_number and not self.text():
            self.card.setText(
                f"<b>Unknown number</b> {escape(self._unknown_number)}: type the caller's "
                "name; they are saved to the contacts with this number."
            )
            self.card.show()
        elif self.text() and looks_like_a_name(self.text()):
            self.card.setText("New caller: saved to the contacts with this call.")
            self.card.show()
        else:
            self.card.hide()

    def _move(self, step: int) -> None:
        rows = self.model.rowCount()
        if not rows or not self.suggestions.isVisible():
            return
        current = self.suggestions.currentIndex()
        row = current.row() + step if current.isValid() else (0 if step > 0 else -1)
        if row < 0:
            self.suggestions.setCurrentIndex(QModelIndex())  # back to the typed text
            return
        self.suggestions.setCurrentIndex(self.model.index(min(row, rows - 1)))

    def _on_suggestions_clicked(self, index: QModelIndex) -> None:
        self.set_caller(self.model.card(index.row()))
        self.edit.setFocus(Qt.FocusReason.MouseFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key == Qt.Key.Key_Down and self.suggestions.isVisible():
                self._move(1)
                return True
            if key == Qt.Key.Key_Down and self._looking_up():
                self.settle(self.highlight_first)  # Down before the list is up: its first
                return True
            if key == Qt.Key.Key_Up and self.suggestions.isVisible():
                self._move(-1)
                return True
            if key == Qt.Key.Key_Escape and self.suggestions.isVisible():
                self._hide_suggestions()
                return True
            if key == Qt.Key.Key_Tab and self.is_navigating():
                self.pick_highlighted()
                return False  # and move on, as Tab does
        return super().eventFilter(watched, event)
