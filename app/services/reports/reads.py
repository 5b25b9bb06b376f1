"""Supervisor reports for a date range and (optionally) one team: aggregated in SQL, so they run
in well under a second on the full ServiceNow import (25,000 incidents).

Definitions (also in README.md):
- opened / resolved per day: by the UTC day of opened_at / resolved_at;
- MTTA: mean of acknowledged_at - opened_at, over incidents opened in the range;
- MTTR by priority: mean of resolved_at - opened_at (wall clock), over incidents resolved in
  the range; SLA met %: the share of those resolved by resolve_by (due time, hold pauses added);
- reopen rate: the share of incidents resolved in the range whose timeline has a move out of
  Resolved other than to Closed;
- backlog age: incidents still open at the end of the range, by age at that moment.
Drills (incidents a rehearsal made) are left out of every figure.
Major incidents (declared, or opened, in the range) are measured one by one in
app/services/reports/majors.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    DateTime,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session

from app.db.models import Incident, TimelineEvent
from app.services.context import ServiceContext
from app.services.reports.majors import MajorFigures, major_figures

AGE_BUCKETS = (
    ("under 1 day", 0, 1),
    ("1-3 days", 1, 3),
    ("3-7 days", 3, 7),
    ("7-30 days", 7, 30),
    ("over 30 days", 30, None),
)


@dataclass(frozen=True)
class ReportScope:
    start: datetime  # inclusive
    end: datetime  # exclusive
    team_id: int | None = None


@dataclass(frozen=True)
class ReportTable:
    """A table as shown and as exported to CSV: column names and plain-value rows."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class SupervisorReport:
    scope: ReportScope
    per_day: ReportTable  # day, opened, resolved
    mtta_minutes: float | None
    acknowledged: int
    by_priority: ReportTable  # priority, resolved, MTTR hours, SLA met %
    sla_met_percent: float | None
    reopen_rate_percent: float | None
    resolved: int
    backlog: ReportTable  # age, open incidents
    majors: ReportTable
    major_details: tuple[MajorFigures, ...]

    @property
    def summary(self) -> ReportTable:
        return ReportTable(
            "Summary",
            ("measure", "value"),
            (
                ("Incidents resolved", self.resolved),
                ("MTTA (minutes)", _round(self.mtta_minutes)),
                ("SLA met %", _round(self.sla_met_percent)),
                ("Reopen rate %", _round(self.reopen_rate_percent)),
            ),
        )

    def tables(self) -> list[ReportTable]:
        return [self.summary, self.per_day, self.by_priority, self.backlog, self.majors]


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _seconds(session: Session, later: Any, earlier: Any) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "sqlite":
        return (func.julianday(later) - func.julianday(earlier)) * 86400.0
    return func.extract("epoch", later - earlier)


def _day(session: Session, column: Any) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "sqlite":
        return func.date(column)
    return cast(func.timezone("UTC", column), Date)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


class Reports:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def supervisor(self, scope: ReportScope) -> SupervisorReport:
        with self._ctx.db.read() as session:
            team = and_(
                Incident.team_id == scope.team_id if scope.team_id is not None else true(),
                Incident.drill_id.is_(None),  # a drill is never counted as the real thing
            )
            opened_in = and_(
                Incident.opened_at >= scope.start, Incident.opened_at < scope.end, team
            )
            resolved_in = and_(
                Incident.resolved_at >= scope.start, Incident.resolved_at < scope.end, team
            )
            per_day = self._per_day(session, opened_in, resolved_in)
            mtta, acked = session.execute(
                select(
                    func.avg(_seconds(session, Incident.acknowledged_at, Incident.opened_at)),
                    func.count(Incident.acknowledged_at),
                ).where(opened_in, Incident.acknowledged_at.is_not(None))
            ).one()
            by_priority, met, resolved = self._by_priority(session, resolved_in)
            reopened = exists().where(
                TimelineEvent.incident_id == Incident.id,
                TimelineEvent.kind == "status",
                TimelineEvent.summary.like("Resolved → %"),
                ~TimelineEvent.summary.like("Resolved → Closed%"),
            )
            reopens = int(
                session.scalar(select(func.count(Incident.id)).where(resolved_in, reopened)) or 0
            )
            backlog = self._backlog(session, scope, team)
            # A range that ends later today measures an open major's silence until now, not
            # until midnight.
            now = min(scope.end, self._ctx.clock.now())
            majors = major_figures(session, scope.start, scope.end, scope.team_id, now=now)
        return SupervisorReport(
            scope=scope,
            per_day=per_day,
            mtta_minutes=None if mtta is None else float(mtta) / 60,
            acknowledged=int(acked),
            by_priority=by_priority,
            sla_met_percent=100 * met / resolved if resolved else None,
            reopen_rate_percent=100 * reopens / resolved if resolved else None,
            resolved=resolved,
            backlog=backlog,
            majors=ReportTable(
                "Major incidents",
                MajorFigures.COLUMNS,
                tuple(m.row() for m in majors),
            ),
            major_details=tuple(majors),
        )

    def _per_day(
        self, session: Session, opened_in: ColumnElement[bool], resolved_in: ColumnElement[bool]
    ) -> ReportTable:
        opened_day = _day(session, Incident.opened_at)
        resolved_day = _day(session, Incident.resolved_at)
        days: dict[date, list[int]] = {}
        for day, n in session.execute(
            select(opened_day, func.count(Incident.id)).where(opened_in).group_by(opened_day)
        ):
            days.setdefault(_as_date(day), [0, 0])[0] = int(n)
        for day, n in session.execute(
            select(resolved_day, func.count(Incident.id)).where(resolved_in).group_by(resolved_day)
        ):
            days.setdefault(_as_date(day), [0, 0])[1] = int(n)
        rows = tuple((day.isoformat(), o, r) for day, (o, r) in sorted(days.items()))
        return ReportTable("Opened and resolved per day", ("day", "opened", "resolved"), rows)

    def _by_priority(
        self, session: Session, resolved_in: ColumnElement[bool]
    ) -> tuple[ReportTable, int, int]:
        met_expr = case((Incident.resolved_at <= Incident.resolve_by, 1), else_=0)
        query = (
            select(
                Incident.priority,
                func.count(Incident.id),
                func.avg(_seconds(session, Incident.resolved_at, Incident.opened_at)),
                func.sum(met_expr),
            )
            .where(resolved_in)
            .group_by(Incident.priority)
            .order_by(Incident.priority)
        )
        rows = []
        total = met_total = 0
        for priority, n, seconds, met in session.execute(query):
            total += int(n)
            met_total += int(met or 0)
            rows.append(
                (
                    f"P{priority}",
                    int(n),
                    round(float(seconds) / 3600, 2),
                    round(100 * int(met or 0) / int(n), 1),
                )
            )
        table = ReportTable(
            "MTTR and SLA by priority",
            ("priority", "resolved", "mttr_hours", "sla_met_percent"),
            tuple(rows),
        )
        return table, met_total, total

    def _backlog(
        self, session: Session, scope: ReportScope, team: ColumnElement[bool]
    ) -> ReportTable:
        # Ages at the end of the range, or now when the range ends later today (the report's
        # default): an incident opened this morning is hours old, not a day.
        age_days = _age_days(session, min(scope.end, self._ctx.clock.now()), Incident.opened_at)
        bucket = case(
            *[
                (
                    age_days < high if low == 0 else and_(age_days >= low, age_days < high),
                    label,
                )
                for label, low, high in AGE_BUCKETS
                if high is not None
            ],
            else_=AGE_BUCKETS[-1][0],
        )
        still_open = and_(
            Incident.opened_at < scope.end,
            Incident.status != "cancelled",
            or_(Incident.resolved_at.is_(None), Incident.resolved_at >= scope.end),
            or_(Incident.closed_at.is_(None), Incident.closed_at >= scope.end),
            team,
        )
        counts: dict[str, int] = dict(
            session.execute(
                select(bucket, func.count(Incident.id)).where(still_open).group_by(bucket)
            ).all()
        )
        rows = tuple((label, int(counts.get(label, 0))) for label, _, _ in AGE_BUCKETS)
        return ReportTable("Backlog age at the end of the range", ("age", "open"), rows)


def _age_days(session: Session, end: datetime, column: Any) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "sqlite":
        # SQLite keeps naive UTC text; julianday reads it.
        text = end.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        return func.julianday(literal(text)) - func.julianday(column)
    return func.extract("epoch", literal(end, DateTime(timezone=True)) - column) / 86400.0
