"""The incident lifecycle: which status moves are legal, and why the others are not.

New -> In progress <-> On hold -> Resolved -> Closed
Resolved -> In progress (reopen);  any open status -> Cancelled
"""

from __future__ import annotations

from enum import StrEnum

from app.domain.errors import RuleViolation


class Status(StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    ON_HOLD = "on_hold"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATUSES


class HoldReason(StrEnum):
    AWAITING_CALLER = "awaiting_caller"
    AWAITING_VENDOR = "awaiting_vendor"
    AWAITING_CHANGE = "awaiting_change"

    @property
    def label(self) -> str:
        return {
            HoldReason.AWAITING_CALLER: "Awaiting caller",
            HoldReason.AWAITING_VENDOR: "Awaiting vendor",
            HoldReason.AWAITING_CHANGE: "Awaiting change",
        }[self]


_STATUS_LABELS = {
    Status.NEW: "New",
    Status.IN_PROGRESS: "In progress",
    Status.ON_HOLD: "On hold",
    Status.RESOLVED: "Resolved",
    Status.CLOSED: "Closed",
    Status.CANCELLED: "Cancelled",
}

OPEN_STATUSES = frozenset({Status.NEW, Status.IN_PROGRESS, Status.ON_HOLD})

TRANSITIONS: dict[Status, tuple[Status, ...]] = {
    Status.NEW: (Status.IN_PROGRESS, Status.CANCELLED),
    Status.IN_PROGRESS: (Status.ON_HOLD, Status.RESOLVED, Status.CANCELLED),
    Status.ON_HOLD: (Status.IN_PROGRESS, Status.RESOLVED, Status.CANCELLED),
    Status.RESOLVED: (Status.CLOSED, Status.IN_PROGRESS),
    Status.CLOSED: (),
    Status.CANCELLED: (),
}


def legal_moves(current: Status) -> tuple[Status, ...]:
    """The statuses an incident in `current` may move to, in the order buttons show them."""
    return TRANSITIONS[current]


def check_transition(
    current: Status,
    target: Status,
    *,
    hold_reason: HoldReason | None = None,
    resolution: str | None = None,
) -> None:
    """Raise RuleViolation, with a message that says why, unless current -> target is legal."""
    if target == current:
        raise RuleViolation(f"The incident is already {current.label}.")
    if target not in TRANSITIONS[current]:
        raise RuleViolation(_refusal(current, target))
    if target == Status.ON_HOLD and hold_reason is None:
        raise RuleViolation(
            "Say why the incident goes on hold: awaiting caller, vendor or change.",
            field="hold_reason",
        )
    if target == Status.RESOLVED and not (resolution or "").strip():
        raise RuleViolation(
            "Write a resolution before resolving: what fixed it, in a sentence.",
            field="resolution",
        )


def _refusal(current: Status, target: Status) -> str:
    if current in (Status.CLOSED, Status.CANCELLED):
        return (
            f"A {current.label.lower()} incident cannot change any more; "
            "open a new incident and link it instead."
        )
    if current == Status.NEW and target in (Status.ON_HOLD, Status.RESOLVED):
        return f"Take the incident In progress before putting it {target.label}."
    if target == Status.CLOSED:
        return "Only a resolved incident can be closed; resolve it first."
    if target == Status.NEW:
        return "An incident cannot go back to New; reopen it to In progress instead."
    if current == Status.RESOLVED and target in (Status.ON_HOLD, Status.CANCELLED):
        return f"A resolved incident cannot go {target.label}; reopen it to In progress first."
    allowed = ", ".join(s.label for s in TRANSITIONS[current])
    return f"{current.label} cannot move to {target.label}; it can move to: {allowed}."
