"""A handover report as readable HTML: headings and lists, no colour-only meaning."""

from __future__ import annotations

from datetime import datetime
from html import escape

from app.services.handover.dto import HandoverReport


def _at(moment: datetime | None) -> str:
    return "—" if moment is None else f"{moment.astimezone():%a %H:%M}"


def _section(title: str, lines: list[str], empty: str) -> str:
    body = "".join(f"<li>{line}</li>" for line in lines) if lines else f"<li>{empty}</li>"
    return f"<h3>{escape(title)} ({len(lines)})</h3><ul>{body}</ul>"


def report_html(report: HandoverReport) -> str:
    e = escape
    parts = [f"<p>Drawn up {_at(report.drawn_at)}. Drills are left out.</p>"]
    parts.append(
        _section(
            "Open major incidents",
            [
                f"<b>{e(m.number)}</b> {e(m.title)} · commander {e(m.commander or 'nobody')} · "
                f"next update due {_at(m.next_update_due)}"
                for m in report.majors
            ],
            "None.",
        )
    )
    parts.append(
        _section(
            "SLA breached",
            [
                f"<b>{e(s.number)}</b> {e(s.priority)} {e(s.title)} · "
                f"{e(s.assignee or 'unassigned')} · was due {_at(s.due)}"
                for s in report.breached
            ],
            "None.",
        )
    )
    parts.append(
        _section(
            "SLA at risk",
            [
                f"<b>{e(s.number)}</b> {e(s.priority)} {e(s.title)} · "
                f"{e(s.assignee or 'unassigned')} · due {_at(s.due)}"
                for s in report.at_risk
            ],
            "None.",
        )
    )
    parts.append(
        _section(
            "Callbacks owed",
            [
                f"{e(c.caller)} · {e(c.number or 'no incident')} · asked {_at(c.since)}"
                for c in report.callbacks
            ],
            "None.",
        )
    )
    if report.gestures is None:
        parts.append(
            "<h3>Goodwill gestures owed</h3><ul><li>Not kept in this database yet: check the "
            "war rooms' notes.</li></ul>"
        )
    else:
        parts.append(
            _section(
                "Goodwill gestures owed",
                [
                    f"<b>{e(g.number)}</b> {e(g.kind)} to {e(g.to_whom)} · {e(g.owner)} · "
                    f"due {_at(g.due)}"
                    for g in report.gestures
                ],
                "None.",
            )
        )
    parts.append(
        _section(
            "On hold, waiting on vendors",
            [
                f"<b>{e(v.number)}</b> {e(v.title)} · {e(v.vendor)} · their ETA {_at(v.vendor_eta)}"
                for v in report.waiting_on_vendors
            ],
            "None.",
        )
    )
    return "".join(parts)
