"""Monitoring alerts: what a notification means for the incident its alert group opened.

Pure rules for the alert intake service (app/services/intake). A notification carries one alert
group's state as its source sees it (firing, or resolved). The mapping turns the group's labels
into a Calmdesk service, impact and urgency; `next_step` says what the notification does to the
group's incident: open one, add a repeat, record a recovery, fire again on the same incident, or
open a new one because the last recovery is too old. A group that changes state too often (it
flaps) is counted quietly and summarised once it calms down.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from app.domain.errors import RuleViolation
from app.domain.priority import Impact, Urgency

# The agent the intake service writes as: shown as "Monitoring" in timelines. Never a person, so
# it does not count as the first user of a fresh database (who becomes its admin).
MONITORING_LOGIN = "calmdesk-intake"
MONITORING_NAME = "Monitoring"

DEFAULT_REOPEN_WINDOW = timedelta(hours=1)
DEFAULT_FLAP_CHANGES = 6  # three firing/recovered cycles within an hour
FLAP_WINDOW = timedelta(hours=1)


class AlertStatus(StrEnum):
    FIRING = "firing"
    RESOLVED = "resolved"


class GroupState(StrEnum):
    FIRING = "firing"
    RECOVERED = "recovered"


@dataclass(frozen=True)
class AlertNotice:
    """One notification about one alert group, whatever its source's format."""

    source: str  # alertmanager | grafana | generic
    name: str
    status: AlertStatus
    labels: Mapping[str, str]
    firing: int  # alerts in it that are firing (a resolved notice has none)
    summary: str = ""
    source_key: str | None = None  # the source's own group key (Alertmanager's groupKey)
    started_at: datetime | None = None  # the earliest alert's start
    source_url: str = ""


@dataclass(frozen=True)
class MappingRule:
    """Labels that must all match (`when`, empty for any), and what they set."""

    when: Mapping[str, str] = field(default_factory=dict)
    service: str | None = None
    impact: Impact | None = None
    urgency: Urgency | None = None
    resolve_on_recovery: bool | None = None

    def matches(self, labels: Mapping[str, str]) -> bool:
        return all(labels.get(name) == value for name, value in self.when.items())


@dataclass(frozen=True)
class AlertRoute:
    """Where the mapping sends an alert group."""

    service: str | None
    impact: Impact
    urgency: Urgency
    resolve_on_recovery: bool


@dataclass(frozen=True)
class AlertMapping:
    """Labels to service, impact and urgency (resources/intake/mapping.example.toml)."""

    service_label: str = "service"
    services: Mapping[str, str] = field(default_factory=dict)  # label value -> service name
    rules: Sequence[MappingRule] = ()
    impact: Impact = Impact.MEDIUM
    urgency: Urgency = Urgency.MEDIUM
    resolve_on_recovery: bool = False
    reopen_window: timedelta = DEFAULT_REOPEN_WINDOW
    flap_changes: int = DEFAULT_FLAP_CHANGES

    def __post_init__(self) -> None:
        if self.reopen_window < timedelta():
            raise RuleViolation("The reopen window cannot be negative; use 0 to never reopen.")
        if self.flap_changes < 2:
            raise RuleViolation("Flapping needs at least 2 changes an hour; set 2 or more.")

    def route(self, labels: Mapping[str, str]) -> AlertRoute:
        """The first rule that matches sets each value it names; the defaults fill the rest.
        Without a rule naming the service, the service label's value is looked up in
        `services`, or taken as the service's own name."""
        service: str | None = None
        impact: Impact | None = None
        urgency: Urgency | None = None
        resolve: bool | None = None
        for rule in self.rules:
            if not rule.matches(labels):
                continue
            service = service if service is not None else rule.service
            impact = impact if impact is not None else rule.impact
            urgency = urgency if urgency is not None else rule.urgency
            resolve = resolve if resolve is not None else rule.resolve_on_recovery
        if service is None:
            value = labels.get(self.service_label, "").strip()
            service = self.services.get(value, value) or None
        return AlertRoute(
            service=service,
            impact=impact or self.impact,
            urgency=urgency or self.urgency,
            resolve_on_recovery=self.resolve_on_recovery if resolve is None else resolve,
        )


def group_key(notice: AlertNotice, service: str | None) -> str:
    """The source's own group key, or the alert's name plus the service it maps to."""
    if notice.source_key:
        return f"{notice.source}:{notice.source_key}"
    return f"{notice.source}:{notice.name}|{service or ''}"


def key_digest(key: str) -> str:
    """A fixed-length stand-in for a group key of any length, for a unique index."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class Action(StrEnum):
    OPEN = "open"  # a new group (or one that recovered too long ago): a new incident
    REPEAT = "repeat"  # still firing: add to the count and the timeline
    RECOVERED = "recovered"  # it was firing, now resolved
    REFIRED = "refired"  # it had recovered, fires again within the window: the same incident
    IGNORE = "ignore"  # a resolved notice for a group that is not firing: nothing to say


class Flapping(StrEnum):
    STARTED = "started"
    ONGOING = "ongoing"  # changes are counted, not written one by one
    STOPPED = "stopped"


@dataclass(frozen=True)
class GroupFacts:
    """What the rule needs to know about a group's live row and its incident."""

    state: GroupState
    recovered_at: datetime | None
    recent_changes: tuple[datetime, ...]
    flapping: bool
    incident_closed: bool  # closed or cancelled: nothing more can be said on it


@dataclass(frozen=True)
class Step:
    action: Action
    recent_changes: tuple[datetime, ...] = ()
    flapping: Flapping | None = None

    @property
    def quiet(self) -> bool:
        """A change while the group flaps: counted, not written to the timeline."""
        return self.flapping == Flapping.ONGOING


def next_step(
    group: GroupFacts | None, status: AlertStatus, now: datetime, mapping: AlertMapping
) -> Step:
    firing = status == AlertStatus.FIRING
    if group is None or group.incident_closed:
        return Step(Action.OPEN if firing else Action.IGNORE)
    if group.state == GroupState.FIRING:
        action = Action.REPEAT if firing else Action.RECOVERED
    elif not firing:
        action = Action.IGNORE
    elif group.recovered_at is not None and now - group.recovered_at > mapping.reopen_window:
        return Step(Action.OPEN)
    else:
        action = Action.REFIRED
    start = now - FLAP_WINDOW
    recent = tuple(t for t in group.recent_changes if t >= start)
    if action in (Action.REPEAT, Action.IGNORE):
        stopped = group.flapping and len(recent) < mapping.flap_changes
        return Step(action, recent, Flapping.STOPPED if stopped else None)
    recent = (*recent, now)
    flapping_now = len(recent) >= mapping.flap_changes
    if flapping_now:
        return Step(action, recent, Flapping.ONGOING if group.flapping else Flapping.STARTED)
    return Step(action, recent, Flapping.STOPPED if group.flapping else None)
