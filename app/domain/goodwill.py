"""Making it right: the goodwill gestures owed to the people an incident kept waiting.

A gesture is an apology, a service credit, a priority callback or an extended deadline, to a
caller, a team or a department, with an owner and a due date. It is owed until it is made (or
dropped, with a reason); an owed gesture past its due date is overdue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class GestureKind(StrEnum):
    APOLOGY = "apology"
    SERVICE_CREDIT = "service_credit"
    PRIORITY_CALLBACK = "priority_callback"
    EXTENDED_DEADLINE = "extended_deadline"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Recipient(StrEnum):
    CALLER = "caller"
    TEAM = "team"
    DEPARTMENT = "department"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class GestureStatus(StrEnum):
    OWED = "owed"
    MADE = "made"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return self.value.capitalize()


def is_overdue(status: GestureStatus, due_on: date | None, now: datetime) -> bool:
    """Owed and its due day is over (in the machine's local zone, where the desk works)."""
    if status != GestureStatus.OWED or due_on is None:
        return False
    return now.astimezone().date() > due_on


def to_whom(recipient: Recipient, name: str) -> str:
    """'Caller Dana Reyes', 'Department Finance': how a gesture names its people."""
    return f"{recipient.label} {name}".strip()


@dataclass(frozen=True)
class Gesture:
    """One gesture as the review, the reports and the handover read it. A callback a caller
    asked for is one too (a priority callback owed to that caller), kept on the call itself."""

    number: str  # the incident
    kind: GestureKind
    recipient: Recipient
    recipient_name: str
    details: str
    owner: str
    due_on: date | None
    status: GestureStatus
    settled_at: datetime | None
    from_call: bool = False

    @property
    def to_whom(self) -> str:
        return to_whom(self.recipient, self.recipient_name)

    def overdue(self, now: datetime) -> bool:
        return is_overdue(self.status, self.due_on, now)


def made_and_owed(gestures: Sequence[Gesture]) -> tuple[tuple[Gesture, ...], tuple[Gesture, ...]]:
    """(made, still owed): dropped ones are neither."""
    made = tuple(g for g in gestures if g.status == GestureStatus.MADE)
    owed = tuple(g for g in gestures if g.status == GestureStatus.OWED)
    return made, owed
