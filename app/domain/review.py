"""The blameless post-incident review as plain data: what the draft holds, what a person edits,
and the few pure rules about it (which timeline kinds are key events, how the ETA moved).

The service builds these from the database (app/services/reports/post_incident_review.py); exporters
render them (app/adapters/review_markdown.py). Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from app.domain.goodwill import Gesture

# Timeline kinds that are always key events; anything pinned is one too.
KEY_KINDS = frozenset({"declared_major", "status", "service_state", "vendor", "status_update"})

TEXT_MAX = 8000
ITEM_MAX = 500


@dataclass(frozen=True, slots=True)
class KeyEvent:
    at: datetime
    actor: str
    kind: str
    summary: str
    pinned: bool


@dataclass(frozen=True, slots=True)
class UpdateSent:
    at: datetime
    audience: str  # the audience's label: "All users"
    eta: datetime | None
    final: bool
    headline: str  # the update's "what happened", first line


@dataclass(frozen=True, slots=True)
class EtaChange:
    at: datetime  # when the update giving this ETA was posted
    eta: datetime


@dataclass(frozen=True, slots=True)
class VendorCase:
    vendor: str
    reference: str
    escalated_at: datetime
    vendor_eta: datetime | None
    state: str  # the state's label
    missed_eta: bool


@dataclass(frozen=True, slots=True)
class ActionItem:
    """One follow-up task from the review, with its owner and due date."""

    id: int | None  # None until saved
    text: str
    owner_id: int | None
    owner: str  # the owner's name, "" when nobody owns it yet
    due_on: date | None
    done: bool


@dataclass(frozen=True)
class ReviewEdits:
    """What a person writes in the review; the rest is drafted from the record."""

    went_well: str
    to_improve: str
    action_items: tuple[ActionItem, ...]


@dataclass(frozen=True)
class Communication:
    updates: tuple[UpdateSent, ...]
    first_update_minutes: float | None
    update_every_minutes: int | None  # the cadence for the incident's priority
    on_time_percent: float | None
    longest_silence_minutes: float
    eta_changes: tuple[EtaChange, ...]
    eta_error_minutes: float | None  # resolved - last ETA given (positive: later than said)


@dataclass(frozen=True)
class Impact:
    opened_at: datetime
    declared_at: datetime
    resolved_at: datetime
    duration_minutes: int  # opened to resolved
    services: tuple[str, ...]
    calls: int
    callers: int  # distinct callers
    callbacks_wanted: int
    callbacks_done: int


@dataclass(frozen=True)
class ReviewDraft:
    incident_id: int
    number: str
    title: str
    priority: int
    commander: str
    comms_lead: str
    resolution: str
    cause: str
    summary: str
    impact: Impact
    key_events: tuple[KeyEvent, ...]  # oldest first
    communication: Communication
    vendors: tuple[VendorCase, ...]
    edits: ReviewEdits
    version: int  # of the saved review; 0 while it has never been saved
    saved_at: datetime | None
    saved_by: str
    gestures: tuple[Gesture, ...] = ()  # goodwill: made, owed and dropped (callbacks too)


def eta_changes(etas: Iterable[tuple[datetime, datetime | None]]) -> tuple[EtaChange, ...]:
    """Each update's ETA, kept only where it differs from the one before: how the promise moved.
    An update without an ETA after one with an ETA does not withdraw it (the form leaves it blank
    when nothing changed), so blanks are skipped."""
    changes: list[EtaChange] = []
    for posted_at, eta in etas:
        if eta is None:
            continue
        if not changes or changes[-1].eta != eta:
            changes.append(EtaChange(posted_at, eta))
    return tuple(changes)


def format_minutes(minutes: float | None) -> str:
    """'1 h 35 min', '20 min', '–' for no figure."""
    if minutes is None:
        return "–"
    whole = round(minutes)
    sign = "-" if whole < 0 else ""
    hours, rest = divmod(abs(whole), 60)
    if hours and rest:
        return f"{sign}{hours} h {rest} min"
    if hours:
        return f"{sign}{hours} h"
    return f"{sign}{rest} min"
