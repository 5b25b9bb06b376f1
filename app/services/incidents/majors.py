"""The steps of major incidents, applied in the caller's unit of work: declare one (roles,
affected services, a runbook checklist, an update cadence), make sure no open major covers a
service yet, and link an incident to a parent. IncidentCommands runs them as its public,
one-transaction `declare_major`, `open_major` and `link_to_parent`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from app.db.models import Agent, ChecklistItem, Incident, IncidentService
from app.db.models import Service as ServiceRow
from app.domain.errors import RuleViolation
from app.domain.lifecycle import Status
from app.domain.runbook import Runbook
from app.domain.services_state import ServiceState
from app.services.calls.reads import covering_major
from app.services.errors import AlreadyCovered, InvalidInput, NotFound
from app.services.feed.records import locking, record_change
from app.services.incidents.changes import restart_cadence
from app.services.incidents.opening import IncidentDraft, insert_incident
from app.services.incidents.unit_of_work import IncidentUnitOfWork

MAJOR_FIELDS = ["major", "commander_id", "comms_lead_id"]


@dataclass(frozen=True)
class AffectedService:
    service_id: int
    state: ServiceState


@dataclass(frozen=True)
class MajorRoles:
    commander_id: int
    comms_lead_id: int | None = None


def check_uncovered(uow: IncidentUnitOfWork, service_ids: Sequence[int]) -> None:
    """AlreadyCovered, naming it, when an open major incident covers one of these services.
    Locks the services first, so two supervisors declaring the same outage at the same moment
    get one major incident: the second waits for the first (a row lock on PostgreSQL, the write
    lock on SQLite) and then finds it."""
    wanted = list(service_ids)
    session = uow.session
    session.execute(locking(session, select(ServiceRow.id).where(ServiceRow.id.in_(wanted))))
    covering = covering_major(session, wanted)
    if covering is not None:
        raise AlreadyCovered(*covering)


def open_major(
    uow: IncidentUnitOfWork,
    draft: IncidentDraft,
    roles: MajorRoles,
    affected: Sequence[AffectedService],
    runbook: Runbook | None,
) -> Incident:
    """Open an incident and declare it major, with a new version, unless an open major incident
    already covers one of the `affected` services (AlreadyCovered, before anything is written)."""
    check_uncovered(uow, [item.service_id for item in affected])
    incident = insert_incident(uow, draft)
    declare(uow, incident, roles, affected, runbook)
    uow.bump(incident, MAJOR_FIELDS)
    return incident


def declare(
    uow: IncidentUnitOfWork,
    incident: Incident,
    roles: MajorRoles,
    affected: Sequence[AffectedService],
    runbook: Runbook | None,
) -> list[str]:
    """Make `incident` major; returns the fields changed."""
    session, now = uow.session, uow.ctx.clock.now()
    status = Status(incident.status)
    if incident.major:
        raise RuleViolation(f"{incident.number} is already a major incident.")
    if not status.is_open:
        raise RuleViolation(
            f"{incident.number} is {status.label.lower()}; reopen it before declaring it major."
        )
    agents = {}
    for role, agent_id in (("commander", roles.commander_id), ("comms lead", roles.comms_lead_id)):
        agent = session.get(Agent, agent_id) if agent_id is not None else None
        if agent_id is not None and agent is None:
            raise InvalidInput(f"{role}_id", f"The {role} must be an existing agent.")
        agents[role] = agent
    incident.major = True
    incident.declared_major_at = now
    incident.commander_since = now
    incident.commander_id, incident.comms_lead_id = roles.commander_id, roles.comms_lead_id
    restart_cadence(uow, incident, now)
    for item in affected:
        _set_service_state(uow, incident, item)
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
    commander = agents["commander"]
    uow.event(
        incident,
        "declared_major",
        f"Declared a major incident; commander {commander.name if commander else '?'}"
        + (f", runbook {runbook.title}" if runbook else ""),
        {"commander_id": roles.commander_id, "comms_lead_id": roles.comms_lead_id},
        pinned=True,
    )
    return MAJOR_FIELDS


def link(uow: IncidentUnitOfWork, child: Incident, parent_id: int | None) -> list[str]:
    """Link `child` under the parent (None: unlink it); returns the fields changed (none when
    it is linked there already)."""
    if parent_id == child.parent_id:
        return []
    if parent_id is not None:
        parent = uow.session.get(Incident, parent_id)
        if parent is None:
            raise NotFound("The parent incident no longer exists.")
        _check_no_cycle(uow, child, parent)
        status = Status(parent.status)
        if not status.is_open:
            raise RuleViolation(
                f"{parent.number} is {status.label.lower()}; link to an open incident."
            )
        uow.event(child, "linked", f"Linked to {parent.number}")
        uow.event(parent, "child_linked", f"{child.number} linked as a child")
        uow.record(parent, "update", ["children"])
    else:
        uow.event(child, "unlinked", "Unlinked from its parent")
    child.parent_id = parent_id
    return ["parent_id"]


def _set_service_state(uow: IncidentUnitOfWork, incident: Incident, item: AffectedService) -> None:
    session = uow.session
    service = session.get(ServiceRow, item.service_id)
    if service is None:
        raise InvalidInput("service_id", "One of the affected services no longer exists.")
    session.merge(IncidentService(incident_id=incident.id, service_id=service.id))
    if incident.drill_id is not None:  # a rehearsal never changes a real service's state
        uow.event(
            incident,
            "service_state",
            f"DRILL: {service.name} would be {item.state.label} (its real state is unchanged)",
        )
        return
    if service.state != item.state.value:
        old = ServiceState(service.state)
        service.state = item.state.value
        uow.event(incident, "service_state", f"{service.name}: {old.label} → {item.state.label}")
        record_change(session, uow.ctx, "services", service.id, "update", fields=["state"])


def _check_no_cycle(uow: IncidentUnitOfWork, child: Incident, parent: Incident) -> None:
    seen = {child.id}
    cursor: Incident | None = parent
    while cursor is not None:
        if cursor.id in seen:
            raise RuleViolation(f"Linking {child.number} under {parent.number} would make a loop.")
        seen.add(cursor.id)
        cursor = uow.session.get(Incident, cursor.parent_id) if cursor.parent_id else None
