"""A major incident opened by monitoring says so in the war room's header: the alert's name,
labels, state, first and last firing, and a link to it in its source."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.domain.alerts import AlertMapping, AlertNotice, AlertStatus
from app.domain.clock import ManualClock
from app.services.context import ServiceContext
from app.services.incidents.commands import IncidentCommands
from app.services.incidents.reads import IncidentReads
from app.services.intake.commands import AlertIntake, monitoring_actor
from tests.ui.war_room.conftest import show_war_room
from ui.console_context import ConsoleContext


def test_the_header_shows_the_monitoring_alert_behind_the_incident(
    qtbot: QtBot, console: ConsoleContext, sqlite_ctx: ServiceContext, clock: ManualClock
) -> None:
    intake = AlertIntake(
        ServiceContext(sqlite_ctx.db, clock, monitoring_actor(sqlite_ctx.db)), AlertMapping()
    )
    labels = {"alertname": "MailQueueStuck", "severity": "critical", "service": "mail"}
    notice = AlertNotice(
        "generic", "MailQueueStuck", AlertStatus.FIRING, labels, 1,
        source_url="https://grafana.example.com/d/mail?viewPanel=4",
    )  # fmt: skip
    receipt = intake.receive(notice)
    incident = IncidentReads(sqlite_ctx).find_by_number(receipt.incident_number or "")
    IncidentCommands(sqlite_ctx).declare_major(
        incident.id, incident.version, commander_id=sqlite_ctx.actor.agent_id
    )

    window = show_war_room(qtbot, console, incident.id)
    try:
        header = window.header
        assert header.monitoring.isVisible()
        text = header.monitoring.text()
        assert "MailQueueStuck (service=mail, severity=critical) · firing" in text
        link = "https://grafana.example.com/d/mail?viewPanel=4"
        assert f'<a href="{link}" style="color: #ffffff">open in source</a>' in text
        assert "1 alert" in text

        with qtbot.waitSignal(window.snapshot_applied):
            intake.receive(notice)
            window.controller.reload()
        assert "2 alerts" in header.monitoring.text()
    finally:
        window.stop()


def test_the_header_has_no_monitoring_line_for_an_incident_people_opened(
    war_room: object,
) -> None:
    from ui.war_room import WarRoomWindow

    assert isinstance(war_room, WarRoomWindow)
    assert not war_room.header.monitoring.isVisible()
