"""Regenerate the war-room screenshots in docs/ from the sample data:
`python tools/war_room_screenshots.py`.

The Email outage (INC0000201) at 8:55 on a bad Monday, rendered offscreen at 1600x900 on a fresh
SQLite file, so the pictures are repeatable; then the same room 17 minutes later, overdue.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from screenshot_stage import sample_stage, save, show

from app.services.incidents.reads import IncidentReads
from ui.war_room import WarRoomWindow

MONDAY = datetime(2026, 11, 23, 8, 55, tzinfo=UTC)


def main() -> None:
    stage = sample_stage(MONDAY)
    outage = IncidentReads(stage.ctx).find_by_number("INC0000201")
    window = WarRoomWindow(stage.console(), outage.id)
    show(window, stage, then=window.start)
    save(window, "war-room.png")
    stage.clock.advance(timedelta(minutes=17))  # the 09:10 update was missed
    window.controller.reload()
    window.controller.tick()
    stage.settle()
    save(window, "war-room-overdue.png")
    window.stop()
    window.close()


if __name__ == "__main__":
    main()
