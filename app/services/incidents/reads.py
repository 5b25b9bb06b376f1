"""Reading incidents: the queue's rows, one incident's detail, its timeline."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import (
    CompoundSelect,
    Row,
    ScalarSelect,
    Select,
    bindparam,
    func,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Mapped, Session, aliased

from app.db.models import (
    Agent,
    AlertGroup,
    Call,
    ChangeLogEntry,
    Contact,
    Incident,
    Service,
    Team,
    TimelineEvent,
)
from app.db.open_statuses import is_open
from app.domain.clock import made_offline_note
from app.domain.incident_numbers import typed_number
from app.domain.lifecycle import HoldReason, Status
from app.domain.priority import Priority
from app.services.context import ServiceContext
from app.services.errors import EditConflict, NotFound
from app.services.incidents.dto import IncidentDetail, IncidentRow, TimelineEntry
from app.services.incidents.fields import EDITABLE
from app.services.incidents.page_params import first_page_params
from app.services.incidents.row_shape import page_row, to_row, with_alerts
from app.services.incidents.triage_page import first_page_ids, triage_order
from app.services.intake.reads import alert_marks, to_mark

# Counted per queue row through ix_calls_incident: a grouped subquery over every call would
# read years of history's calls on each queue load.
_calls = (
    select(func.count(Call.id))
    .where(Call.incident_id == Incident.id)
    .correlate(Incident)
    .scalar_subquery()
)
_assignee = aliased(Agent)


def _row_query() -> Select[*tuple[Any, ...]]:
    # Labels match IncidentRow's fields, so a result row maps straight onto it.
    return (
        select(
            Incident.id,
            Incident.number,
            Incident.title,
            func.coalesce(Service.name, "").label("service"),
            func.coalesce(Contact.name, "").label("caller"),
            Incident.status,
            Incident.hold_reason,
            Incident.priority,
            Incident.major,
            Incident.parent_id,
            Incident.assignee_id,
            func.coalesce(_assignee.name, "").label("assignee"),
            Incident.team_id,
            func.coalesce(Team.name, "").label("team"),
            _calls.label("calls"),
            Incident.opened_at,
            Incident.updated_at,
            Incident.acknowledged_at,
            Incident.resolved_at,
            Incident.respond_by,
            Incident.resolve_by,
            Incident.on_hold_since,
            Incident.next_update_due,
            Incident.version,
            Incident.drill_id.is_not(None).label("drill"),
        )
        .outerjoin(Service, Service.id == Incident.service_id)
        .outerjoin(Contact, Contact.id == Incident.caller_id)
        .outerjoin(_assignee, _assignee.id == Incident.assignee_id)
        .outerjoin(Team, Team.id == Incident.team_id)
    )


def queue_query(
    resolved_since: datetime | None,
) -> Select[*tuple[Any, ...]] | CompoundSelect[*tuple[Any, ...]]:
    """The queue's rows: every open incident, and those resolved since `resolved_since`.

    Two halves joined by UNION ALL rather than one `status IN (...) OR resolved_at >= ...`: with
    statistics present (anyone may run ANALYZE on the file), SQLite plans that OR as a scan of
    every incident ever held (440 ms at a million), while each half keeps its own index: the open
    ones their partial index, the recently resolved ones ix_incidents_resolved_at."""
    still_open = _row_query().where(is_open(Incident.status))
    if resolved_since is None:
        return still_open
    recently_resolved = _row_query().where(
        Incident.resolved_at >= resolved_since, ~is_open(Incident.status)
    )
    return union_all(still_open, recently_resolved)


def _fetch_rows(
    session: Session, query: Select[*tuple[Any, ...]] | CompoundSelect[*tuple[Any, ...]]
) -> list[IncidentRow]:
    # Through the session's connection (Core), not session.execute: plain column rows need none
    # of the ORM's result machinery, which cost about a third of a 25k queue load.
    return [to_row(row) for row in session.connection().execute(query)]


def first_page_query(with_resolved: bool, dialect: str) -> Select[*tuple[Any, ...]]:
    """The first page's rows (triage_page.first_page_ids), each with the alert group that opened
    its incident, if any (as `row_shape.page_row` takes them): a few hundred look-ups on the
    unique incident_id, where a second statement would rank the whole queue again."""
    page = first_page_ids(with_resolved, dialect).subquery("page")
    g = AlertGroup
    return (
        _row_query()
        .add_columns(
            g.alert_name,
            g.labels,
            g.first_firing_at,
            g.last_firing_at,
            g.source_url,
            g.state,
            g.alert_count,
            g.flapping_since.is_not(None),
        )
        .join(page, page.c.id == Incident.id)
        .outerjoin(g, g.incident_id == Incident.id)
        .order_by(*triage_order(page.c, dialect))
    )


class IncidentReads:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def queue_rows(self, resolved_since: datetime | None = None) -> list[IncidentRow]:
        """Every open incident, and those resolved since `resolved_since` ("Resolved today")."""
        query = queue_query(resolved_since)
        in_queue = is_open(Incident.status)
        if resolved_since is not None:
            in_queue = or_(in_queue, Incident.resolved_at >= resolved_since)
        alerts = select(AlertGroup).join(Incident, Incident.id == AlertGroup.incident_id)
        with self._ctx.db.read() as session:
            rows = _fetch_rows(session, query)
            marks = {g.incident_id: to_mark(g) for g in session.scalars(alerts.where(in_queue))}
        return with_alerts(rows, marks)

    def first_page(self, limit: int, resolved_since: datetime | None = None) -> list[IncidentRow]:
        """The queue's first `limit` rows in triage order (`queue_filters.default_order_key` at
        the clock's now), ordered and cut in SQL: what the console paints before the whole
        queue is read. Fewer than `limit` rows means this is the whole queue."""
        params = first_page_params(self._ctx.clock.now(), resolved_since, limit)
        with_resolved = resolved_since is not None
        with self._ctx.db.read() as session:
            connection = session.connection()
            query = first_page_query(with_resolved, connection.dialect.name)
            return [page_row(row) for row in connection.execute(query, params)]

    def rows(self, ids: Iterable[int]) -> list[IncidentRow]:
        """Fresh rows for these incidents (the change feed said they changed)."""
        wanted = list(ids)
        if not wanted:
            return []
        with self._ctx.db.read() as session:
            rows = _fetch_rows(session, _row_query().where(Incident.id.in_(wanted)))
            return with_alerts(rows, alert_marks(session, wanted))

    def detail(self, incident_id: int) -> IncidentDetail:
        with self._ctx.db.read() as session:
            return incident_detail(session, incident_id)

    def find_by_number(self, number: str) -> IncidentDetail:
        """Any incident, open or years closed, by its number however it is typed ('inc201',
        '201'); an incident an import renumbered is found by its number here."""
        wanted = typed_number(number)
        with self._ctx.db.read() as session:
            found = session.scalar(select(Incident.id).where(Incident.number == wanted))
            if found is None:
                raise NotFound(f"There is no incident {wanted}.")
            return incident_detail(session, found)

    def timeline(self, incident_id: int) -> list[TimelineEntry]:
        with self._ctx.db.read() as session:
            return [
                timeline_entry(event, name, event.pinned)
                for event, name in session.execute(timeline_query(incident_id))
            ]

    def changed_since(self, incident_id: int, version: int) -> EditConflict | None:
        """None while the incident is still at `version`; else who changed what since, with its
        current state (what the editor shows when a colleague's change arrives first)."""
        with self._ctx.db.read() as session:
            incident = session.get(Incident, incident_id)
            if incident is None:
                raise NotFound(f"Incident {incident_id} no longer exists; it may have been merged.")
            if incident.version == version:
                return None
            return edit_conflict(session, incident, version)

    def count(self) -> int:
        with self._ctx.db.read() as session:
            return int(session.scalar(select(func.count(Incident.id))) or 0)


def edit_conflict(session: Session, incident: Incident, since_version: int) -> EditConflict:
    """Who changed what on `incident` after `since_version`, named from the change log, with the
    incident as it is now."""
    entries = session.execute(
        select(ChangeLogEntry.fields, Agent.name)
        .outerjoin(Agent, Agent.id == ChangeLogEntry.actor_id)
        .where(
            ChangeLogEntry.entity == "incidents",
            ChangeLogEntry.entity_id == incident.id,
            ChangeLogEntry.version > since_version,
        )
        .order_by(ChangeLogEntry.id)
    ).all()
    people: list[str] = []
    fields: list[str] = []
    for changed_fields, name in entries:
        if name and name not in people:
            people.append(name)
        for field in changed_fields or []:
            label = EDITABLE.get(field, field.removesuffix("_id").replace("_", " "))
            if label not in fields:
                fields.append(label)
    return EditConflict(incident.number, people, fields, incident_detail(session, incident.id))


def _name(
    column: Mapped[str], key: Mapped[int], reference: Mapped[int | None]
) -> ScalarSelect[str]:
    """`column` of the row whose `key` the incident's `reference` holds, in the incident's row."""
    return select(column).where(key == reference).correlate(Incident).scalar_subquery()


# The names a detail shows beside the ids, read in the incident's own statement rather than a
# relationship lazy load at a time (a statement each, up to seven on every command's read-back).
# Subqueries, not outer joins: PostgreSQL planned the eight-table join afresh on every read,
# 2-3 ms against 0.25 ms for these (statements are not prepared: PgBouncer). Built once, the id a
# parameter: SQLAlchemy keeps a statement's cache key on the statement, and working it out again
# for a fresh `.where()` on every call cost more than running the query.
_parent = aliased(Incident)
_DETAIL = (
    select(
        Incident,
        func.coalesce(_name(Service.name, Service.id, Incident.service_id), "").label("service"),
        func.coalesce(_name(Contact.name, Contact.id, Incident.caller_id), "").label("caller"),
        func.coalesce(_name(Agent.name, Agent.id, Incident.commander_id), "").label("commander"),
        func.coalesce(_name(Agent.name, Agent.id, Incident.comms_lead_id), "").label("comms_lead"),
        _name(_parent.number, _parent.id, Incident.parent_id).label("parent_number"),
        func.coalesce(_name(Agent.name, Agent.id, Incident.assignee_id), "").label("assignee"),
        func.coalesce(_name(Team.name, Team.id, Incident.team_id), "").label("team"),
    )
    .where(Incident.id == bindparam("incident_id"))
    # The row overwrites the session's copy of the incident: see incident_detail.
    .execution_options(populate_existing=True)
)


def incident_detail(session: Session, incident_id: int) -> IncidentDetail:
    """One incident as the editor and the war room show it, names and all, in one statement:
    the one way an IncidentDetail is made.

    The row overwrites the session's copy of the incident (populate_existing; the autoflush has
    written any pending change first), so inside a write it is what the database now holds,
    the columns PostgreSQL's triggers set on a restricted login's write included: a command
    reads its result back with this alone, no refresh before it."""
    found = session.execute(_DETAIL, {"incident_id": incident_id}).one_or_none()
    if found is None:
        raise NotFound(f"Incident {incident_id} no longer exists.")
    return _to_detail(found)


def _to_detail(found: Row[*tuple[Any, ...]]) -> IncidentDetail:
    i: Incident = found.Incident
    return IncidentDetail(
        id=i.id,
        number=i.number,
        title=i.title,
        description=i.description,
        service_id=i.service_id,
        service=found.service,
        category=i.category,
        caller_id=i.caller_id,
        caller=found.caller,
        channel=i.channel,
        impact=i.impact,
        urgency=i.urgency,
        priority=Priority(i.priority),
        status=Status(i.status),
        hold_reason=HoldReason(i.hold_reason) if i.hold_reason else None,
        major=i.major,
        commander_id=i.commander_id,
        commander=found.commander,
        comms_lead_id=i.comms_lead_id,
        comms_lead=found.comms_lead,
        declared_major_at=i.declared_major_at,
        runbook_key=i.runbook_key,
        parent_id=i.parent_id,
        parent_number=found.parent_number,
        assignee_id=i.assignee_id,
        assignee=found.assignee,
        team_id=i.team_id,
        team=found.team,
        opened_at=i.opened_at,
        acknowledged_at=i.acknowledged_at,
        resolved_at=i.resolved_at,
        closed_at=i.closed_at,
        updated_at=i.updated_at,
        respond_by=i.respond_by,
        resolve_by=i.resolve_by,
        on_hold_since=i.on_hold_since,
        next_update_due=i.next_update_due,
        eta=i.eta,
        workaround=i.workaround,
        public_message=i.public_message,
        resolution=i.resolution,
        version=i.version,
        drill_id=i.drill_id,
        commander_since=i.commander_since or i.declared_major_at,
    )


def timeline_query(incident_id: int) -> Select[TimelineEvent, str]:
    """An incident's timeline events, oldest first, each with its author's name."""
    return (
        select(TimelineEvent, Agent.name)
        .outerjoin(Agent, Agent.id == TimelineEvent.actor_id)
        .where(TimelineEvent.incident_id == incident_id)
        .order_by(TimelineEvent.at, TimelineEvent.id)
    )


def timeline_entry(event: TimelineEvent, actor: str | None, pinned: bool) -> TimelineEntry:
    """One timeline event as the editor and the war room show it."""
    return TimelineEntry(
        id=event.id,
        incident_id=event.incident_id,
        at=event.at,
        made_at=event.made_at,
        actor=actor or "system",
        kind=event.kind,
        summary=event.summary + made_offline_note(event.made_at, event.at),
        pinned=pinned,
    )
