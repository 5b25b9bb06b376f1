"""Changing incidents: open, save (edit, assign and move together), declare major, link, note.

Every public method is one transaction: it checks the actor's role, loads the incident with its
version checked, applies its steps (changes.py, majors.py), and saves once, writing the timeline
and the change log along with the change (unit_of_work.py). Anything refused on the way leaves
nothing written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from app.db.models import Incident
from app.domain.lifecycle import HoldReason, Status
from app.domain.roles import Action
from app.domain.runbook import Runbook
from app.services.context import ServiceContext
from app.services.errors import InvalidInput, NotFound
from app.services.incidents.changes import (
    apply_assignment,
    apply_edits,
    apply_move,
    check_editable,
)
from app.services.incidents.dto import Assignment, IncidentChanges, IncidentDetail, StatusMove
from app.services.incidents.majors import (
    MAJOR_FIELDS,
    AffectedService,
    MajorRoles,
    declare,
    link,
    open_major,
)
from app.services.incidents.opening import IncidentDraft, insert_incident
from app.services.incidents.unit_of_work import IncidentUnitOfWork, incident_change
from app.services.offline.receipts import earlier_result, record_receipt

__all__ = ["AffectedService", "IncidentCommands", "IncidentDraft", "checked_note"]


class IncidentCommands:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    # -- opening and saving -----------------------------------------------------------------

    def open(self, draft: IncidentDraft) -> IncidentDetail:
        self._ctx.actor.require(Action.OPEN_INCIDENT)
        with incident_change(self._ctx) as uow:
            return uow.detail(insert_incident(uow, draft))

    def save(
        self, incident_id: int, expected_version: int, changes: IncidentChanges
    ) -> IncidentDetail:
        """The editor's save: plain fields, then the assignment, then a status move, in one
        transaction with one version check and one new version. A step refused (a field, an
        illegal move, a missing resolution) or a colleague's newer version leaves the incident
        exactly as it was. Resolving takes the resolution from the move (or the fields)."""
        fields, move = dict(changes.fields), changes.move
        if fields:
            self._ctx.actor.require(Action.EDIT_INCIDENT)
            check_editable(fields)
        if changes.assignment is not None:
            self._ctx.actor.require(Action.ASSIGN)
        if move is not None:
            self._require_move(move.target)
            if move.target == Status.RESOLVED and "resolution" in fields:
                typed = fields.pop("resolution")  # the move writes it
                if move.resolution is None:
                    move = StatusMove(move.target, move.hold_reason, str(typed or ""))
        with incident_change(self._ctx) as uow:
            incident = uow.load(incident_id, expected_version)
            changed = apply_edits(uow, incident, fields) if fields else []
            if changes.assignment is not None:
                changed += apply_assignment(uow, incident, changes.assignment)
            if move is not None:
                changed += apply_move(uow, incident, move)
            return _saved(uow, incident, changed)

    def edit(
        self, incident_id: int, expected_version: int, changes: Mapping[str, object]
    ) -> IncidentDetail:
        """Change plain fields. Changing impact or urgency re-derives priority and SLA due times."""
        self._ctx.actor.require(Action.EDIT_INCIDENT)
        check_editable(changes)
        with incident_change(self._ctx) as uow:
            incident = uow.load(incident_id, expected_version)
            return _saved(uow, incident, apply_edits(uow, incident, changes))

    def assign(
        self,
        incident_id: int,
        expected_version: int,
        *,
        assignee_id: int | None,
        team_id: int | None = None,
    ) -> IncidentDetail:
        self._ctx.actor.require(Action.ASSIGN)
        with incident_change(self._ctx) as uow:
            incident = uow.load(incident_id, expected_version)
            changed = apply_assignment(uow, incident, Assignment(assignee_id, team_id))
            return _saved(uow, incident, changed)

    def transition(
        self,
        incident_id: int,
        expected_version: int,
        target: Status,
        *,
        hold_reason: HoldReason | None = None,
        resolution: str | None = None,
    ) -> IncidentDetail:
        self._require_move(target)
        with incident_change(self._ctx) as uow:
            incident = uow.load(incident_id, expected_version)
            apply_move(uow, incident, StatusMove(target, hold_reason, resolution))
            return uow.save(incident, ["status"])

    # -- major incidents and links ----------------------------------------------------------

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
        with incident_change(self._ctx) as uow:
            incident = uow.load(incident_id, expected_version)
            declare(uow, incident, MajorRoles(commander_id, comms_lead_id), affected, runbook)
            return uow.save(incident, MAJOR_FIELDS)

    def open_major(
        self,
        draft: IncidentDraft,
        *,
        commander_id: int,
        affected: Sequence[AffectedService],
        runbook: Runbook | None = None,
    ) -> IncidentDetail:
        """Open an incident and declare it major in one transaction, unless an open major
        incident already covers one of the `affected` services: then nothing is written and
        AlreadyCovered names it (majors.check_uncovered)."""
        self._ctx.actor.require(Action.OPEN_INCIDENT)
        self._ctx.actor.require(Action.DECLARE_MAJOR)
        with incident_change(self._ctx) as uow:
            roles = MajorRoles(commander_id)
            return uow.detail(open_major(uow, draft, roles, affected, runbook))

    def link_to_parent(
        self, child_id: int, expected_version: int, parent_id: int | None
    ) -> IncidentDetail:
        """Link a child incident to its parent (usually a major incident), or unlink it."""
        self._ctx.actor.require(Action.LINK)
        with incident_change(self._ctx) as uow:
            child = uow.load(child_id, expected_version)
            return _saved(uow, child, link(uow, child, parent_id))

    # -- notes ------------------------------------------------------------------------------

    def add_note(
        self, incident_id: int, text: str, *, pinned: bool = False, op_id: str | None = None
    ) -> int:
        """Add a note to the timeline. Notes never conflict: they do not change the incident.
        With `op_id` (a change from the offline outbox) the note is added once, however often
        it is sent."""
        self._ctx.actor.require(Action.ADD_NOTE)
        text = checked_note(text)
        with incident_change(self._ctx) as uow:
            if (receipt := earlier_result(uow.session, op_id)) is not None:
                return receipt.result_id or 0
            incident = uow.session.get(Incident, incident_id)
            if incident is None:
                raise NotFound(f"Incident {incident_id} no longer exists.")
            event = uow.event(incident, "note", text, pinned=pinned)
            uow.session.flush()
            record_receipt(uow.session, self._ctx, op_id, "note", event.id)
            uow.record(incident, "note", ["timeline"])
            return event.id

    def _require_move(self, target: Status) -> None:
        self._ctx.actor.require(Action.CLOSE if target == Status.CLOSED else Action.TRANSITION)


def checked_note(text: str) -> str:
    """A note as it is kept: trimmed, and never empty."""
    text = text.strip()
    if not text:
        raise InvalidInput("note", "The note is empty.")
    return text


def _saved(uow: IncidentUnitOfWork, incident: Incident, changed: list[str]) -> IncidentDetail:
    """A new version when anything changed; the incident as it is when nothing did."""
    return uow.save(incident, changed) if changed else uow.detail(incident)
