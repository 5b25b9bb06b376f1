"""Communication figures for each major incident: how soon the first update went out, whether the
updates kept their cadence, how the ETA compared with reality, and the calls and callbacks.

There are few major incidents, so each is measured in Python over its own few rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any, ClassVar

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.db.models import Call, GoodwillGesture, Incident, StatusUpdate
from app.domain.cadence import update_interval
from app.domain.goodwill import GestureStatus
from app.domain.priority import Priority
from app.services.feed.records import load_policies


@dataclass(frozen=True)
class MajorFigures:
    number: str
    title: str
    declared_at: datetime
    resolved_at: datetime | None
    first_update_minutes: float | None
    updates: int
    on_time_percent: float | None  # gaps between updates (from declaration) within the cadence
    longest_silence_minutes: float
    first_eta: datetime | None
    last_eta: datetime | None
    eta_error_minutes: float | None  # resolved_at - last ETA given (positive: later than said)
    calls: int
    callers: int
    callbacks_wanted: int
    callbacks_done: int
    gestures_made: int = 0  # goodwill gestures recorded in the war room (callbacks apart)
    gestures_owed: int = 0

    COLUMNS: ClassVar[tuple[str, ...]] = (
        "number",
        "title",
        "declared_at",
        "resolved_at",
        "first_update_minutes",
        "updates",
        "on_time_percent",
        "longest_silence_minutes",
        "eta_error_minutes",
        "calls",
        "callers",
        "callbacks_wanted",
        "callbacks_done",
        "gestures_made",
        "gestures_owed",
    )

    def row(self) -> tuple[Any, ...]:
        return tuple(getattr(self, c) for c in self.COLUMNS)


def _minutes(delta: timedelta) -> float:
    return round(delta.total_seconds() / 60, 1)


def major_figures(
    session: Session,
    start: datetime,
    end: datetime,
    team_id: int | None = None,
    *,
    now: datetime | None = None,
) -> list[MajorFigures]:
    declared = func.coalesce(Incident.declared_major_at, Incident.opened_at)
    query = (
        select(Incident)
        .where(
            Incident.major.is_(True),
            declared >= start,
            declared < end,
            Incident.drill_id.is_(None),  # drills have their own scorecard
        )
        .order_by(declared)
    )
    if team_id is not None:
        query = query.where(Incident.team_id == team_id)
    policies = load_policies(session)
    return [
        measure_major(session, incident, policies, now or end)
        for incident in session.scalars(query)
    ]


def measure_major(
    session: Session, incident: Incident, policies: Any, now: datetime
) -> MajorFigures:
    began = incident.declared_major_at or incident.opened_at
    finished = incident.resolved_at or now
    updates = session.execute(
        select(StatusUpdate.posted_at, StatusUpdate.eta)
        .where(StatusUpdate.incident_id == incident.id)
        .order_by(StatusUpdate.posted_at)
    ).all()
    posted = [p for p, _ in updates if p <= finished]
    interval = update_interval(policies[Priority(incident.priority)], major=True)
    marks = [began, *posted]
    gaps = [b - a for a, b in pairwise(marks)]
    tail = finished - marks[-1]  # the silence after the last update, until resolved
    on_time = (
        round(100 * sum(1 for g in gaps if g <= interval) / len(gaps), 1)
        if gaps and interval is not None
        else None
    )
    etas = [eta for _, eta in updates if eta is not None]
    last_eta = etas[-1] if etas else None
    children = select(Incident.id).where(Incident.parent_id == incident.id)
    linked = or_(Call.incident_id == incident.id, Call.incident_id.in_(children))
    calls, callers, wanted, done = session.execute(
        select(
            func.count(Call.id),
            func.count(func.distinct(Call.caller_name)),
            func.count(Call.id).filter(Call.callback_wanted.is_(True)),
            func.count(Call.id).filter(
                Call.callback_wanted.is_(True), Call.callback_done_at.is_not(None)
            ),
        ).where(linked)
    ).one()
    gestures = dict(
        session.execute(
            select(GoodwillGesture.status, func.count(GoodwillGesture.id))
            .where(GoodwillGesture.incident_id == incident.id)
            .group_by(GoodwillGesture.status)
        ).all()
    )
    return MajorFigures(
        number=incident.number,
        title=incident.title,
        declared_at=began,
        resolved_at=incident.resolved_at,
        first_update_minutes=_minutes(posted[0] - began) if posted else None,
        updates=len(posted),
        on_time_percent=on_time,
        longest_silence_minutes=_minutes(max([*gaps, tail])),
        first_eta=etas[0] if etas else None,
        last_eta=last_eta,
        eta_error_minutes=(
            _minutes(incident.resolved_at - last_eta)
            if incident.resolved_at is not None and last_eta is not None
            else None
        ),
        calls=int(calls),
        callers=int(callers),
        callbacks_wanted=int(wanted),
        callbacks_done=int(done),
        gestures_made=int(gestures.get(GestureStatus.MADE.value, 0)),
        gestures_owed=int(gestures.get(GestureStatus.OWED.value, 0)),
    )
