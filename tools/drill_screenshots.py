"""Regenerate the drill screenshots in docs/: `python tools/drill_screenshots.py`
(offscreen by default; `QT_QPA_PLATFORM=xcb xvfb-run -a python tools/drill_screenshots.py`
renders them through a real X server).

A week after a first rehearsal of the email-outage runbook, the sample's bad Monday gets a second
drill: the console 14 minutes in, with the drill banner and the violet DRILL row; then the
scorecard at the end, beside the first drill's figures.
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

from app.adapters.drill_scripts import shipped_script
from app.adapters.runbooks import load_runbook
from app.bootstrap import start
from app.domain.clock import ManualClock
from app.domain.status_update import Audience, UpdateBody
from app.services.admin.demo import load_demo
from app.services.context import ServiceContext
from app.services.drills.commands import DrillCommands
from app.services.drills.reads import DrillReads
from app.services.incidents.commands import IncidentCommands
from app.services.incidents.reads import IncidentReads
from app.services.war_room.commands import WarRoomCommands
from app.services.war_room.dto import UpdateDraft
from app.services.war_room.reads import WarRoomReads
from app.services.war_room.status_updates import StatusUpdates
from app.settings import load_settings
from ui.console_context import ConsoleContext
from ui.drills.scorecard_dialog import ScorecardDialog
from ui.main_window import MainWindow
from ui.task_runner import TaskRunner

DOCS = Path(__file__).resolve().parents[1] / "docs"
MONDAY = datetime(2026, 11, 23, 8, 55, tzinfo=UTC)
BODY = UpdateBody(
    what_happened="Outlook cannot connect for most people since 8:55.",
    current_impact="Mail cannot be sent or received in Outlook; webmail works.",
    actions="The mail team is working with Microsoft.",
    workaround="Use webmail (outlook.office.com) or Teams chat.",
    eta=None,
    next_update_at=None,
)


def rehearse(
    ctx: ServiceContext, clock: ManualClock, declare: int, update: int, ticks: list[int]
) -> int:
    """Start the email drill now; declare, update and tick at these minutes; play to minute 14."""
    began = clock.now()
    drill = DrillCommands(ctx).start(shipped_script("email-outage"), load_runbook("email-outage"))
    assert drill.incident_id is not None
    moments: list[tuple[int, str, int]] = [(declare, "declare", 0), (update, "update", 0)]
    moments += [(m, "tick", n) for n, m in enumerate(ticks)]
    for minute, what, n in sorted(moments):
        clock.set(began + timedelta(minutes=minute))
        DrillCommands(ctx).play_due()
        detail = IncidentReads(ctx).detail(drill.incident_id)
        if what == "declare":
            IncidentCommands(ctx).declare_major(
                detail.id,
                detail.version,
                commander_id=ctx.actor.agent_id,
                runbook=load_runbook("email-outage"),
            )
        elif what == "update":
            StatusUpdates(ctx).post(detail.id, UpdateDraft(Audience.ALL_USERS, BODY))
        else:
            item = WarRoomReads(ctx).snapshot(detail.id).checklist[n]
            WarRoomCommands(ctx).set_item_done(item.id, True)
    clock.set(began + timedelta(minutes=14))
    DrillCommands(ctx).play_due()
    return drill.id


def main() -> None:
    app = QApplication.instance() or QApplication([])
    clock = ManualClock(MONDAY - timedelta(days=7))
    session = start(load_settings(), clock=clock, login="sam.okafor")
    ctx = session.ctx
    first = rehearse(ctx, clock, declare=12, update=31, ticks=[15, 40])
    clock.set(MONDAY - timedelta(days=7) + timedelta(minutes=50))
    DrillCommands(ctx).play_due()
    DrillCommands(ctx).end(first)
    DrillCommands(ctx).clean(first)
    clock.set(MONDAY)
    load_demo(ctx)
    context = ConsoleContext.build(load_settings(), ctx, TaskRunner(synchronous=True))
    second = rehearse(ctx, clock, declare=6, update=9, ticks=[8, 11, 13])
    window = MainWindow(context)
    window.resize(1600, 900)
    window.show()
    window.start()
    window.table.selectRow(2)  # the drill's own row shows its violet, unselected
    app.processEvents()
    window.grab().save(str(DOCS / "drill-banner.png"))
    clock.set(MONDAY + timedelta(minutes=45))
    DrillCommands(ctx).play_due()
    StatusUpdates(ctx).post(
        IncidentReads(ctx).detail(DrillReads(ctx).running()[0].incident_id or 0).id,
        UpdateDraft(Audience.ALL_USERS, BODY),
    )
    clock.set(MONDAY + timedelta(minutes=50))
    DrillCommands(ctx).end(second)
    dialog = ScorecardDialog(DrillReads(ctx).scorecard(second), window)
    dialog.resize(980, 540)
    dialog.show()
    app.processEvents()
    dialog.grab().save(str(DOCS / "drill-scorecard.png"))
    dialog.close()
    window.close()
    print(f"wrote {DOCS / 'drill-banner.png'} and {DOCS / 'drill-scorecard.png'}")


if __name__ == "__main__":
    main()
