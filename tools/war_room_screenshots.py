"""Regenerate the war-room screenshots in docs/ from the sample data:
`python tools/war_room_screenshots.py`.

The Email outage (INC0000201) at 8:55 on a bad Monday, rendered offscreen at 1600x900 on a fresh
SQLite file, so the pictures are repeatable; then the same room 17 minutes later, overdue.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["CALMDESK_HOME"] = tempfile.mkdtemp(prefix="calmdesk-shots-")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication

from app.bootstrap import start
from app.domain.clock import ManualClock
from app.services.admin.demo import load_demo
from app.services.incidents.reads import IncidentReads
from app.settings import load_settings
from ui.console_context import ConsoleContext
from ui.task_runner import TaskRunner
from ui.war_room import WarRoomWindow

DOCS = Path(__file__).resolve().parents[1] / "docs"
MONDAY = datetime(2026, 11, 23, 8, 55, tzinfo=UTC)


def main() -> None:
    app = QApplication.instance() or QApplication([])
    clock = ManualClock(MONDAY)
    session = start(load_settings(), clock=clock, login="sam.okafor")
    load_demo(session.ctx)
    context = ConsoleContext.build(load_settings(), session.ctx, TaskRunner(synchronous=True))
    outage = IncidentReads(session.ctx).find_by_number("INC0000201")
    window = WarRoomWindow(context, outage.id)
    window.resize(1600, 900)
    window.show()
    window.start()
    app.processEvents()
    window.grab().save(str(DOCS / "war-room.png"))
    clock.advance(timedelta(minutes=17))  # the 09:10 update was missed
    window.controller.reload()
    window.controller.tick()
    app.processEvents()
    window.grab().save(str(DOCS / "war-room-overdue.png"))
    window.stop()
    window.close()
    print(f"wrote {DOCS / 'war-room.png'} and {DOCS / 'war-room-overdue.png'}")


if __name__ == "__main__":
    main()
