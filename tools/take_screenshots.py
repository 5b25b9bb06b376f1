"""Regenerate the screenshots in docs/ from the sample data: `python tools/take_screenshots.py`.

Renders offscreen at a fixed size on a fresh SQLite file, so the pictures are repeatable.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, datetime
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
from ui.main_window import MainWindow
from ui.task_runner import TaskRunner

DOCS = Path(__file__).resolve().parents[1] / "docs"
MONDAY = datetime(2026, 11, 23, 8, 55, tzinfo=UTC)


def main() -> None:
    app = QApplication.instance() or QApplication([])
    session = start(load_settings(), clock=ManualClock(MONDAY), login="sam.okafor")
    load_demo(session.ctx)
    context = ConsoleContext.build(load_settings(), session.ctx, TaskRunner(synchronous=True))
    window = MainWindow(context)
    window.resize(1600, 900)
    window.show()
    window.start()
    app.processEvents()
    window.grab().save(str(DOCS / "queue.png"))
    outage = IncidentReads(session.ctx).find_by_number("INC0000201")
    window.table.select_incident(outage.id)
    window.incident_open_requested.emit(outage.id)
    app.processEvents()
    window.grab().save(str(DOCS / "queue-with-editor.png"))
    window.close()
    print(f"wrote {DOCS / 'queue.png'} and {DOCS / 'queue-with-editor.png'}")


if __name__ == "__main__":
    main()
