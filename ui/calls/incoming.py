"""An incoming call in the call form: `calmdesk call --from NUMBER` (or a `tel:` link) opens the
form at once, looks the number up off the UI thread, and fills in the caller (or "unknown
number"), their open incidents, the number to call back on and the service their open incident
is about, so the outage match shows before the agent says hello."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal

from app.services.calls.dto import IncomingCall
from app.services.calls.incoming import IncomingCalls

if TYPE_CHECKING:
    from ui.calls.call_form import LogCallForm


class IncomingCallFiller(QObject):
    shown = Signal(object)  # IncomingCall, once the form shows it filled
    failed = Signal(str)

    def __init__(self, form: LogCallForm) -> None:
        super().__init__(form)
        self._form = form
        self._calls = IncomingCalls(form.controller.context.services)
        self._token = 0

    def take(self, number: str) -> None:
        form = self._form
        form.open_form()
        form.show_hint(f"Incoming call from {number}: looking it up…")
        self._token += 1
        calls = self._calls
        form.controller.runner.submit(
            lambda: calls.identify(number),
            partial(self._on_identified, self._token),
            partial(self._on_failed, self._token, number),
        )

    def _on_failed(self, token: int, number: str, _error: Exception) -> None:
        if token == self._token:
            self._form.show_hint(f"Incoming call from {number}: could not look the number up.")
            self.failed.emit(number)

    def _on_identified(self, token: int, call: IncomingCall) -> None:
        if token != self._token:
            return  # another call came in meanwhile
        form = self._form
        if call.caller is not None:
            form.caller.set_caller(call.caller, call.open_incidents)
            who = call.caller.name
        elif call.callers:
            form.caller.offer(call.callers)
            who = f"{len(call.callers)} contacts share this number: pick one"
        else:
            form.caller.unknown_number(call.display)
            who = "unknown number"
        if not form.callback_number.text().strip():
            form.callback_number.setText(call.display)
        if call.service and not form.service.currentText().strip():
            form.service.setEditText(call.service)
        form.refresh_matches()
        form.show_hint(f"Incoming call from {call.display}: {who}")
        focus = form.symptom if call.caller is not None else form.caller.edit
        focus.setFocus(Qt.FocusReason.OtherFocusReason)
        self.shown.emit(call)
