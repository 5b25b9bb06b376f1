"""Handing over command of a major incident: one action that names the outgoing and incoming
commander and records the brief on the timeline (pinned, for the review)."""

from __future__ import annotations

from app.db.models import Agent
from app.domain.command_handover import BRIEF_MAX
from app.domain.errors import RuleViolation
from app.domain.lifecycle import Status
from app.domain.roles import Action, may
from app.services.context import ServiceContext
from app.services.errors import InvalidInput
from app.services.incidents.dto import IncidentDetail
from app.services.incidents.unit_of_work import incident_change


class CommandHandover:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def hand_over(
        self, incident_id: int, expected_version: int, incoming_id: int, brief: str
    ) -> IncidentDetail:
        """The commander (or a supervisor for them) hands command to `incoming_id`."""
        actor = self._ctx.actor
        actor.require(Action.HAND_OVER_COMMAND)
        brief = " ".join(brief.split())
        if not brief:
            raise InvalidInput(
                "brief", "Write a short brief: where things stand, what is next, what to watch."
            )
        if len(brief) > BRIEF_MAX:
            raise InvalidInput("brief", f"Keep the brief under {BRIEF_MAX} characters.")
        with incident_change(self._ctx) as uow:
            session = uow.session
            incident = uow.load(incident_id, expected_version)
            if not incident.major or not Status(incident.status).is_open:
                raise RuleViolation(f"{incident.number} is not an open major incident.")
            if incident.commander_id != actor.agent_id and not may(
                actor.role, Action.DECLARE_MAJOR
            ):
                raise RuleViolation("Only the commander, or a supervisor, may hand over command.")
            incoming = session.get(Agent, incoming_id)
            if incoming is None or not incoming.active:
                raise InvalidInput("incoming", "Choose an active agent to take command.")
            if incoming.id == incident.commander_id:
                raise InvalidInput("incoming", f"{incoming.name} is already in command.")
            outgoing = session.get(Agent, incident.commander_id) if incident.commander_id else None
            was = outgoing.name if outgoing else "nobody"
            incident.commander_id = incoming.id
            incident.commander_since = self._ctx.clock.now()
            uow.event(
                incident,
                "commander_handover",
                f"Command handed over: {was} → {incoming.name}. Brief: {brief}",
                {"from": outgoing.id if outgoing else None, "to": incoming.id, "brief": brief},
                pinned=True,
            )
            return uow.save(incident, ["commander_id", "commander_since"])
