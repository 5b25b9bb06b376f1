"""Surge detection: many calls about one service in a short time, and no major incident for it.

When it fires, the console suggests declaring a major incident ("Possible major incident: 7 calls
about Email in the last 10 min"). A call counts while it is at most `window` old: a call made
exactly `window` ago still counts, one a second older does not.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.domain.errors import RuleViolation

DEFAULT_THRESHOLD = 5
DEFAULT_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class SurgeRule:
    """`threshold` calls within `window` about one service make a surge."""

    threshold: int = DEFAULT_THRESHOLD
    window: timedelta = DEFAULT_WINDOW

    def __post_init__(self) -> None:
        if self.threshold < 2:
            raise RuleViolation("A surge needs at least 2 calls; set the threshold to 2 or more.")
        if self.window <= timedelta():
            raise RuleViolation("The surge window must be longer than zero minutes.")

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
class Surge:
    service_id: int
    call_ids: tuple[int, ...]  # oldest first
    first_at: datetime
    last_at: datetime

    @property
    def count(self) -> int:
        return len(self.call_ids)


def detect_surges(
    calls: Iterable[CallSignal],
    covered_services: Collection[int],
    now: datetime,
    rule: SurgeRule = SurgeRule(),  # frozen: one shared default is safe
) -> list[Surge]:
    """The surges at `now`, the biggest first. A service a major incident already covers, and
    calls without a service or already linked to a major incident, never make a surge."""
    start = rule.window_start(now)
    by_service: dict[int, list[CallSignal]] = defaultdict(list)
    for call in calls:
        if call.service_id is None or call.on_major or call.service_id in covered_services:
            continue
        if start <= call.at <= now:
            by_service[call.service_id].append(call)
    surges = []
    for service_id, group in by_service.items():
        if len(group) < rule.threshold:
            continue
        group.sort(key=lambda c: (c.at, c.call_id))
        surges.append(
            Surge(
                service_id=service_id,
                call_ids=tuple(c.call_id for c in group),
                first_at=group[0].at,
                last_at=group[-1].at,
            )
        )
    surges.sort(key=lambda s: (-s.count, s.service_id))
    return surges


def surge_message(service_name: str, count: int, rule: SurgeRule) -> str:
    return (
        f"Possible major incident: {count} calls about {service_name} "
        f"in the last {rule.window_minutes} min"
    )
