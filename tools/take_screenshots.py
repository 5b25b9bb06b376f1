"""Regenerate the screenshots in docs/ from the sample data: `python tools/take_screenshots.py`.

Renders offscreen at a fixed size on a fresh SQLite file, so the pictures are repeatable.
"""

from __future__ import annotations

from datetime import UTC, datetime

from screenshot_stage import sample_stage, save, show

from app.services.incidents.reads import IncidentReads
from ui.main_window import MainWindow

MONDAY = datetime(2026, 11, 23, 8, 55, tzinfo=UTC)


def main() -> None:
    stage = sample_stage(MONDAY)
    window = MainWindow(stage.console())
    show(window, stage, then=window.start)
    save(window, "queue.png")
    outage = IncidentReads(stage.ctx).find_by_number("INC0000201")
    window.table.select_incident(outage.id)
    window.incident_open_requested.emit(outage.id)
    stage.settle()
    save(window, "queue-with-editor.png")
    window.close()


if __name__ == "__main__":
    main()
