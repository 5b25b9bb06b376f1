"""The queue's first screenful: the top rows in triage order, ordered and cut in SQL.

The console paints these before the whole queue has been read (ui/queue/queue_controller.py),
so the order here must be exactly `queue_filters.default_order_key`'s: major first, then
breached, then priority, then the least SLA time left, then the number. The SLA time left is
`app.domain.sla.read_clock`'s, written as a CASE over the same four branches (responding,
resolved, on hold, resolving), in whole microseconds so that SQLite and PostgreSQL compare
exactly what Python compares (a test holds the three to the same order over awkward data).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    BindParameter,
    ColumnElement,
    Integer,
    Select,
    bindparam,
    case,
    cast,
    func,
    select,
    union_all,
)

from app.db.models import Incident
from app.db.open_statuses import is_open
from app.services.incidents.page_params import LIMIT, NOW, RESOLVED_SINCE

# Bound by name, not written into the statement: the same statement (compiled once, or kept as
# text by app/services/first_screen) serves every moment, day and page size (page_params.py).
NOW_MICROS: BindParameter[int] = bindparam(NOW, type_=BigInteger)
PAGE_LIMIT: BindParameter[int] = bindparam(LIMIT, type_=Integer)


def _column_micros(column: Any, dialect: str) -> ColumnElement[Any]:
    """A UTC datetime column as microseconds since 1970, exactly."""
    if dialect == "postgresql":
        return func.extract("epoch", column) * 1_000_000  # numeric: exact to the microsecond
    # SQLite keeps naive UTC text, 'YYYY-MM-DD HH:MM:SS.ffffff': whole seconds from strftime
    # given the text without its fraction (SQLite's clock counts milliseconds, and would round
    # :59.999999 up to the next second), then the six digits after the point as they are.
    seconds = cast(func.strftime("%s", func.substr(column, 1, 19)), BigInteger)
    return seconds * 1_000_000 + cast(func.substr(column, 21, 6), BigInteger)


def sla_left_micros(dialect: str) -> ColumnElement[Any]:
    """`read_clock(incident, now).left` in microseconds at NOW_MICROS: the response clock until
    acknowledged, then the resolution clock, stopped at the resolution or frozen since the hold
    began."""
    i = Incident
    now_micros = NOW_MICROS
    resolve_by = _column_micros(i.resolve_by, dialect)
    return case(
        (
            i.acknowledged_at.is_(None) & i.resolved_at.is_(None),
            _column_micros(i.respond_by, dialect) - now_micros,
        ),
        (i.resolved_at.is_not(None), resolve_by - _column_micros(i.resolved_at, dialect)),
        (i.on_hold_since.is_not(None), resolve_by - _column_micros(i.on_hold_since, dialect)),
        else_=resolve_by - now_micros,
    )


def _keyed(dialect: str) -> Select[Any]:
    """Each incident's id and its triage key's parts but "breached" (k0 major, k2 priority,
    left: the SLA time left, k4 number): the time left is worked out once per row here."""
    return select(
        Incident.id,
        case((Incident.major, 0), else_=1).label("k0"),  # major first
        Incident.priority.label("k2"),
        sla_left_micros(dialect).label("left"),
        Incident.number.label("k4"),
    )


def first_page_ids(with_resolved: bool, dialect: str) -> Select[Any]:
    """The ids (with their keys) of the queue's first PAGE_LIMIT rows in triage order at
    NOW_MICROS: the open incidents and, `with_resolved`, those resolved since RESOLVED_SINCE, as
    `queue_query` reads them (two halves, each on its own index)."""
    halves = [_keyed(dialect).where(is_open(Incident.status))]
    if with_resolved:
        halves.append(
            _keyed(dialect).where(
                Incident.resolved_at >= bindparam(RESOLVED_SINCE), ~is_open(Incident.status)
            )
        )
    keyed = (halves[0] if len(halves) == 1 else union_all(*halves)).subquery("keyed")
    ranked = select(
        keyed.c.id,
        keyed.c.k0,
        case((keyed.c.left < 0, 0), else_=1).label("k1"),  # then breached
        keyed.c.k2,
        keyed.c.left.label("k3"),
        keyed.c.k4,
    ).subquery("ranked")
    return select(ranked).order_by(*triage_order(ranked.c, dialect)).limit(PAGE_LIMIT)


def triage_order(columns: Any, dialect: str) -> list[ColumnElement[Any]]:
    """ORDER BY the keys of `_keyed`, ascending; the number compared by code point on
    PostgreSQL too (as Python and SQLite compare strings), whatever the database's locale."""
    number = columns.k4.collate("C") if dialect == "postgresql" else columns.k4
    return [columns.k0, columns.k1, columns.k2, columns.k3, number]
