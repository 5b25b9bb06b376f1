"""Major incidents: declare one (roles, affected services, a runbook checklist, an update
cadence), open and declare one in a single step for a call surge, and link incidents to a parent.
Each public method is one transaction, as in IncidentCommands, which offers these too."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Agent, ChecklistItem, Incident, IncidentService
from app.db.models import Service as ServiceRow
from app.domain.errors import RuleViolation
from app.domain.lifecycle import Status
from app.domain.roles import Action
from app.domain.runbook import Runbook
from app.domain.services_state import ServiceState
from app.services.calls.reads import covering_major
from app.services.errors import AlreadyCovered, InvalidInput, NotFound
from app.services.feed.records import locking, record_change, record_event
from app.services.incidents.dto import IncidentDetail
from app.services.incidents.reads import to_detail
from app.services.incidents.unit_of_work import IncidentDraft, IncidentWriter


@dataclass(frozen=True)
class AffectedService:
    service_id: int
    state: ServiceState


class MajorIncidentCommands(IncidentWriter):
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
        with self._ctx.db.write() as session:
            incident = self._load(session, incident_id, expected_version)
            roles = (commander_id, comms_lead_id)
            return self._declare(session, incident, roles, affected, runbook)

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
        AlreadyCovered names it. Two supervisors declaring the same outage at the same moment
        get one major incident: the second waits for the first (a row lock on PostgreSQL, the
        write lock on SQLite) and then finds it."""
        self._ctx.actor.require(Action.OPEN_INCIDENT)
        self._ctx.actor.require(Action.DECLARE_MAJOR)
        with self._ctx.db.write() as session:
            wanted = [item.service_id for item in affected]
            session.execute(
                locking(session, select(ServiceRow.id).where(ServiceRow.id.in_(wanted)))
            )
            covering = covering_major(session, wanted)
            if covering is not None:
                raise AlreadyCovered(*covering)
            incident = self._insert(session, draft)
            return self._declare(session, incident, (commander_id, None), affected, runbook)

    def _declare(
        self,
        session: Session,
        incident: Incident,
        roles: tuple[int, int | None],
        affected: Sequence[AffectedService],
        runbook: Runbook | None,
    ) -> IncidentDetail:
        commander_id, comms_lead_id = roles
        now = self._ctx.clock.now()
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
        incident.commander_since = now
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

    def _set_service_state(
        self, session: Session, incident: Incident, item: AffectedService
    ) -> None:
        service = session.get(ServiceRow, item.service_id)
        if service is None:
            raise InvalidInput("service_id", "One of the affected services no longer exists.")
        session.merge(IncidentService(incident_id=incident.id, service_id=service.id))
        if incident.drill_id is not None:  # a rehearsal never changes a real service's state
            record_event(
                session,
                self._ctx,
                incident,
                "service_state",
                f"DRILL: {service.name} would be {item.state.label} (its real state is unchanged)",
            )
            return
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


def _check_no_cycle(session: Session, child: Incident, parent: Incident) -> None:
    seen = {child.id}
    cursor: Incident | None = parent
    while cursor is not None:
        if cursor.id in seen:
            raise RuleViolation(f"Linking {child.number} under {parent.number} would make a loop.")
        seen.add(cursor.id)
        cursor = session.get(Incident, cursor.parent_id) if cursor.parent_id else None
