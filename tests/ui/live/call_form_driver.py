"""The real call form in a process of its own, for the hard-kill test: it signs in, prints READY,
waits for GO on stdin (the test silences the line meanwhile), types a call and presses Enter,
and prints CLEARED the moment the form is blank and ready for the next caller. The test kills it
with SIGKILL right then, while the call is still on its way to a database that does not answer.

    CALMDESK_HOME=... python -m tests.ui.live.call_form_driver DATABASE_URL CALLER_NAME
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.db.engine import open_database
from app.domain.clock import SystemClock
from app.services.context import ServiceContext
from app.services.directory.reads import sign_in
from app.settings import load_settings
from ui.calls.call_form import LogCallForm
from ui.calls.controller import CallsController
from ui.console_context import ConsoleContext
from ui.task_runner import TaskRunner


def main(url: str, caller: str) -> int:
    app = QApplication([])
    db = open_database(url)
    ctx = ServiceContext(db=db, clock=SystemClock(), actor=sign_in(db, "admin.alice", "Alice"))
    console = ConsoleContext.build(load_settings(), ctx, TaskRunner())
    form = LogCallForm(CallsController(console))
    form.show()
    print("READY", flush=True)
    if sys.stdin.readline().strip() != "GO":
        return 1

    def enter() -> None:
        form.caller.edit.setText(caller)
        form.symptom.setText("Cannot print")
        if form.save() and form.is_blank():
            print("CLEARED", flush=True)

    QTimer.singleShot(0, enter)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
