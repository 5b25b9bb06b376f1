"""Supervisor report figures on a hand-built dataset whose answers are worked out below."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.db.models import Call, Incident, StatusUpdate, TimelineEvent
from app.domain.clock import ManualClock
from app.services.context import ServiceContext
from app.services.reports.reads import Reports, ReportScope
from tests.helpers import add_team, open_incident


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 1, day, hour, minute, tzinfo=UTC)


def _incident(number: str, priority: int, opened: datetime, **fields: object) -> Incident:
    resolve_within = {1: timedelta(hours=4), 3: timedelta(hours=24), 4: timedelta(hours=72)}
    values: dict[str, object] = {
        "number": number,
        "title": f"Incident {number}",
        "impact": 2,
        "urgency": 2,
        "priority": priority,
        "status": "resolved" if fields.get("resolved_at") else "in_progress",
        "opened_at": opened,
        "updated_at": opened,
        "respond_by": opened + timedelta(minutes=15),
        "resolve_by": opened + resolve_within[priority],
        "version": 1,
    }
    values.update(fields)
    return Incident(**values)


@pytest.fixture
def dataset(ctx: ServiceContext, clock: ManualClock) -> int:
    """A week of a team's incidents, 5-7 January; the reports are read on the 8th."""
    clock.set(_at(8, 9))
    team = add_team(ctx.db, "Service desk")
    with ctx.db.write() as session:
        a = _incident(
            "INC0000001", 1, _at(5, 9), acknowledged_at=_at(5, 9, 10), resolved_at=_at(5, 11),
            major=True, declared_major_at=_at(5, 9), team_id=team,
        )  # fmt: skip
        b = _incident(
            "INC0000002", 1, _at(5, 10), acknowledged_at=_at(5, 10, 30), resolved_at=_at(5, 16),
            team_id=team,
        )  # fmt: skip
        c = _incident(
            "INC0000003", 3, _at(6, 9), acknowledged_at=_at(6, 9, 20), resolved_at=_at(7, 9),
            team_id=team,
        )  # fmt: skip
        d = _incident("INC0000004", 3, _at(6, 12), team_id=team)
        e = _incident("INC0000005", 4, _at(1, 0), team_id=team)
        other_team = _incident("INC0000006", 3, _at(6, 9), resolved_at=_at(6, 10))
        session.add_all([a, b, c, d, e, other_team])
        session.flush()
        session.add(
            TimelineEvent(
                incident_id=c.id, at=_at(6, 18), kind="status",
                summary="Resolved → In progress", pinned=False,
            )
        )  # fmt: skip
        for posted, eta in ((_at(5, 9, 20), _at(5, 10, 30)), (_at(5, 9, 45), None),
                            (_at(5, 10, 40), _at(5, 11))):  # fmt: skip
            session.add(StatusUpdate(incident_id=a.id, posted_at=posted, eta=eta))
        for minute, caller, wanted, done in ((5, "Ann", True, _at(5, 11, 30)),
                                             (15, "Ann", False, None),
                                             (25, "Bob", True, None)):  # fmt: skip
            session.add(
                Call(
                    at=_at(5, 9, minute), caller_name=caller, incident_id=a.id,
                    callback_wanted=wanted, callback_done_at=done,
                )
            )  # fmt: skip
    return team


def test_supervisor_figures_match_the_hand_computed_answers(
    ctx: ServiceContext, dataset: int
) -> None:
    report = Reports(ctx).supervisor(ReportScope(_at(5, 0), _at(8, 0), team_id=dataset))
    assert report.per_day.rows == (("2026-01-05", 2, 2), ("2026-01-06", 2, 0), ("2026-01-07", 0, 1))
    assert report.mtta_minutes == pytest.approx(20)  # (10 + 30 + 20) / 3; D never acknowledged
    assert report.acknowledged == 3
    # P1: A 2 h (met), B 6 h (missed: due 14:00); P3: C 24 h, resolved exactly when due (met)
    assert report.by_priority.rows == (("P1", 2, 4.0, 50.0), ("P3", 1, 24.0, 100.0))
    assert report.sla_met_percent == pytest.approx(200 / 3)
    assert report.reopen_rate_percent == pytest.approx(100 / 3)  # C was reopened
    # Open at the end (8 Jan 00:00): D is 1.5 days old, E exactly 7 days
    assert dict(report.backlog.rows) == {
        "under 1 day": 0, "1-3 days": 1, "3-7 days": 0, "7-30 days": 1, "over 30 days": 0,
    }  # fmt: skip
    (major,) = report.major_details
    assert major.number == "INC0000001"
    assert major.first_update_minutes == 20
    assert major.updates == 3
    # P1 cadence 30 min; gaps 20, 25, 55 minutes, then 20 until resolved
    assert major.on_time_percent == pytest.approx(66.7)
    assert major.longest_silence_minutes == 55
    assert major.eta_error_minutes == 0  # the last ETA (11:00) held
    assert (major.calls, major.callers, major.callbacks_wanted, major.callbacks_done) == (
        3,
        2,
        2,
        1,
    )


def test_without_a_team_every_team_counts(ctx: ServiceContext, dataset: int) -> None:
    report = Reports(ctx).supervisor(ReportScope(_at(5, 0), _at(8, 0)))
    assert report.resolved == 4
    assert report.tables()[0].title == "Summary"


def test_a_range_ending_later_today_measures_the_backlog_at_now(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    open_incident(ctx, "Printer on floor 2 jams")
    clock.advance(timedelta(hours=2))
    now = clock.now()
    # The report's default: up to the end of today, 22 hours away.
    report = Reports(ctx).supervisor(
        ReportScope(now - timedelta(days=30), now + timedelta(hours=22))
    )
    assert dict(report.backlog.rows)["under 1 day"] == 1  # two hours old, not a day
