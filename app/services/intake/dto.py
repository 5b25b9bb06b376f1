"""Frozen data about monitoring alerts, for the HTTP service, the queue and the war room."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class AlertMark:
    """What marks an incident as born from a monitoring alert."""

    name: str
    labels: dict[str, str]
    first_firing_at: datetime
    last_firing_at: datetime
    source_url: str
    state: str = "firing"  # firing | recovered
    count: int = 1
    flapping: bool = False

    @property
    def labels_text(self) -> str:
        """severity=critical, service=mail: the labels other than the alert's name."""
        return ", ".join(f"{k}={v}" for k, v in sorted(self.labels.items()) if k != "alertname")


def alert_mark(stored: Sequence[Any]) -> AlertMark:
    """The mark from an alert group's stored values: alert_name, labels, first_firing_at,
    last_firing_at, source_url, state, alert_count, and whether it is flapping."""
    name, labels, first, last, url, state, count, flapping = stored
    return AlertMark(name, dict(labels or {}), first, last, url, state, count, bool(flapping))


@dataclass(frozen=True, slots=True)
class AlertReceipt:
    """What one accepted notification did: the HTTP answer's body."""

    action: str  # open | repeat | recovered | refired | ignore
    incident_number: str | None
    alert_group_id: int | None
    alert_count: int
    note: str

    def as_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "incident": self.incident_number,
            "alert_group": self.alert_group_id,
            "alert_count": self.alert_count,
            "note": self.note,
        }
