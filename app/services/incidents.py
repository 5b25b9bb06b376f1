"""Changing incidents: open, edit, assign, move through the lifecycle, declare major, link, note.

Every public method is one transaction that checks the actor's role and the record's version,
and writes the timeline and the change log along with the change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.db.models import (
    Agent,
    ChangeLogEntry,
    ChecklistItem,
    Contact,
    Counter,
    Incident,
    IncidentService,
)
from app.db.models import Service as ServiceRow
from app.domain.cadence import next_update_due
from app.domain.errors import RuleViolation
from app.domain.lifecycle import HoldReason, Status, check_transition
from app.domain.priority import Impact, Priority, Urgency
from app.domain.roles import Action
from app.domain.runbook import Runbook
from app.domain.services_state import ServiceState
from app.domain.sla import due_times, resume_after_hold
from app.services.context import ServiceContext
from app.services.dto import IncidentDetail
from app.services.errors import EditConflict, InvalidInput, NotFound
from app.services.incident_fields import (
    EDITABLE,
    check_channel,
    clean_title,
    parse_impact,
    parse_urgency,
    validated,
)
from app.services.incident_reads import incident_detail, to_detail
from app.services.receipts import earlier_result, record_receipt
from app.services.records import load_matrix, load_policies, record_change, record_event


@dataclass(frozen=True)
class IncidentDraft:
    title: str
    impact: int = Impact.MEDIUM
    urgency: int = Urgency.MEDIUM
    description: str = ""
    service_id: int | None = None
    category: str | None = None
    caller_id: int | None = None
    channel: str = "phone"
    assignee_id: int | None = None
    team_id: int | None = None
    opened_at: datetime | None = None  # defaults to now; importers pass the original time


@dataclass(frozen=True)
class AffectedService:
    service_id: int
    state: ServiceState


class IncidentCommands:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    # -- creating and editing -------------------------------------------------------------

    def open(self, draft: IncidentDraft) -> IncidentDetail:
        self._ctx.actor.require(Action.OPEN_INCIDENT)
        title = clean_title(draft.title)
        check_channel(draft.channel)
        impact, urgency = parse_impact(draft.impact), parse_urgency(draft.urgency)
        now = self._ctx.clock.now()
        opened = draft.opened_at or now
        with self._ctx.db.write() as session:
            priority = load_matrix(session).priority(impact, urgency)
            due = due_times(opened, load_policies(session)[priority])
            incident = Incident(
                number=_next_number(session),
                title=title,
                description=draft.description.strip(),
                service_id=draft.service_id,
                category=draft.category,
                caller_id=draft.caller_id,
                channel=draft.channel,
                impact=int(impact),
                urgency=int(urgency),
                priority=int(priority),
                status=Status.NEW.value,
                assignee_id=draft.assignee_id,
                team_id=draft.team_id or _team_of(session, draft.assignee_id),
                opened_at=opened,
                updated_at=now,
                respond_by=due.respond_by,
                resolve_by=due.resolve_by,
                paused_seconds=0,
                major=False,
                workaround="",
                public_message="",
                resolution="",
                version=1,
            )
            session.add(incident)
            session.flush()
            record_event(
                session,
                self._ctx,
                incident,
                "created",
                f"Opened {incident.number} at {priority.label}: {title}",
            )
            self._changed(session, incident, "insert", [])
            return to_detail(incident)

    def edit(
        self, incident_id: int, expected_version: int, changes: Mapping[str, object]
    ) -> IncidentDetail:
        """Change plain fields. Changing impact or urgency re-derives priority and SLA due times."""
        self._ctx.actor.require(Action.EDIT_INCIDENT)
        unknown = set(changes) - set(EDITABLE)
        if unknown:
            raise InvalidInput(
                sorted(unknown)[0], f"These fields cannot be edited: {sorted(unknown)}"
            )
        with self._ctx.db.write() as session:
            incident = self._load(session, incident_id, expected_version)
            changed = []
            for field, value in changes.items():
                value = validated(field, value)
                _check_reference(session, field, value)
                if getattr(incident, field) != value:
                    setattr(incident, field, value)
                    changed.append(field)
            if not changed:
                return to_detail(incident)
            if {"impact", "urgency"} & set(changed):
                self._rederive_priority(session, incident)
            labels = ", ".join(EDITABLE[f] for f in changed)
            record_event(
                session,
                self._ctx,
                incident,
                "edited",
                f"Changed {labels}",
                {"fields": changed},
            )
            return self._commit(session, incident, changed)

    def assign(
        self,
        incident_id: int,
        expected_version: int,
        *,
        assignee_id: int | None,
        team_id: int | None = None,
    ) -> IncidentDetail:
        self._ctx.actor.require(Action.ASSIGN)
        with self._ctx.db.write() as session:
            incident = self._load(session, incident_id, expected_version)
            team = team_id if team_id is not None else _team_of(session, assignee_id)
            if assignee_id is not None and session.get(Agent, assignee_id) is None:
                raise InvalidInput("assignee_id", "That agent does not exist.")
            changed = []
            if incident.assignee_id != assignee_id:
                incident.assignee_id = assignee_id
                changed.append("assignee_id")
            if team is not None and incident.team_id != team:
                incident.team_id = team
                changed.append("team_id")
            if not changed:
                return to_detail(incident)
            session.flush()
            session.refresh(incident)
            who = incident.assignee.name if incident.assignee else "nobody"
            team_name = f" ({incident.team.name})" if incident.team else ""
            record_event(
                session,
                self._ctx,
                incident,
                "assigned",
                f"Assigned to {who}{team_name}",
                {"assignee_id": assignee_id, "team_id": incident.team_id},
            )
            return self._commit(session, incident, changed)

    # -- lifecycle ------------------------------------------------------------------------

    def transition(
        self,
        incident_id: int,
        expected_version: int,
        target: Status,
        *,
        hold_reason: HoldReason | None = None,
        resolution: str | None = None,
    ) -> IncidentDetail:
        self._ctx.actor.require(Action.CLOSE if target == Status.CLOSED else Action.TRANSITION)
        now = self._ctx.clock.now()
        with self._ctx.db.write() as session:
            incident = self._load(session, incident_id, expected_version)
            current = Status(incident.status)
            resolution = resolution if resolution is not None else incident.resolution
            check_transition(current, target, hold_reason=hold_reason, resolution=resolution)
            if current == Status.ON_HOLD and incident.on_hold_since is not None:
                paused = now - incident.on_hold_since
                incident.resolve_by = resume_after_hold(
                    incident.resolve_by, incident.on_hold_since, now
                )
                incident.paused_seconds += int(paused.total_seconds())
                incident.on_hold_since = None
                incident.hold_reason = None
            # Cancelling is not a response to the caller: it leaves the response clock alone.
            if target not in (Status.NEW, Status.CANCELLED) and incident.acknowledged_at is None:
                incident.acknowledged_at = now
            if target == Status.ON_HOLD:
                assert hold_reason is not None
                incident.on_hold_since = now
                incident.hold_reason = hold_reason.value
            elif target == Status.RESOLVED:
                incident.resolved_at = now
                incident.resolution = (resolution or "").strip()
                incident.next_update_due = None
            elif target == Status.IN_PROGRESS and current == Status.RESOLVED:
                incident.resolved_at = None
                if incident.major:
                    self._restart_cadence(session, incident, now)
            elif target == Status.CLOSED:
                incident.closed_at = now
            elif target == Status.CANCELLED:
                incident.closed_at = now
                incident.next_update_due = None
            incident.status = target.value
            reason = f" ({hold_reason.label})" if hold_reason and target == Status.ON_HOLD else ""
            record_event(
                session,
                self._ctx,
                incident,
                "status",
                f"{current.label} → {target.label}{reason}",
                {
                    "from": current.value,
                    "to": target.value,
                    "hold_reason": hold_reason.value if hold_reason else None,
                },
            )
            return self._commit(session, incident, ["status"])

    # -- major incidents and links --------------------------------------------------------

    def declare_major(
        self,
        incident_id: int,
        expected_version: int,
        *,
        commander_id: int,
        comms_lead_id: int | None = None,
        affected: Sequence[AffectedService] = (),
        runbook: Runbook | None = None,
    ) -> IncidentDetail:
        """Make an incident major: roles, affected services, a checklist, and an update cadence."""
        self._ctx.actor.require(Action.DECLARE_MAJOR)
        now = self._ctx.clock.now()
        with self._ctx.db.write() as session:
            incident = self._load(session, incident_id, expected_version)
            if incident.major:
                raise RuleViolation(f"{incident.number} is already a major incident.")
            if not Status(incident.status).is_open:
                raise RuleViolation(
                    f"{incident.number} is {Status(incident.status).label.lower()}; "
                    "reopen it before declaring it major."
                )
            for role, agent_id in (("commander", commander_id), ("comms lead", comms_lead_id)):
                if agent_id is not None and session.get(Agent, agent_id) is None:
                    raise InvalidInput(f"{role}_id", f"The {role} must be an existing agent.")
            incident.major = True
            incident.declared_major_at = now
            incident.commander_id = commander_id
            incident.comms_lead_id = comms_lead_id
            self._restart_cadence(session, incident, now)
            for item in affected:
                self._set_service_state(session, incident, item)
            if runbook is not None:
                incident.runbook_key = runbook.key
                for position, step in enumerate(runbook.items, start=1):
                    session.add(
                        ChecklistItem(
                            incident_id=incident.id,
                            position=position,
                            text=step.text,
                            owner_role=step.owner,
                            ad_hoc=False,
                        )
                    )
            session.flush()
            session.refresh(incident)
            commander = incident.commander.name if incident.commander else "?"
            record_event(
                session,
                self._ctx,
                incident,
                "declared_major",
                f"Declared a major incident; commander {commander}"
                + (f", runbook {runbook.title}" if runbook else ""),
                {"commander_id": commander_id, "comms_lead_id": comms_lead_id},
                pinned=True,
            )
            return self._commit(session, incident, ["major", "commander_id", "comms_lead_id"])

    def link_to_parent(
        self, child_id: int, expected_version: int, parent_id: int | None
    ) -> IncidentDetail:
        """Link a child incident to its parent (usually a major incident), or unlink it."""
        self._ctx.actor.require(Action.LINK)
        with self._ctx.db.write() as session:
            child = self._load(session, child_id, expected_version)
            if parent_id == child.parent_id:
                return to_detail(child)
            if parent_id is not None:
                parent = session.get(Incident, parent_id)
                if parent is None:
                    raise NotFound("The parent incident no longer exists.")
                _check_no_cycle(session, child, parent)
                if not Status(parent.status).is_open:
                    raise RuleViolation(
                        f"{parent.number} is {Status(parent.status).label.lower()}; "
                        "link to an open incident."
                    )
                record_event(session, self._ctx, child, "linked", f"Linked to {parent.number}")
                record_event(
                    session, self._ctx, parent, "child_linked", f"{child.number} linked as a child"
                )
                record_change(
                    session,
                    self._ctx,
                    "incidents",
                    parent.id,
                    "update",
                    version=parent.version,
                    fields=["children"],
                )
            else:
                record_event(session, self._ctx, child, "unlinked", "Unlinked from its parent")
            child.parent_id = parent_id
            return self._commit(session, child, ["parent_id"])

    def add_note(
        self, incident_id: int, text: str, *, pinned: bool = False, op_id: str | None = None
    ) -> int:
        """Add a note to the timeline. Notes never conflict: they do not change the incident.
        With `op_id` (a change from the offline outbox) the note is added once, however often
        it is sent."""
        self._ctx.actor.require(Action.ADD_NOTE)
        text = checked_note(text)
        with self._ctx.db.write() as session:
            if (receipt := earlier_result(session, op_id)) is not None:
                return receipt.result_id or 0
            incident = session.get(Incident, incident_id)
            if incident is None:
                raise NotFound(f"Incident {incident_id} no longer exists.")
            event = record_event(session, self._ctx, incident, "note", text, pinned=pinned)
            session.flush()
            record_receipt(session, self._ctx, op_id, "note", event.id)
            record_change(
                session,
                self._ctx,
                "incidents",
                incident.id,
                "note",
                version=incident.version,
                fields=["timeline"],
            )
            return event.id

    # -- helpers --------------------------------------------------------------------------

    def _load(self, session: Session, incident_id: int, expected_version: int) -> Incident:
        query = select(Incident).where(Incident.id == incident_id)
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        incident = session.scalar(query)
        if incident is None:
            raise NotFound(f"Incident {incident_id} no longer exists; it may have been merged.")
        if incident.version != expected_version:
            raise self._conflict(session, incident, expected_version)
        return incident

    def _conflict(self, session: Session, incident: Incident, since_version: int) -> EditConflict:
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
        return EditConflict(incident.number, people, fields, to_detail(incident))

    def _commit(self, session: Session, incident: Incident, changed: list[str]) -> IncidentDetail:
        number = incident.number  # a failed flush expires the object; keep this for the message
        incident.updated_at = self._ctx.clock.now()
        incident.version += 1
        try:
            session.flush()  # bumps version; raises if a racing writer got there first
        except StaleDataError:
            raise RuleViolation(
                f"{number} was changed by someone else at the same moment; reload it and try again."
            ) from None
        self._changed(session, incident, "update", changed)
        session.flush()
        session.refresh(incident)
        return incident_detail(session, incident.id)

    def _changed(
        self, session: Session, incident: Incident, action: str, fields: list[str]
    ) -> None:
        record_change(
            session,
            self._ctx,
            "incidents",
            incident.id,
            action,
            version=incident.version,
            fields=fields,
        )

    def _rederive_priority(self, session: Session, incident: Incident) -> None:
        priority = load_matrix(session).priority(incident.impact, incident.urgency)
        if priority == incident.priority:
            return
        old = Priority(incident.priority)
        incident.priority = int(priority)
        policy = load_policies(session)[priority]
        due = due_times(incident.opened_at, policy, timedelta(seconds=incident.paused_seconds))
        incident.respond_by, incident.resolve_by = due.respond_by, due.resolve_by
        if incident.major:
            self._restart_cadence(session, incident, self._ctx.clock.now())
        record_event(
            session,
            self._ctx,
            incident,
            "priority",
            f"Priority {old.label} → {priority.label}",
            {"from": int(old), "to": int(priority)},
        )

    def _restart_cadence(self, session: Session, incident: Incident, now: datetime) -> None:
        policy = load_policies(session)[Priority(incident.priority)]
        incident.next_update_due = next_update_due(policy, major=incident.major, last_update_at=now)

    def _set_service_state(
        self, session: Session, incident: Incident, item: AffectedService
    ) -> None:
        service = session.get(ServiceRow, item.service_id)
        if service is None:
            raise InvalidInput("service_id", "One of the affected services no longer exists.")
        session.merge(IncidentService(incident_id=incident.id, service_id=service.id))
        if service.state != item.state.value:
            old = ServiceState(service.state)
            service.state = item.state.value
            record_event(
                session,
                self._ctx,
                incident,
                "service_state",
                f"{service.name}: {old.label} → {item.state.label}",
            )
            record_change(session, self._ctx, "services", service.id, "update", fields=["state"])


_REFERENCES: dict[str, tuple[type[ServiceRow] | type[Contact], str]] = {
    "service_id": (ServiceRow, "That service no longer exists; pick another."),
    "caller_id": (Contact, "That caller no longer exists; pick another."),
}


def checked_note(text: str) -> str:
    """A note as it is kept: trimmed, and never empty."""
    text = text.strip()
    if not text:
        raise InvalidInput("note", "The note is empty.")
    return text


def _check_reference(session: Session, field: str, value: object) -> None:
    if field in _REFERENCES and value is not None:
        model, message = _REFERENCES[field]
        if not isinstance(value, int) or session.get(model, value) is None:
            raise InvalidInput(field, message)


def _next_number(session: Session) -> str:
    value = session.execute(
        update(Counter)
        .where(Counter.name == "incident_number")
        .values(value=Counter.value + 1)
        .returning(Counter.value)
    ).scalar_one()
    return f"INC{value:07d}"


def _team_of(session: Session, agent_id: int | None) -> int | None:
    if agent_id is None:
        return None
    agent = session.get(Agent, agent_id)
    return agent.team_id if agent else None


def _check_no_cycle(session: Session, child: Incident, parent: Incident) -> None:
    seen = {child.id}
    cursor: Incident | None = parent
    while cursor is not None:
        if cursor.id in seen:
            raise RuleViolation(f"Linking {child.number} under {parent.number} would make a loop.")
        seen.add(cursor.id)
        cursor = session.get(Incident, cursor.parent_id) if cursor.parent_id else None
