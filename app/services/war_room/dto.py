"""Frozen data for the war room: one snapshot of a major incident, and what its commands return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.domain.call_rate import CallWindow
from app.domain.lifecycle import Status
from app.domain.priority import Priority
from app.domain.services_state import ServiceState
from app.domain.status_update import Audience, UpdateBody
from app.domain.vendor import VendorState, vendor_overdue
from app.services.calls.dto import CallRow
from app.services.goodwill.dto import GestureRow
from app.services.incidents.dto import IncidentDetail, TimelineEntry
from app.services.intake.dto import AlertMark


@dataclass(frozen=True, slots=True)
class AffectedServiceRow:
    id: int
    name: str
    state: ServiceState
    workaround: str  # the service's business-continuity procedure


@dataclass(frozen=True, slots=True)
class ChecklistRow:
    id: int
    position: int
    text: str
    owner_role: str
    done_at: datetime | None
    done_by: str
    ad_hoc: bool

    @property
    def done(self) -> bool:
        return self.done_at is not None


@dataclass(frozen=True, slots=True)
class StatusUpdateRow:
    id: int
    sequence: int  # 1 for the incident's first update
    posted_at: datetime
    author: str
    audience: Audience
    what_happened: str
    current_impact: str
    actions: str
    workaround: str
    eta: datetime | None
    next_update_at: datetime | None
    final: bool
    subject: str
    text: str  # rendered: what the clipboard, e-mail and chat get
    made_at: datetime | None = None  # when it was written, if it was kept offline and sent later

    @property
    def body(self) -> UpdateBody:
        return UpdateBody(
            what_happened=self.what_happened,
            current_impact=self.current_impact,
            actions=self.actions,
            workaround=self.workaround,
            eta=self.eta,
            next_update_at=self.next_update_at,
        )


@dataclass(frozen=True, slots=True)
class VendorRow:
    id: int
    vendor: str
    reference: str
    contact: str
    escalated_at: datetime
    vendor_eta: datetime | None
    state: VendorState
    notes: str
    version: int

    def overdue(self, now: datetime) -> bool:
        return vendor_overdue(self.state, self.vendor_eta, now)


@dataclass(frozen=True, slots=True)
class ChildRow:
    id: int
    number: str
    title: str
    status: Status
    priority: Priority
    assignee: str
    version: int


@dataclass(frozen=True)
class WarRoomSnapshot:
    """Everything the war room shows, read at `taken_at`. Newest first: calls, updates, timeline."""

    taken_at: datetime
    incident: IncidentDetail
    services: tuple[AffectedServiceRow, ...]
    checklist: tuple[ChecklistRow, ...]
    calls: tuple[CallRow, ...]
    call_windows: tuple[CallWindow, ...]  # calls per 15 minutes, oldest first
    updates: tuple[StatusUpdateRow, ...]
    vendors: tuple[VendorRow, ...]
    timeline: tuple[TimelineEntry, ...]
    children: tuple[ChildRow, ...]
    update_interval: timedelta | None  # the cadence for this incident's priority
    # The monitoring alerts that opened it or its children, its own first.
    alerts: tuple[AlertMark, ...] = ()
    # Making it right: goodwill gestures, and the callbacks asked for on its calls.
    gestures: tuple[GestureRow, ...] = ()

    @property
    def checklist_done(self) -> int:
        return sum(1 for item in self.checklist if item.done)

    @property
    def callbacks_pending(self) -> tuple[CallRow, ...]:
        return tuple(c for c in self.calls if c.callback_pending)

    @property
    def open_children(self) -> tuple[ChildRow, ...]:
        return tuple(c for c in self.children if c.status.is_open)

    @property
    def latest_update(self) -> StatusUpdateRow | None:
        return self.updates[0] if self.updates else None


@dataclass(frozen=True)
class UpdateDraft:
    """The composer's content, sent to `StatusUpdates.post`."""

    audience: Audience
    body: UpdateBody
    final: bool = False


@dataclass(frozen=True)
class PostedUpdate:
    update: StatusUpdateRow
    next_update_due: datetime | None
    incident_version: int


@dataclass(frozen=True)
class VendorDraft:
    vendor: str
    reference: str = ""
    contact: str = ""
    escalated_at: datetime | None = None  # defaults to now
    vendor_eta: datetime | None = None
    state: VendorState = VendorState.OPEN
    notes: str = ""


@dataclass(frozen=True)
class WarRoomCallDraft:
    """A call taken in the war room, linked to its incident at once."""

    caller_name: str
    symptom: str = ""
    channel: str = "phone"
    callback_wanted: bool = False
    callback_number: str = ""
    client_uuid: str = ""  # made by the form, so a double click saves one call


@dataclass(frozen=True)
class DeliveryResult:
    target: str  # "Slack #major-incidents"
    delivered: bool
    message: str  # "Delivered" or why not


@dataclass(frozen=True)
class DeliveryReport:
    update_id: int
    results: tuple[DeliveryResult, ...]

    @property
    def failed(self) -> tuple[DeliveryResult, ...]:
        return tuple(r for r in self.results if not r.delivered)

    @property
    def summary(self) -> str:
        if not self.results:
            return "No webhook is set up for this audience."
        done = [r.target for r in self.results if r.delivered]
        parts = [f"Sent to {', '.join(done)}."] if done else []
        parts += [f"Not sent to {r.target}: {r.message}" for r in self.failed]
        if self.failed:
            parts.append("The update itself is saved; press Retry to send it again.")
        return " ".join(parts)


@dataclass(frozen=True)
class ResolutionDraft:
    resolution: str  # what fixed it, in a sentence or two
    final_update: UpdateBody
    audience: Audience = Audience.ALL_USERS
    resolve_children: bool = True
    cause: str = ""  # what we believe caused it, for the review
    follow_ups: str = ""  # what to look at in the review


@dataclass(frozen=True)
class ResolvedMajor:
    incident: IncidentDetail
    final_update: StatusUpdateRow
    children_resolved: tuple[str, ...]  # numbers
    children_left: tuple[str, ...]  # open children not resolved (not asked to, or closed)
    services_restored: tuple[str, ...]
    callbacks: tuple[CallRow, ...]  # callers still waiting to be called back
