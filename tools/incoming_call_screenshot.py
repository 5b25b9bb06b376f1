"""Regenerate docs/incoming-call.png: the call form as an incoming call leaves it, on the sample
data (a caller with an open Email incident ringing during the Email outage).

    xvfb-run -a python tools/incoming_call_screenshot.py

Runs on a fresh SQLite file in a temporary CALMDESK_HOME, with the phone region GB.
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

os.environ["CALMDESK_HOME"] = tempfile.mkdtemp(prefix="calmdesk-shots-")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from app.bootstrap import start
from app.db.models import Contact, Incident, Service
from app.domain.clock import ManualClock
from app.domain.lifecycle import OPEN_STATUSES
from app.services.admin.demo import load_demo
from app.services.context import ServiceContext
from app.settings import load_settings
from ui.console_context import ConsoleContext
from ui.main_window import MainWindow
from ui.task_runner import TaskRunner

DOCS = Path(__file__).resolve().parents[1] / "docs"
MONDAY = datetime(2026, 11, 23, 8, 55, tzinfo=UTC)


def _ringing_number(ctx: ServiceContext) -> str:
    """The number of a caller who has an open, non-major Email incident in the sample."""
    open_statuses = [s.value for s in OPEN_STATUSES]
    with ctx.db.read() as session:
        phone = session.scalar(
            select(Contact.phone)
            .join(Incident, Incident.caller_id == Contact.id)
            .join(Service, Service.id == Incident.service_id)
            .where(
                Service.name == "Email",
                Incident.status.in_(open_statuses),
                Incident.major.is_(False),
                Contact.phone.is_not(None),
            )
            .order_by(Incident.opened_at.desc())
            .limit(1)
        )
    if phone is None:
        raise SystemExit("the sample has no caller with an open Email incident")
    return "0" + str(phone).removeprefix("+44 ")  # rung as a UK softphone shows it


def main() -> None:
    app = QApplication.instance() or QApplication([])
    session = start(load_settings(), clock=ManualClock(MONDAY), login="sam.okafor")
    ctx = replace(session.ctx, phone_region="GB")
    load_demo(ctx)
    context = ConsoleContext.build(load_settings(), ctx, TaskRunner(synchronous=True))
    window = MainWindow(context)
    window.resize(1600, 900)
    window.show()
    window.start()
    app.processEvents()
    number = _ringing_number(ctx)
    form = window.calls.form
    shown: list[object] = []
    form.incoming.shown.connect(shown.append)
    window.calls.take_incoming(number)
    while not shown:
        app.processEvents()
    for _ in range(5):
        app.processEvents()
    form.grab().save(str(DOCS / "incoming-call.png"))
    window.close()
    print(f"wrote {DOCS / 'incoming-call.png'} (incoming call from {number})")


if __name__ == "__main__":
    main()
