"""Reading calls: the call list, caller look-up, active major incidents, surges and callbacks."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, union
from sqlalchemy.orm import Session

from app.db.models import Agent, AlertGroup, Call, Contact, Incident, IncidentService, Service
from app.db.open_statuses import is_open
from app.domain.lifecycle import Status
from app.domain.phone_numbers import normalise_phone
from app.domain.surge import AlertSignal, CallSignal, SurgeRule, detect_surges, surge_message
from app.services.calls.dto import (
    ActiveMajor,
    CallerCard,
    CallRow,
    RecentCall,
    RecentIncident,
    SurgeSuggestion,
)
from app.services.context import ServiceContext
from app.services.directory.phones import has_number

CALL_LIST_LIMIT = 5000
RECENT_PER_CALLER = 3
CALLER_MATCHES = 6
_DONE = [Status.RESOLVED.value, Status.CLOSED.value]


_RowQuery = Select[Call, str, bool, str, Incident]  # outer joins: the last four may be None


def _row_query() -> _RowQuery:
    return (
        select(Call, Service.name, Contact.vip, Agent.name, Incident)
        .outerjoin(Service, Service.id == Call.service_id)
        .outerjoin(Contact, Contact.id == Call.contact_id)
        .outerjoin(Agent, Agent.id == Call.agent_id)
        .outerjoin(Incident, Incident.id == Call.incident_id)
    )


def _to_row(
    call: Call, service: str | None, vip: bool | None, agent: str | None, incident: Incident | None
) -> CallRow:
    return CallRow(
        id=call.id,
        at=call.at,
        caller=call.caller_name,
        contact_id=call.contact_id,
        vip=bool(vip),
        service_id=call.service_id,
        service=service or "",
        symptom=call.symptom,
        channel=call.channel,
        callback_wanted=call.callback_wanted,
        callback_number=call.callback_number or "",
        callback_done_at=call.callback_done_at,
        incident_id=call.incident_id,
        incident_number=incident.number if incident else "",
        incident_title=incident.title if incident else "",
        incident_status=Status(incident.status) if incident else None,
        incident_major=bool(incident and incident.major),
        agent=agent or "",
        made_at=call.made_at,
    )


def call_rows(session: Session, query: _RowQuery) -> list[CallRow]:
    return [_to_row(*r) for r in session.execute(query)]


def call_row(session: Session, call_id: int) -> CallRow:
    return call_rows(session, _row_query().where(Call.id == call_id))[0]


def incident_call_count(session: Session, incident_id: int) -> int:
    query = select(func.count(Call.id)).where(Call.incident_id == incident_id)
    return int(session.scalar(query) or 0)


def covered_service_ids(session: Session) -> set[int]:
    """Services an open major incident covers: its own service and its affected services."""
    majors = select(Incident.id, Incident.service_id).where(
        Incident.major.is_(True), is_open(Incident.status), Incident.drill_id.is_(None)
    )
    covered: set[int] = set()
    major_ids = []
    for incident_id, service_id in session.execute(majors):
        major_ids.append(incident_id)
        if service_id is not None:
            covered.add(service_id)
    if major_ids:
        affected = select(IncidentService.service_id).where(
            IncidentService.incident_id.in_(major_ids)
        )
        covered.update(session.scalars(affected))
    return covered


def covering_major(
    session: Session, service_ids: Sequence[int]
) -> tuple[int, str, str, str] | None:
    """The open major incident that covers one of `service_ids` (as its own service or an
    affected one), the first declared: its id, number, that service's name, its commander."""
    # A drill's major incident never covers a real outage's calls.
    open_major = and_(
        Incident.major.is_(True), is_open(Incident.status), Incident.drill_id.is_(None)
    )
    own = select(Incident.id, Incident.service_id).where(
        open_major, Incident.service_id.in_(service_ids)
    )
    affected = (
        select(IncidentService.incident_id, IncidentService.service_id)
        .join(Incident, Incident.id == IncidentService.incident_id)
        .where(open_major, IncidentService.service_id.in_(service_ids))
    )
    covering = union(own, affected).subquery()
    row = session.execute(
        select(Incident.id, Incident.number, Service.name, Agent.name)
        .join(covering, covering.c[0] == Incident.id)
        .join(Service, Service.id == covering.c[1])
        .outerjoin(Agent, Agent.id == Incident.commander_id)
        .order_by(Incident.declared_major_at, Incident.id)
        .limit(1)
    ).first()
    return None if row is None else (row[0], row[1], row[2], row[3] or "")


class CallReads:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    # -- the call list ---------------------------------------------------------------------

    def rows(self, since: datetime | None = None, limit: int = CALL_LIST_LIMIT) -> list[CallRow]:
        """The newest calls (made at or after `since`, if given), plus every call still waiting
        for a callback however old, so no promised callback drops off the list."""
        recent = _row_query().order_by(Call.at.desc(), Call.id.desc()).limit(limit)
        if since is not None:
            recent = recent.where(Call.at >= since)
        pending = _row_query().where(
            Call.callback_wanted.is_(True), Call.callback_done_at.is_(None)
        )
        with self._ctx.db.read() as session:
            found = {row.id: row for row in call_rows(session, recent)}
            for row in call_rows(session, pending):
                found.setdefault(row.id, row)
        return sorted(found.values(), key=lambda r: (r.at, r.id), reverse=True)

    def rows_by_id(self, call_ids: Iterable[int]) -> list[CallRow]:
        wanted = list(call_ids)
        if not wanted:
            return []
        with self._ctx.db.read() as session:
            return call_rows(session, _row_query().where(Call.id.in_(wanted)))

    def for_incident(self, incident_id: int) -> list[CallRow]:
        """The calls linked to one incident, newest first (the war room's call log)."""
        query = (
            _row_query().where(Call.incident_id == incident_id).order_by(Call.at.desc(), Call.id)
        )
        with self._ctx.db.read() as session:
            return call_rows(session, query)

    def callbacks_due(self) -> list[CallRow]:
        """Callers who asked to be called back, whose incident is now resolved: oldest first."""
        query = (
            _row_query()
            .where(
                Call.callback_wanted.is_(True),
                Call.callback_done_at.is_(None),
                Incident.status.in_(_DONE),
            )
            .order_by(Incident.resolved_at, Call.at, Call.id)
        )
        with self._ctx.db.read() as session:
            return call_rows(session, query)

    # -- the call form ---------------------------------------------------------------------

    def find_callers(self, text: str, limit: int = CALLER_MATCHES) -> list[CallerCard]:
        """Contacts whose name, phone or e-mail contains `text`, VIPs and exact names first,
        each with their latest calls and incidents. A whole number, however it is written
        ("020 7946 0000", "0044-20-7946-0000"), finds its caller by E.164 first."""
        text = " ".join(text.split())
        if not text:
            return []
        pattern = f"%{_escape_like(text)}%"
        digits = "".join(ch for ch in text if ch.isdigit())
        e164 = normalise_phone(text, self._ctx.phone_region) or ""
        conditions: list[ColumnElement[bool]] = [
            Contact.name.ilike(pattern, escape="\\"),
            Contact.email.ilike(pattern, escape="\\"),
            Contact.phone.ilike(pattern, escape="\\"),
        ]
        if e164:
            conditions.append(has_number(e164))
        if len(digits) >= 4:  # "7946 1000" finds "+44 20 7946 1000" whatever the spacing
            squeezed = func.replace(func.replace(Contact.phone, " ", ""), "-", "")
            conditions.append(squeezed.like(f"%{digits}%"))
        query = (
            select(Contact)
            .where(or_(*conditions))
            .order_by(
                *([has_number(e164).desc()] if e164 else []),
                (func.lower(Contact.name) == text.lower()).desc(),
                Contact.vip.desc(),
                Contact.name,
                Contact.id,
            )
            .limit(limit)
        )
        with self._ctx.db.read() as session:
            contacts = list(session.scalars(query))
            return self._cards(session, contacts)

    def callers_by_number(self, number: str) -> list[CallerCard]:
        """The contacts one of whose numbers is `number` (any spelling, or a `tel:` link),
        VIPs first: the callers an incoming call may be. Empty when it is no number."""
        e164 = normalise_phone(number, self._ctx.phone_region)
        if e164 is None:
            return []
        query = (
            select(Contact)
            .where(has_number(e164))
            .order_by(Contact.vip.desc(), Contact.name, Contact.id)
            .limit(CALLER_MATCHES)
        )
        with self._ctx.db.read() as session:
            return self._cards(session, list(session.scalars(query)))

    def caller(self, contact_id: int) -> CallerCard | None:
        with self._ctx.db.read() as session:
            contact = session.get(Contact, contact_id)
            return self._cards(session, [contact])[0] if contact else None

    def _cards(self, session: Session, contacts: Sequence[Contact]) -> list[CallerCard]:
        ids = [c.id for c in contacts]
        calls: dict[int, list[RecentCall]] = defaultdict(list)
        incidents: dict[int, list[RecentIncident]] = defaultdict(list)
        if ids:
            recent_calls = (
                select(Call.contact_id, Call.at, Service.name, Call.symptom, Incident.number)
                .outerjoin(Service, Service.id == Call.service_id)
                .outerjoin(Incident, Incident.id == Call.incident_id)
                .where(Call.contact_id.in_(ids))
                .order_by(Call.at.desc(), Call.id.desc())
                .limit(len(ids) * 20)
            )
            for contact_id, at, service, symptom, number in session.execute(recent_calls):
                if contact_id is not None and len(calls[contact_id]) < RECENT_PER_CALLER:
                    calls[contact_id].append(RecentCall(at, service or "", symptom, number or ""))
            recent_incidents = (
                select(Incident)
                .where(Incident.caller_id.in_(ids))
                .order_by(Incident.opened_at.desc(), Incident.id.desc())
                .limit(len(ids) * 20)
            )
            for incident in session.scalars(recent_incidents):
                mine = incidents[incident.caller_id or 0]
                if len(mine) < RECENT_PER_CALLER:
                    mine.append(
                        RecentIncident(
                            incident.id,
                            incident.number,
                            incident.title,
                            Status(incident.status),
                            incident.opened_at,
                        )
                    )
        return [
            CallerCard(
                id=c.id,
                name=c.name,
                email=c.email or "",
                phone=c.phone or "",
                department=c.department or "",
                vip=c.vip,
                recent_calls=tuple(calls[c.id]),
                recent_incidents=tuple(incidents[c.id]),
            )
            for c in contacts
        ]

    def active_majors(self) -> list[ActiveMajor]:
        """Open major incidents, the most recently declared first, with their call counts."""
        # Counted per major through ix_calls_incident: grouping every call ever logged cost
        # half a second at start-up on a database with years of history.
        calls = (
            select(func.count(Call.id))
            .where(Call.incident_id == Incident.id)
            .correlate(Incident)
            .scalar_subquery()
        )
        query = (
            select(Incident, calls)
            .where(Incident.major.is_(True), is_open(Incident.status))
            .order_by(Incident.declared_major_at.desc(), Incident.id.desc())
        )
        with self._ctx.db.read() as session:
            found = list(session.execute(query))
            services = self._services_of(session, [i.id for i, _ in found])
            result = []
            for incident, calls in found:
                own = (
                    [(incident.service_id, incident.service.name)]
                    if incident.service_id is not None and incident.service is not None
                    else []
                )
                pairs = dict(own + services.get(incident.id, []))
                result.append(
                    ActiveMajor(
                        id=incident.id,
                        number=incident.number,
                        title=incident.title,
                        public_message=incident.public_message,
                        workaround=incident.workaround,
                        eta=incident.eta,
                        service_ids=tuple(pairs),
                        services=tuple(pairs.values()),
                        calls=int(calls),
                        declared_at=incident.declared_major_at,
                        version=incident.version,
                    )
                )
            return result

    @staticmethod
    def _services_of(session: Session, ids: list[int]) -> dict[int, list[tuple[int, str]]]:
        found: dict[int, list[tuple[int, str]]] = defaultdict(list)
        if ids:
            query = (
                select(IncidentService.incident_id, Service.id, Service.name)
                .join(Service, Service.id == IncidentService.service_id)
                .where(IncidentService.incident_id.in_(ids))
                .order_by(Service.name)
            )
            for incident_id, service_id, name in session.execute(query):
                found[incident_id].append((service_id, name))
        return found

    # -- surges ----------------------------------------------------------------------------

    def surges(self, rule: SurgeRule | None = None) -> list[SurgeSuggestion]:
        """Services with a surge of calls now and no major incident covering them."""
        rule = rule or SurgeRule()
        now = self._ctx.clock.now()
        query = (
            select(Call.id, Call.service_id, Call.at, Incident.major)
            .outerjoin(Incident, Incident.id == Call.incident_id)
            .where(
                Call.service_id.is_not(None),
                Call.at >= rule.window_start(now),
                Call.drill_id.is_(None),  # a drill's calls are no surge
            )
        )
        start = rule.window_start(now)
        monitoring = (
            select(
                AlertGroup.incident_id,
                AlertGroup.service_id,
                AlertGroup.last_firing_at,
                AlertGroup.state,
                Incident.major,
            )
            .join(Incident, Incident.id == AlertGroup.incident_id)
            .where(
                AlertGroup.current_key.is_not(None),
                AlertGroup.service_id.is_not(None),
                is_open(Incident.status),
                or_(AlertGroup.state == "firing", AlertGroup.last_firing_at >= start),
            )
        )
        with self._ctx.db.read() as session:
            signals = [
                CallSignal(call_id, service_id, at, bool(major))
                for call_id, service_id, at, major in session.execute(query)
            ]
            alerts = [  # an alert group opens one incident: its id stands for the group
                AlertSignal(incident_id, service_id, at, state == "firing", bool(major))
                for incident_id, service_id, at, state, major in session.execute(monitoring)
            ]
            covered = covered_service_ids(session)
            surges = detect_surges(signals, covered, now, rule, alerts)
            wanted = [s.service_id for s in surges]
            names: dict[int, str] = {
                service_id: name
                for service_id, name in session.execute(
                    select(Service.id, Service.name).where(Service.id.in_(wanted))
                )
            }
        return [
            SurgeSuggestion(
                service_id=s.service_id,
                service=names.get(s.service_id, "?"),
                call_ids=s.call_ids,
                first_at=s.first_at,
                last_at=s.last_at,
                message=surge_message(
                    names.get(s.service_id, "?"), s.count, rule, len(s.alert_ids)
                ),
                alert_incident_ids=s.alert_ids,
            )
            for s in surges
        ]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
