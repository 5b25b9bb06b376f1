"""Gestures as the war room lists them, and the form that records one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.domain.goodwill import Gesture, GestureKind, Recipient


@dataclass(frozen=True)
class GestureRow:
    """A gesture in the war room's list. `id` is the gesture's, or None for a callback owed on
    a call (`call_id`): that one is settled by calling back."""

    id: int | None
    call_id: int | None
    incident_id: int
    owner_id: int | None
    version: int
    gesture: Gesture
    overdue: bool


@dataclass(frozen=True)
class GestureDraft:
    kind: GestureKind
    recipient: Recipient
    recipient_name: str
    owner_id: int | None
    due_on: date | None
    details: str = ""
