"""What each of the queue's cells shows: its text, its tooltip and its header's tip.

A cell is a function of its row, its column and the moment the queue reads the clock at; the
model (ui/queue/queue_model.py) decides which rows are shown in which order, this file how one
of them reads.
"""

from __future__ import annotations

from datetime import datetime

from app.domain.lifecycle import Status
from app.domain.sla import SlaState
from app.services.incidents.dto import IncidentRow
from app.services.incidents.queue_filters import Column, format_duration, sla
from ui.alert_marks import alert_text

HEADER_TIPS = {
    Column.PRIORITY: "Priority, from impact x urgency",
    Column.AGE: "Time since the incident was opened",
    Column.SLA: "Time left to the next due point: response, then resolution. "
    "Amber: 20% or less left; red: breached",
    Column.CALLS: "Calls from users linked to this incident",
    Column.UPDATED: "Time since the last change",
}


def cell_text(row: IncidentRow, column: Column, now: datetime) -> str:
    """The cell's text, as the agent reads it at `now`."""
    if column == Column.NUMBER:
        return row.number
    if column == Column.PRIORITY:
        return row.priority.short
    if column == Column.TITLE:
        marks = ("MAJOR · " if row.major else "") + ("ALERT · " if row.alert else "")
        return f"DRILL · {marks}{row.title}" if row.drill else f"{marks}{row.title}"
    if column == Column.SERVICE:
        return row.service
    if column == Column.STATUS:
        if row.status == Status.ON_HOLD and row.hold_reason:
            return f"On hold: {row.hold_reason.label.lower()}"
        return row.status.label
    if column == Column.ASSIGNEE:
        return row.assignee or "—"
    if column == Column.TEAM:
        return row.team
    if column == Column.AGE:
        return format_duration(now - row.opened_at)
    if column == Column.SLA:
        return _sla_text(row, now)
    if column == Column.CALLS:
        return str(row.calls) if row.calls else ""
    if column == Column.UPDATED:
        since = now - row.updated_at
        return "just now" if since.total_seconds() < 60 else f"{format_duration(since)} ago"
    raise AssertionError(column)


def cell_tooltip(row: IncidentRow, column: Column, now: datetime) -> str | None:
    """What hovering the cell tells beyond its text, or None."""
    if column == Column.SLA:
        reading = sla(row, now)
        what = "Response" if reading.target.value == "respond" else "Resolution"
        return f"{what} due {_local(reading.due)} ({reading.state.value.replace('_', ' ')})"
    if column == Column.PRIORITY:
        return row.priority.label
    if column in (Column.AGE, Column.UPDATED):
        moment = row.opened_at if column == Column.AGE else row.updated_at
        return _local(moment)
    if column == Column.TITLE:
        alert = row.alert
        return row.title if alert is None else f"{row.title}\n\n{alert_text(alert)}"
    return None


def breached(row: IncidentRow, now: datetime) -> bool:
    """Whether the row's SLA is breached at `now` (its SLA cell is then bold and red)."""
    return sla(row, now).state == SlaState.BREACHED


def _sla_text(row: IncidentRow, now: datetime) -> str:
    reading = sla(row, now)
    if reading.state == SlaState.MET:
        return "met"
    if reading.state == SlaState.PAUSED:
        return f"paused {format_duration(reading.left)}"
    if reading.state == SlaState.BREACHED:
        return f"{format_duration(-reading.left)} over"
    prefix = "respond " if reading.target.value == "respond" else ""
    return f"{prefix}{format_duration(reading.left)}"


def _local(moment: datetime) -> str:
    return moment.astimezone().strftime("%a %d %b %H:%M")
