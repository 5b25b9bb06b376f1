"""Supervisor reports on the full ServiceNow import: the service call behind the reports window
(every report at once: opened and resolved per day, MTTA, MTTR and SLA met by priority, reopen
rate, backlog age, major incidents) over the whole log and for its busiest team, and the
reports window from its Show button to painted (the two charts and every table)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from app.db.models import Incident
from app.services.reports.reads import Reports, ReportScope
from app.settings import load_settings
from bench.common import Result, median, ms, timed
from bench.data import open_ctx
from ui.console_context import ConsoleContext
from ui.reports.reports_window import ReportsWindow
from ui.task_runner import TaskRunner

TARGET_MS = 2000


def run(url: str, label: str, home: Path, repeat: int = 3) -> list[Result]:
    app = QApplication.instance() or QApplication([])
    ctx = open_ctx(url)
    try:
        with ctx.db.read() as session:
            first, last = session.execute(
                select(func.min(Incident.opened_at), func.max(Incident.opened_at))
            ).one()
            busiest = session.execute(
                select(Incident.team_id)
                .where(Incident.team_id.is_not(None))
                .group_by(Incident.team_id)
                .order_by(func.count().desc())
                .limit(1)
            ).scalar()
        whole = ReportScope(first, last + timedelta(days=1))
        team = ReportScope(first, last + timedelta(days=1), busiest)
        reports = Reports(ctx)
        report = reports.supervisor(whole)  # warm the file cache
        all_teams = median(timed(lambda: reports.supervisor(whole), repeat))
        one_team = median(timed(lambda: reports.supervisor(team), repeat))

        console = ConsoleContext.build(
            load_settings({"CALMDESK_HOME": str(home)}), ctx, TaskRunner(synchronous=True)
        )
        window = ReportsWindow(console)
        window.resize(1000, 720)
        window.set_range(QDate(first.date()), QDate(last.date()))

        def show() -> None:
            window.refresh_button.click()  # counts (synchronously here) and fills the window
            window.grab()  # paints it: both charts and the visible table

        drawn = median(timed(show, repeat))
        window.close()
        window.deleteLater()
        app.processEvents()
    finally:
        ctx.db.dispose()
    days = len(report.per_day.rows)
    scope_note = f"{report.resolved:,} resolved over {days} days"
    return [
        Result(
            f"reports, whole log, all teams ({label})",
            ms(all_teams),
            "ms",
            None,
            TARGET_MS,
            note=f"Reports.supervisor: every report in one call; {scope_note}",
        ),
        Result(
            f"reports, whole log, busiest team ({label})",
            ms(one_team),
            "ms",
            None,
            TARGET_MS,
            note="Reports.supervisor with a team",
        ),
        Result(
            f"reports window, Show to painted, all teams ({label})",
            ms(drawn),
            "ms",
            None,
            TARGET_MS,
            note="the same call, then two charts and the tables painted off screen",
        ),
    ]
