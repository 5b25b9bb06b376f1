"""A drill's scorecard: what matters in the story, measured from what the team did.

- time to declare: from the drill's start to the major incident's declaration;
- time to the first update: from the declaration to the first status update (any audience);
- updates on time: of the gaps between the declaration and each update, those within the
  cadence;
- longest silence: the longest of those gaps and the time from the last update to the end;
- checklist steps done, each with the minute after the start it was ticked;
- callers given the current message: calls that arrived while a message for all users was out
  and not yet stale (before its "next update by", or within the cadence when it named none).

Minutes are rounded to one decimal. A figure that cannot be measured (never declared, no update)
is None, shown as "not done".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any


@dataclass(frozen=True)
class UpdateFact:
    posted_at: datetime
    all_users: bool
    next_update_at: datetime | None


@dataclass(frozen=True)
class StepFact:
    text: str
    done_at: datetime | None


@dataclass(frozen=True)
class DrillFacts:
    started_at: datetime
    ended_at: datetime
    declared_at: datetime | None
    interval: timedelta | None  # the update cadence of the drill's major incident
    updates: Sequence[UpdateFact]
    steps: Sequence[StepFact]
    calls: Sequence[datetime]


@dataclass(frozen=True)
class StepDone:
    text: str
    minute: float | None  # after the start; None: not done


@dataclass(frozen=True)
class Scorecard:
    minutes_to_declare: float | None
    minutes_to_first_update: float | None
    updates: int
    updates_on_time: int
    longest_silence_minutes: float | None
    steps: tuple[StepDone, ...]
    calls: int
    callers_given_message: int
    length_minutes: float

    @property
    def steps_done(self) -> int:
        return sum(1 for s in self.steps if s.minute is not None)

    def to_data(self) -> dict[str, Any]:
        return {
            "minutes_to_declare": self.minutes_to_declare,
            "minutes_to_first_update": self.minutes_to_first_update,
            "updates": self.updates,
            "updates_on_time": self.updates_on_time,
            "longest_silence_minutes": self.longest_silence_minutes,
            "steps": [[s.text, s.minute] for s in self.steps],
            "calls": self.calls,
            "callers_given_message": self.callers_given_message,
            "length_minutes": self.length_minutes,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Scorecard:
        return cls(
            minutes_to_declare=data.get("minutes_to_declare"),
            minutes_to_first_update=data.get("minutes_to_first_update"),
            updates=int(data.get("updates", 0)),
            updates_on_time=int(data.get("updates_on_time", 0)),
            longest_silence_minutes=data.get("longest_silence_minutes"),
            steps=tuple(StepDone(str(t), m) for t, m in data.get("steps", [])),
            calls=int(data.get("calls", 0)),
            callers_given_message=int(data.get("callers_given_message", 0)),
            length_minutes=float(data.get("length_minutes", 0)),
        )


def _minutes(delta: timedelta) -> float:
    return round(delta.total_seconds() / 60, 1)


def score(facts: DrillFacts) -> Scorecard:
    end = facts.ended_at
    posted = sorted(u.posted_at for u in facts.updates if u.posted_at <= end)
    declared = facts.declared_at if facts.declared_at and facts.declared_at <= end else None
    on_time = 0
    silence: float | None = None
    first: float | None = None
    if declared is not None:
        after = [p for p in posted if p >= declared]
        marks = [declared, *after]
        gaps = [b - a for a, b in pairwise(marks)]
        on_time = sum(1 for g in gaps if facts.interval is None or g <= facts.interval)
        silence = _minutes(max([*gaps, end - marks[-1]]))
        first = _minutes(after[0] - declared) if after else None
    return Scorecard(
        minutes_to_declare=_minutes(declared - facts.started_at) if declared else None,
        minutes_to_first_update=first,
        updates=len(posted),
        updates_on_time=on_time,
        longest_silence_minutes=silence,
        steps=tuple(
            StepDone(
                s.text,
                _minutes(s.done_at - facts.started_at)
                if s.done_at is not None and s.done_at <= end
                else None,
            )
            for s in facts.steps
        ),
        calls=sum(1 for c in facts.calls if c <= end),
        callers_given_message=sum(
            1 for c in facts.calls if c <= end and _message_current(facts, c)
        ),
        length_minutes=_minutes(end - facts.started_at),
    )


def _message_current(facts: DrillFacts, at: datetime) -> bool:
    """Was a message for all users out, and not stale, when a call arrived at `at`?"""
    public = [u for u in facts.updates if u.all_users and u.posted_at <= at]
    if not public:
        return False
    latest = max(public, key=lambda u: u.posted_at)
    if latest.next_update_at is not None:
        return at <= latest.next_update_at
    return facts.interval is None or at <= latest.posted_at + facts.interval


def figure_rows(cards: Sequence[Scorecard]) -> list[tuple[str, list[str]]]:
    """The scorecard as rows of text, one column per drill: for the side-by-side table."""

    def minutes(value: float | None) -> str:
        return "not done" if value is None else f"{value:g} min"

    rows: list[tuple[str, list[str]]] = [
        ("Time to declare", [minutes(c.minutes_to_declare) for c in cards]),
        ("Time to the first update", [minutes(c.minutes_to_first_update) for c in cards]),
        ("Updates on time", [f"{c.updates_on_time} of {c.updates}" for c in cards]),
        ("Longest silence", [minutes(c.longest_silence_minutes) for c in cards]),
        ("Checklist steps done", [f"{c.steps_done} of {len(c.steps)}" for c in cards]),
        (
            "Callers given the current message",
            [f"{c.callers_given_message} of {c.calls}" for c in cards],
        ),
        ("Length of the drill", [minutes(c.length_minutes) for c in cards]),
    ]
    return rows
