"""Who else has this incident or war room open: a label any window can hold.

    label = PresenceLabel(context, incident_subject(incident.id), parent)
    label.set_subject(war_room_subject(other_id))   # when the window shows another record
    label.stop()                                    # when the window closes

It says "here" every heartbeat on the task runner, never on the UI thread, and hides itself
when nobody else is there."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

from app.services.incidents.presence import HEARTBEAT, PresenceService
from ui.console_context import ConsoleContext


class PresenceTracker(QObject):
    others_changed = Signal(list)  # names of the other agents who have the subject open

    def __init__(
        self, context: ConsoleContext, subject: str | None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = context
        self._service = PresenceService(context.services)
        self._subject: str | None = None
        self.others: list[str] = []
        self._timer = QTimer(self)
        self._timer.setInterval(int(HEARTBEAT.total_seconds() * 1000))
        self._timer.timeout.connect(self.beat)
        if subject is not None:
            self.set_subject(subject)

    @property
    def subject(self) -> str | None:
        return self._subject

    def set_subject(self, subject: str | None) -> None:
        if subject == self._subject:
            return
        self._leave()
        self._subject = subject
        self._set_others([])
        if subject is None:
            self._timer.stop()
            return
        self.beat()
        self._timer.start()

    def beat(self) -> None:
        subject, service = self._subject, self._service
        if subject is None:
            return

        def done(names: list[str]) -> None:
            if subject == self._subject:
                self._set_others(names)

        # A failed heartbeat is not worth a message: the next one tries again.
        self._ctx.runner.submit(lambda: service.here(subject), done, lambda _exc: None)

    def stop(self) -> None:
        self._timer.stop()
        self._leave()
        self._subject = None

    def _leave(self) -> None:
        subject, service = self._subject, self._service
        if subject is not None:
            self._ctx.runner.submit(lambda: service.left(subject), None, lambda _exc: None)

    def _set_others(self, names: list[str]) -> None:
        if names != self.others:
            self.others = names
            self.others_changed.emit(names)


def presence_text(names: list[str]) -> str:
    if not names:
        return ""
    if len(names) == 1:
        return f"● {names[0]} also has this open"
    return f"● Also open by {', '.join(names[:-1])} and {names[-1]}"


class PresenceLabel(QLabel):
    def __init__(
        self, context: ConsoleContext, subject: str | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName("Who else has this open")
        self.setVisible(False)
        self.tracker = PresenceTracker(context, None, self)
        self.tracker.others_changed.connect(self._on_tracker_others_changed)
        self.tracker.set_subject(subject)

    def set_subject(self, subject: str | None) -> None:
        self.tracker.set_subject(subject)

    def stop(self) -> None:
        self.tracker.stop()

    def _on_tracker_others_changed(self, names: list[str]) -> None:
        self.setText(presence_text(names))
        self.setToolTip("Colleagues who have this open right now" if names else "")
        self.setVisible(bool(names))
