"""Builders shared by the war-room tests (services and UI): a declared major incident."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.adapters.runbooks import load_runbook, load_runbook_file
from app.domain.roles import Role
from app.domain.services_state import ServiceState
from app.services.context import Actor, ServiceContext
from app.services.incidents.commands import AffectedService, IncidentCommands
from app.services.incidents.dto import IncidentDetail
from tests.helpers import add_agent, add_service, open_incident


@dataclass(frozen=True)
class Outage:
    incident: IncidentDetail
    email: int  # service ids
    vpn: int
    commander: Actor
    comms: Actor


def declare_outage(ctx: ServiceContext, runbook_file: Path | None = None) -> Outage:
    """An Email outage declared major with a runbook (the shipped email one by default)."""
    email, vpn = add_service(ctx.db, "Email"), add_service(ctx.db, "VPN")
    commander = add_agent(ctx.db, "sam.okafor", "Sam Okafor", Role.SUPERVISOR)
    comms = add_agent(ctx.db, "priya.nair", "Priya Nair", Role.AGENT)
    opened = open_incident(ctx, "Email down for all users", impact=1, urgency=1)
    book = load_runbook_file(runbook_file) if runbook_file else load_runbook("email-outage")
    major = IncidentCommands(ctx).declare_major(
        opened.id,
        opened.version,
        commander_id=commander.agent_id,
        comms_lead_id=comms.agent_id,
        affected=[AffectedService(email, ServiceState.MAJOR_OUTAGE)],
        runbook=book,
    )
    return Outage(major, email, vpn, commander, comms)
