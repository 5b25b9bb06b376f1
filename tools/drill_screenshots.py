"""Regenerate the drill screenshots in docs/: `python tools/drill_screenshots.py`
(offscreen by default; `QT_QPA_PLATFORM=xcb xvfb-run -a python tools/drill_screenshots.py`
renders them through a real X server).

A week after a first rehearsal of the email-outage runbook, the sample's bad Monday gets a second
drill: the console 14 minutes in, with the drill banner and the violet DRILL row; then the
scorecard at the end, beside the first drill's figures.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from screenshot_stage import open_stage, save, show

from app.adapters.drill_scripts import shipped_script
from app.adapters.runbooks import load_runbook
from app.domain.clock import ManualClock
from app.domain.status_update import Audience, UpdateBody
from app.services.context import ServiceContext
from app.services.drills.commands import DrillCommands
from app.services.drills.reads import DrillReads
from app.services.incidents.commands import IncidentCommands
from app.services.incidents.reads import IncidentReads
from app.services.war_room.commands import WarRoomCommands
from app.services.war_room.dto import UpdateDraft
from app.services.war_room.reads import WarRoomReads
from app.services.war_room.status_updates import StatusUpdates
from ui.drills.scorecard_dialog import ScorecardDialog
from ui.main_window import MainWindow

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
    stage = open_stage(MONDAY - timedelta(days=7))
    clock, ctx = stage.clock, stage.ctx
    first = rehearse(ctx, clock, declare=12, update=31, ticks=[15, 40])
    clock.set(MONDAY - timedelta(days=7) + timedelta(minutes=50))
    DrillCommands(ctx).play_due()
    DrillCommands(ctx).end(first)
    DrillCommands(ctx).clean(first)
    clock.set(MONDAY)
    stage.sample()
    second = rehearse(ctx, clock, declare=6, update=9, ticks=[8, 11, 13])
    window = MainWindow(stage.console())
    show(window, stage, then=window.start)
    window.table.selectRow(2)  # the drill's own row shows its violet, unselected
    stage.settle()
    save(window, "drill-banner.png")
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
    stage.settle()
    save(dialog, "drill-scorecard.png")
    dialog.close()
    window.close()


if __name__ == "__main__":
    main()
