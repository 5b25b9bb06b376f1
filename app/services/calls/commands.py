"""Logging calls: save a call (once, however often it is submitted), link calls to incidents,
open an incident from a call, declare a major incident from a surge, and call people back.

Every public method checks the actor's role and is one transaction, the composed ones too ("log
this call as a new incident" saves the call, opens the incident and links them, or does none of
it). Linking a call writes the incident's timeline and records a change for the incident, so the
queue's Calls column updates everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.adapters.runbooks import load_runbook
from app.db.models import Call, Contact, Incident, Service
from app.domain.errors import RuleViolation
from app.domain.incident_numbers import typed_number
from app.domain.lifecycle import Status
from app.domain.priority import Impact, Urgency
from app.domain.roles import Action
from app.domain.services_state import ServiceState
from app.services.calls.drafts import (
    CALLER_MAX,
    checked_call_draft,
    draft_from_call,
    surge_draft,
)
from app.services.calls.dto import (
    CallDraft,
    CallerCard,
    CallRow,
    ContactDraft,
    LinkOutcome,
    LoggedCall,
    SurgeDeclared,
)
from app.services.calls.reads import CallReads, call_row, incident_call_count
from app.services.context import ServiceContext
from app.services.directory.phones import set_phone
from app.services.errors import AlreadyCovered, InvalidInput, NotFound
from app.services.feed.records import locking, record_change
from app.services.incidents.dto import IncidentDetail
from app.services.incidents.majors import AffectedService, MajorRoles, link, open_major
from app.services.incidents.opening import insert_incident
from app.services.incidents.reads import IncidentReads
from app.services.incidents.unit_of_work import IncidentUnitOfWork, incident_change

SURGE_RUNBOOK = "major-incident"


class CallCommands:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    # -- logging ---------------------------------------------------------------------------

    def log_call(self, draft: CallDraft) -> LoggedCall:
        """Save one call, linked to an incident if the draft names one. Saving a draft whose
        `client_uuid` was saved before returns that call and changes nothing."""
        self._ctx.actor.require(Action.LOG_CALL)
        draft = checked_call_draft(draft)
        linking = draft.incident_id is not None or bool(draft.incident_number)
        if linking:
            self._ctx.actor.require(Action.LINK)
        try:
            # No look-up of the client_uuid first and no savepoint around the insert: the unique
            # key catches a repeat, and each round trip saved is latency an agent feels on a
            # team server.
            with incident_change(self._ctx) as uow:
                incident = _linkable_incident(uow.session, draft) if linking else None
                call = self._add_call(uow, draft, incident)
                return self._logged(uow.session, call, created=True)
        except IntegrityError:
            # The draft was saved before (a retry, or Enter pressed twice): its client_uuid is
            # taken. The failed transaction wrote nothing; return the call saved the first time.
            earlier = self._earlier(draft.client_uuid)
            if earlier is None:
                raise
            return earlier

    def _add_call(
        self, uow: IncidentUnitOfWork, draft: CallDraft, incident: Incident | None
    ) -> Call:
        session = uow.session
        contact = _resolve_contact(session, self._ctx, draft)
        callback_number = draft.callback_number
        if draft.callback_wanted and not callback_number and contact and contact.phone:
            callback_number = contact.phone
        call = Call(
            client_uuid=draft.client_uuid,
            at=self._ctx.clock.now(),
            contact_id=contact.id if contact else None,
            caller_name=contact.name if contact else draft.caller_name,
            channel=draft.channel,
            service_id=draft.service_id,
            symptom=draft.symptom,
            callback_wanted=draft.callback_wanted,
            callback_number=callback_number or None,
            callback_done_at=None,
            incident_id=incident.id if incident else None,
            agent_id=self._ctx.actor.agent_id,
            # A call logged against a drill's incident is part of the drill.
            drill_id=incident.drill_id if incident else None,
            made_at=self._ctx.made_at,
        )
        session.add(call)
        session.flush()
        record_change(session, self._ctx, "calls", call.id, "insert")
        if incident is not None:
            self._note_linked(uow, incident, [call])
        return call

    def _earlier(self, client_uuid: str) -> LoggedCall | None:
        """The call saved before with this save key, if one was."""
        with self._ctx.db.read() as session:
            existing = _by_uuid(session, client_uuid)
            return self._logged(session, existing, created=False) if existing else None

    def _logged(self, session: Session, call: Call, *, created: bool) -> LoggedCall:
        count = incident_call_count(session, call.incident_id) if call.incident_id else None
        return LoggedCall(call=call_row(session, call.id), created=created, incident_calls=count)

    def create_contact(self, draft: ContactDraft) -> CallerCard:
        """Add a caller to the contacts, from the call form."""
        self._ctx.actor.require(Action.LOG_CALL)
        name = " ".join(draft.name.split())
        if not name:
            raise InvalidInput("name", "Type the caller's name to add them to the contacts.")
        with self._ctx.db.write() as session:
            contact = Contact(
                name=name[:CALLER_MAX],
                email=draft.email.strip() or None,
                department=draft.department.strip() or None,
                vip=draft.vip,
            )
            set_phone(contact, draft.phone, self._ctx.phone_region)
            session.add(contact)
            session.flush()
            record_change(session, self._ctx, "contacts", contact.id, "insert")
            contact_id = contact.id
        card = CallReads(self._ctx).caller(contact_id)
        assert card is not None
        return card

    # -- linking ---------------------------------------------------------------------------

    def link_calls(self, call_ids: Sequence[int], incident_id: int) -> LinkOutcome:
        """Link calls (one or a selection) to an open incident. Calls linked elsewhere move, and
        both incidents' timelines say so."""
        self._ctx.actor.require(Action.LINK)
        if not call_ids:
            raise InvalidInput("calls", "Select the calls to link first.")
        with incident_change(self._ctx) as uow:
            incident = uow.session.get(Incident, incident_id)
            if incident is None:
                raise NotFound(f"Incident {incident_id} no longer exists.")
            return self._link(uow, call_ids, incident)

    def link_calls_by_number(self, call_ids: Sequence[int], number: str) -> LinkOutcome:
        incident_id = _incident_id_by_number(self._ctx, number)
        return self.link_calls(call_ids, incident_id)

    def _link(
        self, uow: IncidentUnitOfWork, call_ids: Sequence[int], incident: Incident
    ) -> LinkOutcome:
        session = uow.session
        _check_open(incident)
        wanted = sorted(set(call_ids))
        calls = list(session.scalars(select(Call).where(Call.id.in_(wanted)).order_by(Call.at)))
        if len(calls) != len(wanted):
            raise NotFound("Some of those calls no longer exist; reload the call list.")
        moving = [c for c in calls if c.incident_id != incident.id]
        for call in moving:
            if call.incident_id is not None:
                self._note_moved(uow, call, incident)
            call.incident_id = incident.id
            record_change(session, self._ctx, "calls", call.id, "update", fields=["incident_id"])
        session.flush()
        if moving:
            self._note_linked(uow, incident, moving)
        return LinkOutcome(
            incident.id, incident.number, len(moving), incident_call_count(session, incident.id)
        )

    def _note_linked(
        self, uow: IncidentUnitOfWork, incident: Incident, calls: Sequence[Call]
    ) -> None:
        if len(calls) == 1:
            call = calls[0]
            who = call.caller_name or "an unnamed caller"
            what = f": {call.symptom}" if call.symptom else ""
            summary = f"Call from {who} linked{what}"
        else:
            summary = f"{len(calls)} calls linked"
        uow.event(incident, "call", summary, {"call_ids": [c.id for c in calls]})
        uow.record(incident, "update", ["calls"])

    def _note_moved(self, uow: IncidentUnitOfWork, call: Call, to: Incident) -> None:
        old = uow.session.get(Incident, call.incident_id)
        if old is None:
            return
        who = call.caller_name or "an unnamed caller"
        uow.event(
            old,
            "call",
            f"Call from {who} moved to {to.number}",
            {"call_ids": [call.id], "to": to.id},
        )
        uow.record(old, "update", ["calls"])

    # -- new incidents ---------------------------------------------------------------------

    def new_incident_from_call(
        self, call_id: int, *, impact: int = Impact.MEDIUM, urgency: int = Urgency.MEDIUM
    ) -> IncidentDetail:
        """Open an incident prefilled from the call (title, service, caller, channel, what they
        see, the callback number) and link the call to it, in one transaction."""
        self._ctx.actor.require(Action.OPEN_INCIDENT)
        self._ctx.actor.require(Action.LINK)
        with incident_change(self._ctx) as uow:
            session = uow.session
            call = session.scalar(locking(session, select(Call).where(Call.id == call_id)))
            if call is None:
                raise NotFound("That call no longer exists; reload the call list.")
            return self._open_from(uow, call, impact, urgency)

    def _open_from(
        self, uow: IncidentUnitOfWork, call: Call, impact: int, urgency: int
    ) -> IncidentDetail:
        row = call_row(uow.session, call.id)
        if row.incident_id is not None:
            raise RuleViolation(
                f"This call is already linked to {row.incident_number}; "
                "open that incident instead, or link the call elsewhere from the call list."
            )
        incident = insert_incident(uow, draft_from_call(row, impact, urgency))
        self._link(uow, [call.id], incident)
        return uow.detail(incident)

    def log_call_as_new_incident(
        self, draft: CallDraft, *, impact: int = Impact.MEDIUM, urgency: int = Urgency.MEDIUM
    ) -> tuple[LoggedCall, IncidentDetail]:
        """Save the call and open an incident from it, in one transaction. Safe to repeat: a
        draft saved before returns the incident its call was linked to (or opens one for it,
        when it was saved as a call alone, e.g. while the database was away)."""
        self._ctx.actor.require(Action.LOG_CALL)
        self._ctx.actor.require(Action.OPEN_INCIDENT)
        self._ctx.actor.require(Action.LINK)
        draft = checked_call_draft(replace(draft, incident_id=None, incident_number=""))
        try:
            with incident_change(self._ctx) as uow:
                call = self._add_call(uow, draft, None)
                detail = self._open_from(uow, call, impact, urgency)
                return self._logged(uow.session, call, created=True), detail
        except IntegrityError:
            earlier = self._earlier(draft.client_uuid)
            if earlier is None:
                raise
        if earlier.call.incident_id is not None:
            return earlier, IncidentReads(self._ctx).detail(earlier.call.incident_id)
        detail = self.new_incident_from_call(earlier.call.id, impact=impact, urgency=urgency)
        fresh = CallReads(self._ctx).rows_by_id([earlier.call.id])[0]
        return LoggedCall(fresh, False, 1), detail

    def declare_major_from_surge(
        self, service_id: int, call_ids: Sequence[int], alert_incident_ids: Sequence[int] = ()
    ) -> SurgeDeclared:
        """One click on a surge suggestion, one transaction: open a major incident for the
        service (the person clicking commands it), mark the service as partly out, and link the
        surge's calls, and as children the incidents monitoring opened for it. When a colleague
        declared one for the service first (even a moment ago, from another workstation's
        banner), they are linked to theirs instead: one outage, one major."""
        self._ctx.actor.require(Action.DECLARE_MAJOR)
        self._ctx.actor.require(Action.OPEN_INCIDENT)
        self._ctx.actor.require(Action.LINK)
        calls = CallReads(self._ctx).rows_by_id(call_ids)
        if not calls:
            raise InvalidInput("calls", "The calls of that surge no longer exist.")
        runbook = load_runbook(SURGE_RUNBOOK)
        ids = [c.id for c in calls]
        with incident_change(self._ctx) as uow:
            session = uow.session
            service = session.get(Service, service_id)
            if service is None:
                raise NotFound("That service no longer exists.")
            try:
                major = open_major(
                    uow,
                    surge_draft(service_id, service.name, calls),
                    MajorRoles(self._ctx.actor.agent_id),
                    [AffectedService(service_id, ServiceState.PARTIAL_OUTAGE)],
                    runbook,
                )
            except AlreadyCovered as covered:
                theirs = session.get(Incident, covered.major_id)
                assert theirs is not None  # it was just found, under the services' lock
                outcome = self._link(uow, ids, theirs)
                _adopt(uow, alert_incident_ids, theirs.id)
                by = covered.commander or "a colleague"
                return SurgeDeclared(uow.detail(theirs), outcome, declared_by=by)
            outcome = self._link(uow, ids, major)
            _adopt(uow, alert_incident_ids, major.id)
            return SurgeDeclared(uow.detail(major), outcome)

    # -- callbacks -------------------------------------------------------------------------

    def mark_called_back(self, call_id: int) -> CallRow:
        """Record that the caller was called back; the incident's timeline says who and when."""
        return self.mark_all_called_back([call_id])[0]

    def mark_all_called_back(self, call_ids: Sequence[int]) -> list[CallRow]:
        """The same for a selection of callers, in one transaction: when one of them cannot be
        marked (the call is gone, or no callback was asked for), none is."""
        self._ctx.actor.require(Action.LOG_CALL)
        with incident_change(self._ctx) as uow:
            return [self._mark_called_back(uow, call_id) for call_id in call_ids]

    def _mark_called_back(self, uow: IncidentUnitOfWork, call_id: int) -> CallRow:
        session = uow.session
        call = session.get(Call, call_id)
        if call is None:
            raise NotFound("That call no longer exists; reload the callback list.")
        if not call.callback_wanted:
            raise RuleViolation(f"{call.caller_name or 'This caller'} did not ask for a callback.")
        if call.callback_done_at is not None:
            return call_row(session, call.id)  # a colleague (or a double click) did it
        call.callback_done_at = self._ctx.clock.now()
        record_change(session, self._ctx, "calls", call.id, "update", fields=["callback_done_at"])
        incident = session.get(Incident, call.incident_id) if call.incident_id else None
        if incident is not None:
            number = f" on {call.callback_number}" if call.callback_number else ""
            uow.event(
                incident,
                "callback",
                f"Called back {call.caller_name or 'the caller'}{number}",
                {"call_id": call.id},
            )
            uow.record(incident, "update", ["callbacks"])
        session.flush()
        return call_row(session, call.id)


def _adopt(uow: IncidentUnitOfWork, incident_ids: Sequence[int], major_id: int) -> None:
    """Link the surge's monitoring incidents under the major one, those still open and without
    a parent (nobody has filed them elsewhere meanwhile)."""
    session = uow.session
    query = select(Incident).where(Incident.id.in_(incident_ids)).order_by(Incident.id)
    for child in session.scalars(locking(session, query)):
        if Status(child.status).is_open and child.parent_id is None and not child.major:
            uow.bump(child, link(uow, child, major_id))


def _by_uuid(session: Session, client_uuid: str) -> Call | None:
    return session.scalar(select(Call).where(Call.client_uuid == client_uuid))


def _check_open(incident: Incident) -> None:
    status = Status(incident.status)
    if not status.is_open:
        raise RuleViolation(
            f"{incident.number} is {status.label.lower()}; reopen it, or open a new incident "
            "from the call."
        )


def _linkable_incident(session: Session, draft: CallDraft) -> Incident:
    if draft.incident_id is not None:
        incident = session.get(Incident, draft.incident_id)
        if incident is None:
            raise NotFound("That incident no longer exists; choose another.")
    else:
        number = typed_number(draft.incident_number)
        incident = session.scalar(select(Incident).where(Incident.number == number))
        if incident is None:
            raise InvalidInput("incident_number", f"There is no incident {number}.")
    _check_open(incident)
    return incident


def _incident_id_by_number(ctx: ServiceContext, number: str) -> int:
    wanted = typed_number(number)
    with ctx.db.read() as session:
        found = session.scalar(select(Incident.id).where(Incident.number == wanted))
    if found is None:
        raise InvalidInput("incident_number", f"There is no incident {wanted}.")
    return found


def _resolve_contact(session: Session, ctx: ServiceContext, draft: CallDraft) -> Contact | None:
    if draft.contact_id is not None:
        contact = session.get(Contact, draft.contact_id)
        if contact is None:
            raise NotFound("That caller is no longer in the contacts; type the name again.")
        return contact
    if not draft.add_contact or not draft.caller_name:
        return None
    # The same name typed again without picking it: use that contact, do not make a twin.
    same = list(
        session.scalars(
            select(Contact).where(func.lower(Contact.name) == draft.caller_name.lower()).limit(2)
        )
    )
    if len(same) == 1:
        return same[0]
    if same:
        return None  # two people share the name: keep the typed name, let the agent pick later
    contact = Contact(name=draft.caller_name, vip=False)
    set_phone(contact, draft.callback_number, ctx.phone_region)
    session.add(contact)
    session.flush()
    record_change(session, ctx, "contacts", contact.id, "insert")
    return contact
