"""Working a major incident from the war room: the checklist, vendor escalations, child
incidents, calls taken here, pins and notes on the timeline, and what callers are told.

Each public method is one transaction that checks the actor's role, writes the timeline, and
records a change for the incident so every open war room (here or on another workstation)
refreshes. Checklist items, pins and calls do not change the incident row itself, so they never
conflict with someone editing it; a vendor case carries its own version.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.db.models import Agent, ChecklistItem, Incident, TimelineEvent, VendorEscalation
from app.domain.errors import CalmdeskError
from app.domain.incident_numbers import typed_number
from app.domain.lifecycle import Status
from app.domain.roles import Action
from app.domain.runbook import OWNER_ROLES
from app.domain.vendor import VendorState
from app.services.calls.commands import CallCommands
from app.services.calls.drafts import new_client_uuid
from app.services.calls.dto import CallDraft, CallRow
from app.services.context import ServiceContext
from app.services.errors import InvalidInput, NotFound
from app.services.feed.records import record_change, record_event
from app.services.incidents.commands import IncidentCommands
from app.services.incidents.dto import IncidentDetail
from app.services.incidents.reads import IncidentReads
from app.services.incidents.unit_of_work import IncidentUnitOfWork
from app.services.offline.receipts import earlier_result, record_receipt
from app.services.war_room.dto import (
    ChecklistRow,
    ChildRow,
    VendorDraft,
    VendorRow,
    WarRoomCallDraft,
)
from app.services.war_room.reads import PIN_KINDS, checklist_rows, to_vendor_row

ITEM_MAX = 500
VENDOR_MAX = 200


class VendorEditConflict(CalmdeskError):
    """A colleague changed the vendor case after it was read."""


class WarRoomCommands:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    # -- checklist ----------------------------------------------------------------------------

    def set_item_done(self, item_id: int, done: bool, *, op_id: str | None = None) -> ChecklistRow:
        """Tick (or untick) a checklist item; the timeline records who and when. Ticking an
        item a colleague just ticked changes nothing. With `op_id` (a change from the offline
        outbox) the change is made once, however often it is sent."""
        self._ctx.actor.require(Action.WORK_CHECKLIST)
        now = self._ctx.clock.now()
        with self._ctx.db.write() as session:
            item = session.get(ChecklistItem, item_id)
            if item is None:
                raise NotFound("That checklist item no longer exists; the list will refresh.")
            incident = _incident(session, item.incident_id)
            if earlier_result(session, op_id) is not None or (item.done_at is not None) == done:
                return _item_row(session, item)
            record_receipt(session, self._ctx, op_id, "checklist", item.id)
            if done:
                item.done_at, item.done_by_id = now, self._ctx.actor.agent_id
                summary = f"Ticked: {item.text}"
            else:
                who = session.get(Agent, item.done_by_id) if item.done_by_id else None
                by = f" (ticked by {who.name})" if who else ""
                item.done_at, item.done_by_id = None, None
                summary = f"Unticked: {item.text}{by}"
            record_event(session, self._ctx, incident, "checklist", summary, {"item_id": item.id})
            self._changed(session, incident, "checklist_items", item.id, ["checklist"])
            session.flush()
            return _item_row(session, item)

    def add_item(self, incident_id: int, text: str, owner_role: str = "commander") -> ChecklistRow:
        """Add an ad-hoc step at the end of the checklist."""
        self._ctx.actor.require(Action.WORK_CHECKLIST)
        text = " ".join(text.split())
        if not text:
            raise InvalidInput("checklist_text", "Type what needs doing.")
        if len(text) > ITEM_MAX:
            raise InvalidInput("checklist_text", f"Keep a step under {ITEM_MAX} characters.")
        if owner_role not in OWNER_ROLES:
            raise InvalidInput("owner_role", f"The owner is one of {', '.join(OWNER_ROLES)}.")
        with self._ctx.db.write() as session:
            incident = _incident(session, incident_id)
            last = session.scalar(
                select(func.max(ChecklistItem.position)).where(
                    ChecklistItem.incident_id == incident_id
                )
            )
            item = ChecklistItem(
                incident_id=incident_id,
                position=(last or 0) + 1,
                text=text,
                owner_role=owner_role,
                ad_hoc=True,
            )
            session.add(item)
            session.flush()
            record_event(
                session,
                self._ctx,
                incident,
                "checklist_added",
                f"Added a step: {text}",
                {"item_id": item.id, "owner_role": owner_role},
            )
            self._changed(session, incident, "checklist_items", item.id, ["checklist"], "insert")
            return _item_row(session, item)

    # -- vendors ------------------------------------------------------------------------------

    def escalate_vendor(self, incident_id: int, draft: VendorDraft) -> VendorRow:
        self._ctx.actor.require(Action.ESCALATE_VENDOR)
        draft = _checked_vendor(draft)
        with self._ctx.db.write() as session:
            incident = _incident(session, incident_id)
            case = VendorEscalation(
                incident_id=incident_id,
                vendor=draft.vendor,
                reference=draft.reference,
                contact=draft.contact,
                escalated_at=draft.escalated_at or self._ctx.clock.now(),
                vendor_eta=draft.vendor_eta,
                state=draft.state.value,
                notes=draft.notes,
                escalated_by_id=self._ctx.actor.agent_id,
                version=1,
            )
            session.add(case)
            session.flush()
            reference = f" ({draft.reference})" if draft.reference else ""
            record_event(
                session,
                self._ctx,
                incident,
                "vendor",
                f"Escalated to {draft.vendor}{reference}",
                {"vendor_id": case.id},
            )
            self._changed(session, incident, "vendor_escalations", case.id, ["vendors"], "insert")
            return to_vendor_row(case)

    def edit_vendor(self, vendor_id: int, expected_version: int, draft: VendorDraft) -> VendorRow:
        """Change a vendor case (new ETA, acknowledged, fixed...). Refused, naming what changed,
        if a colleague edited it after it was read."""
        self._ctx.actor.require(Action.ESCALATE_VENDOR)
        draft = _checked_vendor(draft)
        with self._ctx.db.write() as session:
            case = session.get(VendorEscalation, vendor_id)
            if case is None:
                raise NotFound("That vendor case no longer exists; the list will refresh.")
            if case.version != expected_version:
                raise VendorEditConflict(
                    f"Someone changed the {case.vendor} case while you were editing it "
                    f"(it is now {VendorState(case.state).label.lower()}). "
                    "Your changes are still in the form: check theirs, then save again."
                )
            incident = _incident(session, case.incident_id)
            changes = _vendor_changes(case, draft)
            if not changes:
                return to_vendor_row(case)
            case.vendor, case.reference, case.contact = draft.vendor, draft.reference, draft.contact
            case.vendor_eta, case.notes = draft.vendor_eta, draft.notes
            case.state = draft.state.value
            if draft.escalated_at is not None:
                case.escalated_at = draft.escalated_at
            case.version += 1
            try:
                session.flush()  # UPDATE ... WHERE version = the one read: a racing edit fails
            except StaleDataError:
                raise VendorEditConflict(
                    "Someone changed this vendor case at the same moment; "
                    "your changes are still in the form: check theirs, then save again."
                ) from None
            record_event(
                session,
                self._ctx,
                incident,
                "vendor",
                f"{case.vendor}: " + "; ".join(changes),
                {"vendor_id": case.id},
            )
            self._changed(session, incident, "vendor_escalations", case.id, ["vendors"])
            return to_vendor_row(case)

    # -- children, calls, timeline ------------------------------------------------------------

    def link_child(self, incident_id: int, number: str) -> ChildRow:
        """Link the incident with this number (INC0000123, or just 123) as a child."""
        self._ctx.actor.require(Action.LINK)
        wanted = typed_number(number)
        if not wanted:
            raise InvalidInput("child_number", "Type the number of the incident to link.")
        reads = IncidentReads(self._ctx)
        child = reads.find_by_number(wanted)
        if child.id == incident_id:
            raise InvalidInput("child_number", f"{wanted} is this incident itself.")
        if child.parent_id == incident_id:
            raise InvalidInput("child_number", f"{wanted} is already linked here.")
        if child.major:
            raise InvalidInput(
                "child_number",
                f"{wanted} is a major incident of its own; resolve or merge it separately.",
            )
        linked = IncidentCommands(self._ctx).link_to_parent(child.id, child.version, incident_id)
        return _child_row(linked)

    def add_call(self, incident_id: int, draft: WarRoomCallDraft) -> CallRow:
        """Log a call and link it here, through the call-logging use case."""
        return CallCommands(self._ctx).log_call(linked_call_draft(incident_id, draft)).call

    def add_note(self, incident_id: int, text: str, *, pinned: bool = False) -> int:
        return IncidentCommands(self._ctx).add_note(incident_id, text, pinned=pinned)

    def set_pinned(self, event_id: int, pinned: bool) -> None:
        """Pin a key event for the review (or unpin it). The timeline is append-only, so this
        appends a pin event that the reads apply."""
        self._ctx.actor.require(Action.ADD_NOTE)
        with self._ctx.db.write() as session:
            event = session.get(TimelineEvent, event_id)
            if event is None:
                raise NotFound("That timeline entry no longer exists.")
            if event.kind in PIN_KINDS:
                raise InvalidInput("pin", "Pin the event itself, not the note that pinned it.")
            incident = _incident(session, event.incident_id)
            verb = "Pinned" if pinned else "Unpinned"
            record_event(
                session,
                self._ctx,
                incident,
                "pinned" if pinned else "unpinned",
                f"{verb}: {event.summary}",
                {"event_id": event.id},
            )
            self._changed(session, incident, None, None, ["timeline"])

    def set_callers_message(
        self, incident_id: int, expected_version: int, public_message: str, workaround: str
    ) -> IncidentDetail:
        """What the service desk tells callers, edited directly (posting an update to all users
        also sets it)."""
        return IncidentCommands(self._ctx).edit(
            incident_id,
            expected_version,
            {"public_message": public_message, "workaround": workaround},
        )

    # -- helpers ------------------------------------------------------------------------------

    def _changed(
        self,
        session: Session,
        incident: Incident,
        entity: str | None,
        entity_id: int | None,
        fields: list[str],
        action: str = "update",
    ) -> None:
        if entity is not None and entity_id is not None:
            record_change(session, self._ctx, entity, entity_id, action)
        IncidentUnitOfWork(self._ctx, session).record(incident, "update", fields)


def linked_call_draft(incident_id: int, draft: WarRoomCallDraft) -> CallDraft:
    """A war-room call as the call-logging use case takes it: linked to this incident."""
    return CallDraft(
        client_uuid=draft.client_uuid or new_client_uuid(),
        caller_name=draft.caller_name,
        symptom=draft.symptom,
        channel=draft.channel,
        callback_wanted=draft.callback_wanted,
        callback_number=draft.callback_number,
        incident_id=incident_id,
    )


def _incident(session: Session, incident_id: int) -> Incident:
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(f"Incident {incident_id} no longer exists.")
    return incident


def _item_row(session: Session, item: ChecklistItem) -> ChecklistRow:
    return next(row for row in checklist_rows(session, item.incident_id) if row.id == item.id)


def _checked_vendor(draft: VendorDraft) -> VendorDraft:
    vendor = " ".join(draft.vendor.split())
    if not vendor:
        raise InvalidInput("vendor", "Name the vendor, for example Microsoft 365 support.")
    if len(vendor) > VENDOR_MAX:
        raise InvalidInput("vendor", f"Keep the vendor's name under {VENDOR_MAX} characters.")
    reference = draft.reference.strip()
    if len(reference) > 120:
        raise InvalidInput("reference", "That reference is too long (120 characters at most).")
    contact = draft.contact.strip()
    if len(contact) > VENDOR_MAX:
        raise InvalidInput("contact", f"Keep the contact under {VENDOR_MAX} characters.")
    if draft.vendor_eta is not None and draft.vendor_eta.tzinfo is None:
        raise InvalidInput("vendor_eta", "The vendor's ETA needs a time zone.")
    return VendorDraft(
        vendor=vendor,
        reference=reference,
        contact=contact,
        escalated_at=draft.escalated_at,
        vendor_eta=draft.vendor_eta,
        state=VendorState(draft.state),
        notes=draft.notes.strip(),
    )


def _vendor_changes(case: VendorEscalation, draft: VendorDraft) -> list[str]:
    changes = []
    if case.state != draft.state.value:
        changes.append(f"{VendorState(case.state).label} → {draft.state.label}")
    if case.vendor_eta != draft.vendor_eta:
        changes.append(f"ETA {_hhmm(draft.vendor_eta)}" if draft.vendor_eta else "ETA removed")
    for field, label in (("vendor", "vendor"), ("reference", "reference"), ("contact", "contact")):
        if getattr(case, field) != getattr(draft, field):
            changes.append(f"{label} {getattr(draft, field) or 'removed'}")
    if case.notes != draft.notes:
        changes.append("notes changed")
    if draft.escalated_at is not None and case.escalated_at != draft.escalated_at:
        changes.append(f"escalated at {_hhmm(draft.escalated_at)}")
    return changes


def _hhmm(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%H:%M") if moment else ""


def _child_row(detail: IncidentDetail) -> ChildRow:
    return ChildRow(
        id=detail.id,
        number=detail.number,
        title=detail.title,
        status=Status(detail.status),
        priority=detail.priority,
        assignee=detail.assignee,
        version=detail.version,
    )
