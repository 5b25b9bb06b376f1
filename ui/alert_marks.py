"""How the queue and the war room show that monitoring opened an incident: the alert's name,
labels, first and last firing (local times), and a link to it in its source."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from app.domain.status_update import local_clock
from app.services.intake.dto import AlertMark


def _local(moment: datetime) -> str:
    return moment.astimezone().strftime("%a %d %b %H:%M")


def alert_text(alert: AlertMark) -> str:
    """A few plain lines, for a tooltip."""
    lines = [f"Opened by monitoring: {alert.name}"]
    if alert.labels_text:
        lines.append(f"Labels: {alert.labels_text}")
    lines.append(
        f"First firing {_local(alert.first_firing_at)}, last {_local(alert.last_firing_at)}"
    )
    if alert.source_url:
        lines.append(f"Source: {alert.source_url}")
    return "\n".join(lines)


def monitoring_html(alerts: Sequence[AlertMark], link_colour: str = "") -> str:
    """One line per alert: name, labels, state, first and last firing, count, source link
    (in `link_colour` when given: Qt's default blue is unreadable on a dark band)."""
    style = f' style="color: {link_colour}"' if link_colour else ""
    lines = []
    for alert in alerts:
        labels = f" ({escape(alert.labels_text)})" if alert.labels_text else ""
        state = " · flapping" if alert.flapping else f" · {alert.state}"
        link = (
            f' · <a href="{escape(alert.source_url, quote=True)}"{style}>open in source</a>'
            if alert.source_url.startswith(("http://", "https://"))
            else ""
        )
        lines.append(
            f"<b>Monitoring</b>: {escape(alert.name)}{labels}{state} · first firing "
            f"{local_clock(alert.first_firing_at)}, last {local_clock(alert.last_firing_at)}"
            f" · {alert.count} alert{'s' if alert.count != 1 else ''}{link}"
        )
    return "<br>".join(lines)
