"""Frozen data for call logging: what the form sends, and what the lists and lookups get back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.domain.call_matching import MatchTarget
from app.domain.lifecycle import Status
from app.services.incidents.dto import IncidentDetail


@dataclass(frozen=True)
class CallDraft:
    """One call as the agent typed it. `client_uuid` is made by the form when it is cleared for
    a new call, so saving the same draft twice (a double Enter, a retry) saves it once."""

    client_uuid: str
    caller_name: str = ""
    contact_id: int | None = None
    add_contact: bool = False  # no contact picked: save the typed name as a new contact
    service_id: int | None = None
    symptom: str = ""
    callback_wanted: bool = False
    callback_number: str = ""
    channel: str = "phone"
    incident_id: int | None = None  # link at once to this incident...
    incident_number: str = ""  # ...or to the one with this number


@dataclass(frozen=True)
class ContactDraft:
    name: str
    phone: str = ""
    email: str = ""
    department: str = ""
    vip: bool = False


@dataclass(frozen=True, slots=True)
class CallRow:
    """One line of the call list."""

    id: int
    at: datetime
    caller: str
    contact_id: int | None
    vip: bool
    service_id: int | None
    service: str
    symptom: str
    channel: str
    callback_wanted: bool
    callback_number: str
    callback_done_at: datetime | None
    incident_id: int | None
    incident_number: str
    incident_title: str
    incident_status: Status | None
    incident_major: bool
    agent: str
    made_at: datetime | None = None  # when it was taken, if it was kept offline and sent later

    @property
    def callback_pending(self) -> bool:
        return self.callback_wanted and self.callback_done_at is None

    @property
    def callback_due(self) -> bool:
        """Pending, and the incident it is about has been resolved: time to ring back."""
        return self.callback_pending and self.incident_status in (Status.RESOLVED, Status.CLOSED)


@dataclass(frozen=True)
class LoggedCall:
    call: CallRow
    created: bool  # False: this draft had been saved before (a retry or a double Enter)
    incident_calls: int | None  # calls now linked to the call's incident


@dataclass(frozen=True)
class LinkOutcome:
    incident_id: int
    number: str
    linked: int  # calls newly linked by this request
    calls: int  # calls on the incident now


@dataclass(frozen=True, slots=True)
class SurgeDeclared:
    """What a click on a surge's "Declare major incident" did."""

    incident: IncidentDetail
    outcome: LinkOutcome
    declared_by: str = ""  # a colleague who had declared it first: the calls joined theirs

    @property
    def message(self) -> str:
        calls = f"{self.outcome.calls} call{'s' if self.outcome.calls != 1 else ''} linked"
        if self.declared_by:
            return (
                f"{self.declared_by} had just declared {self.incident.number} for this outage; "
                f"your calls are linked to it ({calls})."
            )
        return f"{self.incident.number} declared a major incident; {calls}."


@dataclass(frozen=True, slots=True)
class RecentCall:
    at: datetime
    service: str
    symptom: str
    incident_number: str


@dataclass(frozen=True, slots=True)
class RecentIncident:
    id: int
    number: str
    title: str
    status: Status
    opened_at: datetime


@dataclass(frozen=True)
class CallerCard:
    """A contact as the type-ahead shows it: who, VIP or not, and their recent history."""

    id: int
    name: str
    email: str
    phone: str
    department: str
    vip: bool
    recent_calls: tuple[RecentCall, ...] = ()
    recent_incidents: tuple[RecentIncident, ...] = ()


@dataclass(frozen=True)
class ActiveMajor:
    """An open major incident, with what to read out to callers."""

    id: int
    number: str
    title: str
    public_message: str
    workaround: str
    eta: datetime | None
    service_ids: tuple[int, ...]
    services: tuple[str, ...]
    calls: int
    declared_at: datetime | None
    version: int

    def target(self) -> MatchTarget:
        return MatchTarget.build(
            self.id, self.service_ids, (self.title, self.public_message, *self.services)
        )

    @property
    def what_to_say(self) -> str:
        """The public message, or the workaround when no message was written yet."""
        return self.public_message.strip() or self.workaround.strip()


@dataclass(frozen=True)
class SurgeSuggestion:
    service_id: int
    service: str
    call_ids: tuple[int, ...]
    first_at: datetime
    last_at: datetime
    message: str  # "Possible major incident: 7 calls about Email in the last 10 min"
    alert_incident_ids: tuple[int, ...] = ()  # incidents monitoring opened that count with them

    @property
    def count(self) -> int:
        return len(self.call_ids)


@dataclass(frozen=True)
class IncomingCall:
    """A ringing number as the call form shows it: who it may be, what they have open, and the
    service their open incident (or today's call) is about, to match against the outages."""

    number: str  # as the softphone gave it, link scheme removed
    e164: str | None  # None: not a number Calmdesk can read (see the phone_region setting)
    display: str  # "+44 20 7946 0000", or the number as given
    callers: tuple[CallerCard, ...] = ()  # the contacts with this number, VIPs first
    open_incidents: tuple[RecentIncident, ...] = ()  # the first caller's, newest first
    service_id: int | None = None
    service: str = ""

    @property
    def caller(self) -> CallerCard | None:
        """The caller, when exactly one contact has this number."""
        return self.callers[0] if len(self.callers) == 1 else None
