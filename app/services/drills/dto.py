"""What the drill use cases hand back: plain frozen values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.domain.drill_scorecard import Scorecard


@dataclass(frozen=True)
class DrillInfo:
    id: int
    title: str
    runbook_key: str
    runbook_title: str
    started_at: datetime
    started_by: str
    incident_id: int | None
    incident_number: str
    played: int
    events: int
    next_event_at: datetime | None
    ended_at: datetime | None
    cleaned_at: datetime | None

    @property
    def running(self) -> bool:
        return self.ended_at is None


@dataclass(frozen=True)
class PlayedEvent:
    drill_id: int
    at: datetime
    summary: str


@dataclass(frozen=True)
class ScoredDrill:
    drill_id: int
    title: str
    started_at: datetime
    card: Scorecard


@dataclass(frozen=True)
class ScorecardView:
    """A drill's scorecard, and the earlier drills of the same runbook (newest first)."""

    runbook_title: str
    drill: ScoredDrill
    previous: tuple[ScoredDrill, ...]
