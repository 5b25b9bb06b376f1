"""Regenerate docs/war-room-monitoring.png: `python tools/intake_screenshots.py`.

The sample data, then monitoring's HighErrorRate on Email arriving twice through the intake's
own service (app/services/intake), declared a major incident, and its war room rendered
offscreen at 1600x900 on a fresh SQLite file, at a fixed time, so the picture is repeatable.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from screenshot_stage import sample_stage, save, show

from app.adapters.alert_mapping import example_mapping_text, parse_mapping
from app.domain.alerts import AlertNotice, AlertStatus
from app.services.context import ServiceContext
from app.services.incidents.commands import IncidentCommands
from app.services.incidents.reads import IncidentReads
from app.services.intake.commands import AlertIntake, monitoring_actor
from ui.war_room import WarRoomWindow

MONDAY = datetime(2026, 11, 23, 7, 40, tzinfo=UTC)


def main() -> None:
    stage = sample_stage(MONDAY)
    clock, ctx = stage.clock, stage.ctx
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
    window = WarRoomWindow(stage.console(), incident.id)
    show(window, stage, then=window.start)
    save(window, "war-room-monitoring.png")
    window.stop()
    window.close()


if __name__ == "__main__":
    main()
