"""Regenerate docs/war-room-monitoring.png: `python tools/intake_screenshots.py`.

The sample data, then monitoring's HighErrorRate on Email arriving twice through the intake's
own service (app/services/intake), declared a major incident, and its war room rendered
offscreen at 1600x900 on a fresh SQLite file, at a fixed time, so the picture is repeatable.
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

from app.adapters.alert_mapping import example_mapping_text, parse_mapping
from app.bootstrap import start
from app.domain.alerts import AlertNotice, AlertStatus
from app.domain.clock import ManualClock
from app.services.admin.demo import load_demo
from app.services.context import ServiceContext
from app.services.incidents.commands import IncidentCommands
from app.services.incidents.reads import IncidentReads
from app.services.intake.commands import AlertIntake, monitoring_actor
from app.settings import load_settings
from ui.console_context import ConsoleContext
from ui.task_runner import TaskRunner
from ui.war_room import WarRoomWindow

DOCS = Path(__file__).resolve().parents[1] / "docs"
MONDAY = datetime(2026, 11, 23, 7, 40, tzinfo=UTC)


def main() -> None:
    app = QApplication.instance() or QApplication([])
    clock = ManualClock(MONDAY)
    session = start(load_settings(), clock=clock, login="sam.okafor")
    load_demo(session.ctx)
    ctx = session.ctx
    mapping = parse_mapping(example_mapping_text(), "mapping.example.toml")
    intake = AlertIntake(ServiceContext(ctx.db, clock, monitoring_actor(ctx.db)), mapping)
    notice = AlertNotice(
        "alertmanager",
        "HighErrorRate",
        AlertStatus.FIRING,
        {"alertname": "HighErrorRate", "severity": "critical", "service": "mail"},
        2,
        summary="5xx above 5% on the mail front ends",
        source_key='{}:{alertname="HighErrorRate"}',
        started_at=MONDAY - timedelta(minutes=3),
        source_url="http://alertmanager.example.com:9093",
    )
    receipt = intake.receive(notice)
    clock.advance(timedelta(minutes=4))
    intake.receive(notice)
    incident = IncidentReads(ctx).find_by_number(receipt.incident_number or "")
    IncidentCommands(ctx).declare_major(
        incident.id, incident.version, commander_id=ctx.actor.agent_id
    )
    clock.advance(timedelta(minutes=2))
    context = ConsoleContext.build(load_settings(), ctx, TaskRunner(synchronous=True))
    window = WarRoomWindow(context, incident.id)
    window.resize(1600, 900)
    window.show()
    window.start()
    app.processEvents()
    window.grab().save(str(DOCS / "war-room-monitoring.png"))
    window.stop()
    window.close()
    print(f"wrote {DOCS / 'war-room-monitoring.png'}")


if __name__ == "__main__":
    main()
