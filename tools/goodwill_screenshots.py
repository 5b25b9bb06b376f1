"""Regenerate the goodwill and status page screenshots in docs/ from the sample data:
`xvfb-run python tools/goodwill_screenshots.py` (or offscreen).

The Email outage (INC0000201) at 9:05 on a bad Monday, with a service credit owed to Finance, an
apology made to the Payroll team and a caller's callback owed; then the status page dialog's
preview of what the world would see.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["CALMDESK_HOME"] = tempfile.mkdtemp(prefix="calmdesk-shots-")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication

from app.bootstrap import start
from app.domain.clock import ManualClock
from app.domain.goodwill import GestureKind, GestureStatus, Recipient
from app.services.admin.demo import load_demo
from app.services.goodwill.commands import GoodwillCommands
from app.services.goodwill.dto import GestureDraft
from app.services.incidents.reads import IncidentReads
from app.services.war_room.commands import WarRoomCommands
from app.services.war_room.dto import WarRoomCallDraft
from app.settings import load_settings
from ui.console_context import ConsoleContext
from ui.status_page.status_page_dialog import open_status_page
from ui.task_runner import TaskRunner
from ui.war_room import WarRoomWindow

DOCS = Path(__file__).resolve().parents[1] / "docs"
MONDAY = datetime(2026, 11, 23, 9, 5, tzinfo=UTC)


def main() -> None:
    app = QApplication.instance() or QApplication([])
    clock = ManualClock(MONDAY)
    session = start(load_settings(), clock=clock, login="sam.okafor")
    load_demo(session.ctx)
    ctx = session.ctx
    context = ConsoleContext.build(load_settings(), ctx, TaskRunner(synchronous=True))
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
    window.resize(1600, 900)
    window.show()
    window.start()
    app.processEvents()
    window.grab().save(str(DOCS / "war-room-goodwill.png"))
    dialog = open_status_page(context, window)
    dialog.target.setText("/var/www/status")
    dialog.show_preview()
    app.processEvents()
    dialog.grab().save(str(DOCS / "status-page-preview.png"))
    dialog.close()
    window.stop()
    window.close()
    print(f"wrote {DOCS / 'war-room-goodwill.png'} and {DOCS / 'status-page-preview.png'}")


if __name__ == "__main__":
    main()
