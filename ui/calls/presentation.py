"""Words the call widgets share: times in local time, a caller's card, a match's two lines."""

from __future__ import annotations

from datetime import datetime
from html import escape

from app.services.calls.dto import ActiveMajor, CallerCard, RecentIncident
from app.services.calls.filters import OutageMatch
from ui.moments import day_and_time

VIP_MARK = "★ VIP"


def local_time(moment: datetime, now: datetime) -> str:
    """'09:12' today, 'Mon 09:12' this week, '05 Jan 09:12' before, '05 Jan 2025 09:12' in
    another year."""
    local, today = moment.astimezone(), now.astimezone()
    if local.date() == today.date():
        return local.strftime("%H:%M")
    if (today.date() - local.date()).days < 7:
        return local.strftime("%a %H:%M")
    return day_and_time(moment, now)


def caller_line(card: CallerCard) -> str:
    """One line for the type-ahead list: name, VIP mark, department and phone."""
    parts = [card.name + (f"  {VIP_MARK}" if card.vip else "")]
    parts += [p for p in (card.department, card.phone or card.email) if p]
    return " · ".join(parts)


def caller_card_html(
    card: CallerCard, now: datetime, open_incidents: tuple[RecentIncident, ...] = ()
) -> str:
    """The picked caller: who they are, their open incidents (an incoming call knows them), and
    what they called or opened recently."""
    vip = f'<b style="color:#b26a00">{VIP_MARK}</b> ' if card.vip else ""
    who = " · ".join(escape(p) for p in (card.department, card.phone, card.email) if p)
    lines = [f"{vip}<b>{escape(card.name)}</b>" + (f" · {who}" if who else "")]
    if open_incidents:
        still_open = [
            f"<b>{escape(i.number)}</b> {escape(i.title)} ({i.status.label})"
            for i in open_incidents
        ]
        lines.append("Open incidents: " + "; ".join(still_open))
    recent = [
        f"{local_time(c.at, now)} {escape(c.service or 'call')}: {escape(c.symptom or '—')}"
        + (f" ({escape(c.incident_number)})" if c.incident_number else "")
        for c in card.recent_calls
    ]
    if recent:
        lines.append("Recent calls: " + "; ".join(recent))
    shown = {i.id for i in open_incidents}
    incidents = [
        f"{escape(i.number)} {escape(i.title)} ({i.status.label})"
        for i in card.recent_incidents
        if i.id not in shown
    ]
    if incidents:
        lines.append("Incidents: " + "; ".join(incidents))
    if not recent and not incidents and not open_incidents:
        lines.append("No earlier calls or incidents.")
    return "<br>".join(lines)


def match_lines(found: OutageMatch, position: int) -> str:
    major = found.major
    key = f"Alt+{position}  " if position <= 9 else ""
    calls = f"{major.calls} call" + ("" if major.calls == 1 else "s")
    return f"{key}{major.number} · {major.title}\n      {calls} · matched on {found.reason}"


def what_to_say(major: ActiveMajor, now: datetime) -> str:
    text = major.what_to_say or "No public message yet: tell them we know and are working on it."
    if major.eta is not None:
        text += f"  (ETA\u00a0{local_time(major.eta, now)})"
    return text
