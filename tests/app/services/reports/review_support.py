"""A resolved major incident with known figures, for the post-incident review tests (services,
Markdown export and the review window).

Timeline (MONDAY_MORNING is 09:00 UTC): declared 09:00; updates 09:10 (ETA 10:00), 09:25 (ETA
10:15), 10:10 (ETA 10:30); Microsoft escalated 09:25 with an ETA of 09:45; a pinned note 10:30;
resolved with the final update at 10:40. So: 1 h 40 min, four updates, the longest silence 45 min
(09:25-10:10), three of four gaps within the 30-minute cadence, resolved 10 min after the last
ETA, three calls from two callers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.domain.clock import ManualClock
from app.domain.status_update import Audience, UpdateBody
from app.services.context import ServiceContext
from app.services.incidents.reads import IncidentReads
from app.services.war_room.commands import WarRoomCommands
from app.services.war_room.dto import ResolutionDraft, UpdateDraft, VendorDraft, WarRoomCallDraft
from app.services.war_room.resolution import MajorResolution
from app.services.war_room.status_updates import StatusUpdates
from tests.app.services.war_room.war_room_support import Outage, declare_outage

RESOLUTION = "Microsoft rolled back a faulty sign-in change for our tenant."
CAUSE = "A change to the tenant's authentication policy."
FOLLOW_UPS = "Ask Microsoft for their incident report."


def body(what: str, eta: datetime | None) -> UpdateBody:
    return UpdateBody(
        what_happened=what,
        current_impact="Nobody can send or receive mail.",
        actions="The messaging team and Microsoft are restoring sign-in.",
        workaround="Use Teams chat for urgent messages.",
        eta=eta,
        next_update_at=None,
    )


@dataclass(frozen=True)
class ResolvedOutage:
    outage: Outage
    declared: datetime
    resolved: datetime

    @property
    def incident_id(self) -> int:
        return self.outage.incident.id


def resolve_outage(ctx: ServiceContext, clock: ManualClock) -> ResolvedOutage:
    outage = declare_outage(ctx)
    start = clock.now()
    updates, war_room = StatusUpdates(ctx), WarRoomCommands(ctx)
    incident_id = outage.incident.id

    def post(what: str, eta_minutes: int) -> None:
        eta = start + timedelta(minutes=eta_minutes)
        updates.post(incident_id, UpdateDraft(Audience.ALL_USERS, body(what, eta)))

    clock.advance(timedelta(minutes=10))  # 09:10
    war_room.add_call(incident_id, WarRoomCallDraft("Anna Berg", callback_wanted=True))
    war_room.add_call(incident_id, WarRoomCallDraft("Ben Okoro"))
    post("Email is down for everyone.", 60)
    clock.advance(timedelta(minutes=15))  # 09:25
    war_room.add_call(incident_id, WarRoomCallDraft("Anna Berg"))
    war_room.escalate_vendor(
        incident_id, VendorDraft("Microsoft", "MS-4711", vendor_eta=start + timedelta(minutes=45))
    )
    post("Microsoft is investigating.", 75)
    clock.advance(timedelta(minutes=45))  # 10:10
    post("Microsoft found the faulty change.", 90)
    clock.advance(timedelta(minutes=20))  # 10:30
    war_room.add_note(incident_id, "Tenant policy rolled back by Microsoft", pinned=True)
    clock.advance(timedelta(minutes=10))  # 10:40
    version = IncidentReads(ctx).detail(incident_id).version
    MajorResolution(ctx).resolve(
        incident_id,
        version,
        ResolutionDraft(
            resolution=RESOLUTION,
            final_update=body("Email is working again for everyone.", None),
            cause=CAUSE,
            follow_ups=FOLLOW_UPS,
        ),
    )
    return ResolvedOutage(outage, start, clock.now())
