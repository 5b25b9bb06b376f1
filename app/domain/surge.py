"""Surge detection: many calls about one service in a short time, and no major incident for it.

When it fires, the console suggests declaring a major incident ("Possible major incident: 7 calls
about Email in the last 10 min"). A call counts while it is at most `window` old: a call made
exactly `window` ago still counts, one a second older does not.

Monitoring counts too: a monitoring alert group on the service that is firing (or fired within
the window) weighs as `alert_weight` calls, so "monitoring fires and three users call" is a surge
as soon as five calls alone would be. A surge still needs at least one call: an alert alone has
already opened its own incident.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.domain.errors import RuleViolation

DEFAULT_THRESHOLD = 5
DEFAULT_WINDOW = timedelta(minutes=10)
DEFAULT_ALERT_WEIGHT = 2


@dataclass(frozen=True)
class SurgeRule:
    """`threshold` calls within `window` about one service make a surge; a firing monitoring
    alert on the service counts as `alert_weight` calls."""

    threshold: int = DEFAULT_THRESHOLD
    window: timedelta = DEFAULT_WINDOW
    alert_weight: int = DEFAULT_ALERT_WEIGHT

    def __post_init__(self) -> None:
        if self.threshold < 2:
            raise RuleViolation("A surge needs at least 2 calls; set the threshold to 2 or more.")
        if self.window <= timedelta():
            raise RuleViolation("The surge window must be longer than zero minutes.")
        if self.alert_weight < 0:
            raise RuleViolation("A monitoring alert cannot weigh less than zero calls.")

    def window_start(self, now: datetime) -> datetime:
        return now - self.window

    @property
    def window_minutes(self) -> int:
        return max(1, round(self.window.total_seconds() / 60))


@dataclass(frozen=True)
class CallSignal:
    """One call as the rule sees it."""

    call_id: int
    service_id: int | None
    at: datetime
    on_major: bool = False  # already linked to a major incident: explained, not a surge signal


@dataclass(frozen=True)
class AlertSignal:
    """One monitoring alert group as the rule sees it."""

    group_id: int  # anything that names the group once: the services pass its incident's id
    service_id: int | None
    last_firing_at: datetime
    firing: bool  # firing now (not recovered)
    on_major: bool = False  # its incident is a major incident already


@dataclass(frozen=True)
class Surge:
    service_id: int
    call_ids: tuple[int, ...]  # oldest first
    first_at: datetime
    last_at: datetime
    alert_ids: tuple[int, ...] = ()  # monitoring alert groups that count with the calls

    @property
    def count(self) -> int:
        return len(self.call_ids)

    def weight(self, rule: SurgeRule) -> int:
        return self.count + rule.alert_weight * len(self.alert_ids)


def detect_surges(
    calls: Iterable[CallSignal],
    covered_services: Collection[int],
    now: datetime,
    rule: SurgeRule = SurgeRule(),  # frozen: one shared default is safe
    alerts: Iterable[AlertSignal] = (),
) -> list[Surge]:
    """The surges at `now`, the heaviest first. A service a major incident already covers, and
    calls without a service or already linked to a major incident, never make a surge; nor do
    alerts without a service, on a major incident, or neither firing nor fired in the window."""
    start = rule.window_start(now)
    by_service: dict[int, list[CallSignal]] = defaultdict(list)
    for call in calls:
        if call.service_id is None or call.on_major or call.service_id in covered_services:
            continue
        if start <= call.at <= now:
            by_service[call.service_id].append(call)
    alerting: dict[int, list[int]] = defaultdict(list)
    for alert in alerts:
        if alert.service_id is None or alert.on_major or alert.service_id in covered_services:
            continue
        if alert.firing or start <= alert.last_firing_at <= now:
            alerting[alert.service_id].append(alert.group_id)
    surges = []
    for service_id, group in by_service.items():
        alert_ids = tuple(sorted(alerting.get(service_id, ())))
        if len(group) + rule.alert_weight * len(alert_ids) < rule.threshold:
            continue
        group.sort(key=lambda c: (c.at, c.call_id))
        surges.append(
            Surge(
                service_id=service_id,
                call_ids=tuple(c.call_id for c in group),
                first_at=group[0].at,
                last_at=group[-1].at,
                alert_ids=alert_ids,
            )
        )
    surges.sort(key=lambda s: (-s.weight(rule), s.service_id))
    return surges


def surge_message(service_name: str, count: int, rule: SurgeRule, alerts: int = 0) -> str:
    calls = f"{count} call{'s' if count != 1 else ''}"
    if alerts:
        calls += f" and {alerts} monitoring alert{'s' if alerts != 1 else ''}"
    return (
        f"Possible major incident: {calls} about {service_name} "
        f"in the last {rule.window_minutes} min"
    )
