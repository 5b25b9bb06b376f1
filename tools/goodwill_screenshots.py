"""Regenerate the goodwill and status page screenshots in docs/ from the sample data:
`xvfb-run python tools/goodwill_screenshots.py` (or offscreen).

The Email outage (INC0000201) at 9:05 on a bad Monday, with a service credit owed to Finance, an
apology made to the Payroll team and a caller's callback owed; then the status page dialog's
preview of what the world would see.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from screenshot_stage import sample_stage, save, show

from app.domain.goodwill import GestureKind, GestureStatus, Recipient
from app.services.goodwill.commands import GoodwillCommands
from app.services.goodwill.dto import GestureDraft
from app.services.incidents.reads import IncidentReads
from app.services.war_room.commands import WarRoomCommands
from app.services.war_room.dto import WarRoomCallDraft
from ui.status_page.status_page_dialog import open_status_page
from ui.war_room import WarRoomWindow

MONDAY = datetime(2026, 11, 23, 9, 5, tzinfo=UTC)


def main() -> None:
    stage = sample_stage(MONDAY)
    clock, ctx = stage.clock, stage.ctx
    context = stage.console()
    outage = IncidentReads(ctx).find_by_number("INC0000201")
    goodwill = GoodwillCommands(ctx)
    goodwill.add(
        outage.id,
        GestureDraft(
            GestureKind.SERVICE_CREDIT,
            Recipient.DEPARTMENT,
            "Finance",
            ctx.actor.agent_id,
            date(2026, 11, 27),
            "Month-end deadline: one day's mail plan credited",
        ),
    )
    apology = goodwill.add(
        outage.id,
        GestureDraft(GestureKind.APOLOGY, Recipient.TEAM, "Payroll", ctx.actor.agent_id, None),
    )
    goodwill.add(
        outage.id,
        GestureDraft(
            GestureKind.EXTENDED_DEADLINE,
            Recipient.CALLER,
            "Grace Liu",
            ctx.actor.agent_id,
            date(2026, 11, 24),
            "Expense claims accepted until Tuesday",
        ),
    )
    clock.advance(timedelta(minutes=4))
    goodwill.settle(apology.id or 0, apology.version, GestureStatus.MADE)
    WarRoomCommands(ctx).add_call(
        outage.id, WarRoomCallDraft("Omar Haddad", "Cannot send invoices", callback_wanted=True)
    )
    window = WarRoomWindow(context, outage.id)
    show(window, stage, then=window.start)
    save(window, "war-room-goodwill.png")
    dialog = open_status_page(context, window)
    dialog.target.setText("/var/www/status")
    dialog.show_preview()
    stage.settle()
    save(dialog, "status-page-preview.png")
    dialog.close()
    window.stop()
    window.close()


if __name__ == "__main__":
    main()
