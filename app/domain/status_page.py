"""The public status page: what the world may see, and its Statuspage v2 summary.

Pure: the facts come in already filtered to what is public (services and their states, major
incidents that are not drills, and their updates to all users only); this module turns them into
the JSON documents. Everything is ordered and every time comes from the data, so the same facts
always give the same bytes. The shape is documented in docs/status-page.md.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from app.domain.services_state import ServiceState

HISTORY_DAYS = 14
RESOLVED_WINDOW = timedelta(days=HISTORY_DAYS)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# Calmdesk's service states, as Statuspage names a component's status.
COMPONENT_STATUS = {
    ServiceState.OPERATIONAL: "operational",
    ServiceState.DEGRADED: "degraded_performance",
    ServiceState.PARTIAL_OUTAGE: "partial_outage",
    ServiceState.MAJOR_OUTAGE: "major_outage",
    ServiceState.MAINTENANCE: "under_maintenance",
}
# Words for each state, so no state is told by colour alone.
STATE_WORDS = {
    ServiceState.OPERATIONAL: "Operational",
    ServiceState.DEGRADED: "Degraded performance",
    ServiceState.PARTIAL_OUTAGE: "Partial outage",
    ServiceState.MAJOR_OUTAGE: "Major outage",
    ServiceState.MAINTENANCE: "Under maintenance",
}
IMPACT_BY_PRIORITY = {1: "critical", 2: "major", 3: "minor"}


@dataclass(frozen=True)
class PublicService:
    id: int
    name: str
    description: str
    state: ServiceState
    changed_at: datetime | None  # the last change of its state, if the log has one


@dataclass(frozen=True)
class PublicUpdate:
    id: int
    posted_at: datetime
    body: str  # the update's words to all users, already composed
    final: bool
    workaround: bool  # it gives a workaround: the cause is identified


@dataclass(frozen=True)
class PublicIncident:
    number: str
    title: str
    priority: int
    declared_at: datetime
    updated_at: datetime
    resolved_at: datetime | None  # None while open
    service_ids: tuple[int, ...]
    updates: tuple[PublicUpdate, ...]  # oldest first

    @property
    def open(self) -> bool:
        return self.resolved_at is None


@dataclass(frozen=True)
class PageFacts:
    name: str
    url: str
    services: tuple[PublicService, ...]
    incidents: tuple[PublicIncident, ...]


def shown_incidents(
    incidents: Sequence[PublicIncident], now: datetime
) -> tuple[PublicIncident, ...]:
    """Open ones, then those resolved in the last 14 days; newest first within each."""
    opened = sorted((i for i in incidents if i.open), key=lambda i: (i.declared_at, i.number))
    recent = sorted(
        (
            i
            for i in incidents
            if i.resolved_at is not None and now - i.resolved_at <= RESOLVED_WINDOW
        ),
        key=lambda i: (i.resolved_at or EPOCH, i.number),
    )
    return tuple(reversed(opened)) + tuple(reversed(recent))


def stamp(moment: datetime | None) -> str | None:
    """Statuspage's time format: ISO 8601 in UTC with milliseconds and a Z."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{moment.microsecond // 1000:03d}Z"
    )


def page_updated_at(facts: PageFacts) -> datetime:
    """The latest moment in the data shown: the page changes when the data does."""
    moments = [s.changed_at for s in facts.services if s.changed_at is not None]
    for incident in facts.incidents:
        moments.append(incident.updated_at)
        moments += [u.posted_at for u in incident.updates]
    return max(moments, default=EPOCH)


def overall_status(facts: PageFacts) -> tuple[str, str]:
    """(indicator, description) as Statuspage gives them."""
    states = {s.state for s in facts.services}
    if ServiceState.MAJOR_OUTAGE in states:
        return "critical", "Major System Outage"
    if ServiceState.PARTIAL_OUTAGE in states:
        return "major", "Partial System Outage"
    if ServiceState.DEGRADED in states or any(i.open for i in facts.incidents):
        return "minor", "Minor Service Outage"
    if ServiceState.MAINTENANCE in states:
        return "maintenance", "Service Under Maintenance"
    return "none", "All Systems Operational"


def incident_status(incident: PublicIncident) -> str:
    if not incident.open:
        return "resolved"
    if any(u.workaround for u in incident.updates):
        return "identified"
    return "investigating"


def update_status(update: PublicUpdate, earlier: Sequence[PublicUpdate]) -> str:
    if update.final:
        return "resolved"
    if update.workaround or any(u.workaround for u in earlier):
        return "identified"
    return "investigating"


def page_id(facts: PageFacts) -> str:
    return "calmdesk"


def _page(facts: PageFacts) -> dict[str, Any]:
    return {
        "id": page_id(facts),
        "name": facts.name,
        "url": facts.url,
        "time_zone": "Etc/UTC",
        "updated_at": stamp(page_updated_at(facts)),
    }


def _component(facts: PageFacts, service: PublicService, position: int) -> dict[str, Any]:
    changed = stamp(service.changed_at or page_updated_at(facts))
    return {
        "id": f"service-{service.id}",
        "name": service.name,
        "status": COMPONENT_STATUS[service.state],
        "created_at": changed,
        "updated_at": changed,
        "position": position,
        "description": service.description or None,
        "showcase": True,
        "start_date": None,
        "group_id": None,
        "page_id": page_id(facts),
        "group": False,
        "only_show_if_degraded": False,
    }


def _incident(facts: PageFacts, incident: PublicIncident) -> dict[str, Any]:
    by_id = {s.id: s for s in facts.services}
    components = [
        _component(facts, by_id[sid], position)
        for position, sid in enumerate(sorted(incident.service_ids), start=1)
        if sid in by_id
    ]
    updates = []
    for index, update in enumerate(incident.updates):
        updates.append(
            {
                "id": f"{incident.number.lower()}-{update.id}",
                "status": update_status(update, incident.updates[:index]),
                "body": update.body,
                "incident_id": incident.number.lower(),
                "created_at": stamp(update.posted_at),
                "updated_at": stamp(update.posted_at),
                "display_at": stamp(update.posted_at),
                "affected_components": [
                    {"code": c["id"], "name": c["name"], "new_status": c["status"]}
                    for c in components
                ],
                "deliver_notifications": False,
                "custom_tweet": None,
                "tweet_id": None,
            }
        )
    updates.reverse()  # Statuspage lists the newest update first
    first_identified = next((u.posted_at for u in incident.updates if u.workaround), None)
    return {
        "id": incident.number.lower(),
        "name": incident.title,
        "status": incident_status(incident),
        "created_at": stamp(incident.declared_at),
        "updated_at": stamp(incident.updated_at),
        "monitoring_at": None,
        "resolved_at": stamp(incident.resolved_at),
        "impact": IMPACT_BY_PRIORITY.get(incident.priority, "none"),
        "shortlink": facts.url,
        "started_at": stamp(incident.declared_at),
        "identified_at": stamp(first_identified),
        "page_id": page_id(facts),
        "incident_updates": updates,
        "components": components,
    }


def summary(facts: PageFacts, now: datetime) -> dict[str, Any]:
    """/api/v2/summary.json: the page, its overall status, every component, and the
    unresolved incidents (as Statuspage's summary lists only those)."""
    indicator, description = overall_status(facts)
    return {
        "page": _page(facts),
        "status": {"indicator": indicator, "description": description},
        "components": [
            _component(facts, s, position) for position, s in enumerate(facts.services, start=1)
        ],
        "incidents": [_incident(facts, i) for i in shown_incidents(facts.incidents, now) if i.open],
        "scheduled_maintenances": [],
    }


def incidents_document(facts: PageFacts, now: datetime) -> dict[str, Any]:
    """/api/v2/incidents.json: the open incidents and those resolved in the last 14 days."""
    return {
        "page": _page(facts),
        "incidents": [_incident(facts, i) for i in shown_incidents(facts.incidents, now)],
    }


def to_json(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def public_body(
    what_happened: str,
    current_impact: str,
    actions: str,
    workaround: str,
    eta: datetime | None,
    next_update_at: datetime | None,
    *,
    final: bool,
) -> str:
    """An update to all users, in words for the page: the template's fields, then the ETA and
    the next update (in UTC: the page is read everywhere)."""
    parts = [
        f"{label}: {text.strip()}"
        for label, text in (
            ("What happened", what_happened),
            ("Current impact", current_impact),
            ("What we are doing", actions),
            ("Workaround", workaround),
        )
        if text.strip()
    ]
    if final:
        parts.append("This is the final update: the service is restored.")
    else:
        if eta is not None:
            parts.append(f"Expected fix: about {clock_words(eta)} (our current estimate).")
        if next_update_at is not None:
            parts.append(f"Next update by {clock_words(next_update_at)}.")
    return "\n".join(parts)


def clock_words(moment: datetime) -> str:
    """3 Dec 2026, 09:35 UTC."""
    utc = moment.astimezone(UTC)
    return f"{utc.day} {utc:%b %Y}, {utc:%H:%M} UTC"


RETRY_DELAYS = (timedelta(seconds=10), timedelta(seconds=30), timedelta(minutes=2))
RETRY_EVERY = timedelta(minutes=5)


def retry_delay(failures: int) -> timedelta:
    """How long to wait before trying again after `failures` failed publishes in a row."""
    if failures <= 0:
        return timedelta()
    if failures <= len(RETRY_DELAYS):
        return RETRY_DELAYS[failures - 1]
    return RETRY_EVERY
