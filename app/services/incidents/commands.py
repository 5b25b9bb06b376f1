"""Changing incidents: open, edit, assign, move through the lifecycle, declare major, link, note.

Every public method is one transaction that checks the actor's role and the record's version,
and writes the timeline and the change log along with the change. Declaring and linking live in
incident_majors.py, the shared transaction steps in incident_writes.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from sqlalchemy.orm import Session

from app.db.models import Agent, Contact, Incident
from app.db.models import Service as ServiceRow
from app.domain.lifecycle import HoldReason, Status, check_transition
from app.domain.priority import Priority
from app.domain.roles import Action
from app.domain.sla import due_times, resume_after_hold
from app.services.errors import InvalidInput, NotFound
from app.services.feed.records import load_matrix, load_policies, record_change, record_event
from app.services.incidents.dto import IncidentDetail
from app.services.incidents.fields import EDITABLE, validated
from app.services.incidents.majors import AffectedService, MajorIncidentCommands
from app.services.incidents.reads import to_detail
from app.services.incidents.unit_of_work import IncidentDraft, team_of
from app.services.offline.receipts import earlier_result, record_receipt

__all__ = ["AffectedService", "IncidentCommands", "IncidentDraft", "checked_note"]


class IncidentCommands(MajorIncidentCommands):
    # -- creating and editing -------------------------------------------------------------

    def open(self, draft: IncidentDraft) -> IncidentDetail:
        self._ctx.actor.require(Action.OPEN_INCIDENT)
        with self._ctx.db.write() as session:
            return to_detail(self._insert(session, draft))

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
            team = team_id if team_id is not None else team_of(session, assignee_id)
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
        with self._ctx.db.write() as session:
            incident = self._load(session, incident_id, expected_version)
            self.move_within(
                session, incident, target, hold_reason=hold_reason, resolution=resolution
            )
            return self._commit(session, incident, ["status"])

    def move_within(
        self,
        session: Session,
        incident: Incident,
        target: Status,
        *,
        hold_reason: HoldReason | None = None,
        resolution: str | None = None,
    ) -> None:
        """The lifecycle step itself, with its timeline event, inside a caller's transaction
        (which commits it with `_commit`): for services that move an incident as part of a
        bigger change, such as the alert intake resolving an incident monitoring says recovered.
        The caller has checked the actor's role."""
        now = self._ctx.clock.now()
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
