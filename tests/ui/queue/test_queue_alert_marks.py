"""Incidents opened by monitoring are marked in the queue: ALERT in the title, and the alert's
name, labels, first and last firing and link in the title's tooltip."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.domain.alerts import AlertMapping, AlertNotice, AlertStatus
from app.domain.clock import ManualClock
from app.services.context import ServiceContext
from app.services.incidents.queue_filters import COLUMNS, Column, Viewer
from app.services.incidents.reads import IncidentReads
from app.services.intake.commands import AlertIntake, monitoring_actor
from tests.helpers import open_incident
from ui.queue.queue_model import QueueModel

TITLE = COLUMNS.index(Column.TITLE)


def test_an_incident_opened_by_monitoring_is_marked_with_its_alert(
    sqlite_ctx: ServiceContext, clock: ManualClock, qtbot: QtBot
) -> None:
    intake = AlertIntake(
        ServiceContext(sqlite_ctx.db, clock, monitoring_actor(sqlite_ctx.db)), AlertMapping()
    )
    notice = AlertNotice(
        "alertmanager",
        "HighErrorRate",
        AlertStatus.FIRING,
        {"alertname": "HighErrorRate", "severity": "critical", "service": "mail"},
        1,
        summary="5xx above 5%",
        source_key="{}:{alertname=HighErrorRate}",
        started_at=clock.now() - timedelta(minutes=3),
        source_url="http://alertmanager.example.com:9093",
    )
    alerted = intake.receive(notice)
    clock.advance(timedelta(minutes=5))
    intake.receive(notice)
    typed = open_incident(sqlite_ctx, "Printer jams")

    def viewer() -> Viewer:
        return Viewer(sqlite_ctx.actor.agent_id, None, clock.now(), clock.now())

    model = QueueModel(viewer)
    model.set_rows(IncidentReads(sqlite_ctx).queue_rows())
    rows = {model.row_at(n).number: n for n in range(model.rowCount())}
    marked = model.index(rows[alerted.incident_number or ""], TITLE)
    plain = model.index(rows[typed.number], TITLE)

    assert model.data(marked).startswith("ALERT · HighErrorRate on mail: 5xx above 5%")
    assert model.data(plain) == "Printer jams"
    tip = model.data(marked, Qt.ItemDataRole.ToolTipRole)
    assert "Opened by monitoring: HighErrorRate" in tip
    assert "Labels: service=mail, severity=critical" in tip
    assert "Source: http://alertmanager.example.com:9093" in tip
    first, last = (clock.now() - timedelta(minutes=8)), clock.now()
    fmt = "%a %d %b %H:%M"
    assert (
        f"First firing {first.astimezone().strftime(fmt)}, last {last.astimezone().strftime(fmt)}"
        in tip
    )
    assert model.data(plain, Qt.ItemDataRole.ToolTipRole) == "Printer jams"
    [fresh] = IncidentReads(sqlite_ctx).rows([model.row_at(marked.row()).id])  # a live update
    assert fresh.alert is not None
    assert (fresh.alert.name, fresh.alert.count) == ("HighErrorRate", 2)
