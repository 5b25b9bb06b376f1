"""The incident lifecycle: every legal move is allowed, every other pair is refused with a
message that says why."""

from __future__ import annotations

import itertools

import pytest

from app.domain.errors import RuleViolation
from app.domain.lifecycle import (
    OPEN_STATUSES,
    TRANSITIONS,
    HoldReason,
    Status,
    check_transition,
    legal_moves,
)

# DESIGN.md: New -> In progress <-> On hold -> Resolved -> Closed; Resolved -> In progress
# (reopen); any open status -> Cancelled. Written out here so the test states the rule itself.
LEGAL = {
    (Status.NEW, Status.IN_PROGRESS),
    (Status.NEW, Status.CANCELLED),
    (Status.IN_PROGRESS, Status.ON_HOLD),
    (Status.IN_PROGRESS, Status.RESOLVED),
    (Status.IN_PROGRESS, Status.CANCELLED),
    (Status.ON_HOLD, Status.IN_PROGRESS),
    (Status.ON_HOLD, Status.RESOLVED),
    (Status.ON_HOLD, Status.CANCELLED),
    (Status.RESOLVED, Status.CLOSED),
    (Status.RESOLVED, Status.IN_PROGRESS),
}
ILLEGAL = sorted(set(itertools.product(Status, Status)) - LEGAL)


def _ids(pair: tuple[Status, Status]) -> str:
    return f"{pair[0].value}->{pair[1].value}"


def test_the_transition_table_is_the_one_in_the_design() -> None:
    in_code = {(current, target) for current, targets in TRANSITIONS.items() for target in targets}
    assert in_code == LEGAL


@pytest.mark.parametrize("move", sorted(LEGAL), ids=_ids)
def test_legal_move_is_allowed(move: tuple[Status, Status]) -> None:
    current, target = move
    assert target in legal_moves(current)
    assert (
        check_transition(
            current, target, hold_reason=HoldReason.AWAITING_VENDOR, resolution="Restarted it."
        )
        is None
    )


@pytest.mark.parametrize("move", ILLEGAL, ids=_ids)
def test_illegal_move_is_refused_with_a_specific_message(move: tuple[Status, Status]) -> None:
    current, target = move
    assert target not in legal_moves(current)
    with pytest.raises(RuleViolation) as refused:
        check_transition(
            current, target, hold_reason=HoldReason.AWAITING_VENDOR, resolution="Restarted it."
        )
    message = str(refused.value)
    assert message.strip()
    assert "\n" not in message
    # Specific: it names where the incident is or where it was asked to go.
    assert current.label.lower() in message.lower() or target.label.lower() in message.lower()


def test_there_are_ten_legal_moves_and_twenty_six_refusals() -> None:
    assert len(LEGAL) == 10
    assert len(ILLEGAL) == 26


@pytest.mark.parametrize(
    ("current", "target", "advice"),
    [
        (Status.IN_PROGRESS, Status.IN_PROGRESS, "already In progress"),
        (Status.CLOSED, Status.IN_PROGRESS, "open a new incident and link it"),
        (Status.CANCELLED, Status.NEW, "open a new incident and link it"),
        (Status.NEW, Status.ON_HOLD, "Take the incident In progress"),
        (Status.NEW, Status.RESOLVED, "Take the incident In progress"),
        (Status.IN_PROGRESS, Status.CLOSED, "resolve it first"),
        (Status.ON_HOLD, Status.NEW, "reopen it to In progress"),
        (Status.RESOLVED, Status.ON_HOLD, "reopen it to In progress first"),
        (Status.RESOLVED, Status.CANCELLED, "reopen it to In progress first"),
    ],
)
def test_refusal_says_what_to_do_instead(current: Status, target: Status, advice: str) -> None:
    with pytest.raises(RuleViolation, match=advice):
        check_transition(current, target, hold_reason=HoldReason.AWAITING_CALLER, resolution="x")


def test_refusals_differ_by_reason() -> None:
    messages = set()
    for current, target in ILLEGAL:
        with pytest.raises(RuleViolation) as refused:
            check_transition(current, target, hold_reason=HoldReason.AWAITING_CALLER)
        messages.add(str(refused.value))
    assert len(messages) >= 10


def test_going_on_hold_needs_a_reason() -> None:
    with pytest.raises(RuleViolation, match="Say why the incident goes on hold"):
        check_transition(Status.IN_PROGRESS, Status.ON_HOLD)


@pytest.mark.parametrize("reason", list(HoldReason))
def test_any_hold_reason_is_enough(reason: HoldReason) -> None:
    assert check_transition(Status.IN_PROGRESS, Status.ON_HOLD, hold_reason=reason) is None


@pytest.mark.parametrize("current", [Status.IN_PROGRESS, Status.ON_HOLD])
@pytest.mark.parametrize("resolution", [None, "", "   \n "])
def test_resolving_needs_a_written_resolution(current: Status, resolution: str | None) -> None:
    with pytest.raises(RuleViolation, match="Write a resolution"):
        check_transition(current, Status.RESOLVED, resolution=resolution)


def test_open_statuses_are_new_in_progress_and_on_hold() -> None:
    assert {s for s in Status if s.is_open} == {Status.NEW, Status.IN_PROGRESS, Status.ON_HOLD}
    assert frozenset(s for s in Status if s.is_open) == OPEN_STATUSES


def test_statuses_are_stored_as_short_lowercase_strings() -> None:
    assert Status.ON_HOLD == "on_hold"
    assert Status.ON_HOLD.label == "On hold"
    assert HoldReason.AWAITING_VENDOR.label == "Awaiting vendor"


def test_closed_and_cancelled_incidents_have_no_moves() -> None:
    assert legal_moves(Status.CLOSED) == ()
    assert legal_moves(Status.CANCELLED) == ()
