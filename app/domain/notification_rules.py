"""Notification rules: what deserves a desktop notification now, said once per cause.

Pure: the inputs are plain facts about incidents, vendor cases, surges and callbacks, the agent
who is signed in, and `now` from the injected clock. `evaluate` lists every condition that holds
now, each with a stable key naming its cause; `NotificationLedger` remembers which keys already
fired, so a cause is notified once however often the rules run. Keys that name a moment (an
update due at 10:30, an SLA due at 13:00) fire again only when the moment itself changes.
A notice about something a drill made says so first ("DRILL · "), so a rehearsal is never
taken for the real thing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from app.domain.cadence import DUE_SOON
from app.domain.goodwill import GestureStatus, is_overdue
from app.domain.sla import SlaClockInput, SlaState, read_clock


class NoticeKind(StrEnum):
    NEW_URGENT = "new_urgent"
    MAJOR_DECLARED = "major_declared"
    ASSIGNED_TO_ME = "assigned_to_me"
    SLA_AT_RISK = "sla_at_risk"
    SLA_BREACHED = "sla_breached"
    UPDATE_DUE_SOON = "update_due_soon"
    UPDATE_OVERDUE = "update_overdue"
    VENDOR_ETA_PASSED = "vendor_eta_passed"
    SURGE = "surge"
    CALLBACKS_DUE = "callbacks_due"
    MANY_AT_ONCE = "many_at_once"
    GESTURE_OVERDUE = "gesture_overdue"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    NoticeKind.NEW_URGENT: "New P1 or P2 incident",
    NoticeKind.MAJOR_DECLARED: "Major incident declared",
    NoticeKind.ASSIGNED_TO_ME: "Incident assigned to me",
    NoticeKind.SLA_AT_RISK: "SLA at risk (20% or less left)",
    NoticeKind.SLA_BREACHED: "SLA breached",
    NoticeKind.UPDATE_DUE_SOON: "Status update due in 5 minutes",
    NoticeKind.UPDATE_OVERDUE: "Status update overdue",
    NoticeKind.VENDOR_ETA_PASSED: "Vendor ETA passed",
    NoticeKind.SURGE: "Surge of calls (possible major incident)",
    NoticeKind.CALLBACKS_DUE: "Callbacks due after a resolution",
    NoticeKind.MANY_AT_ONCE: "Many incidents at once (an import or the sample): one summary",
    NoticeKind.GESTURE_OVERDUE: "Goodwill gesture overdue (supervisors)",
}

# Events rather than states: on the first look at the queue they are history, not news.
EVENT_KINDS = frozenset(
    {NoticeKind.NEW_URGENT, NoticeKind.MAJOR_DECLARED, NoticeKind.ASSIGNED_TO_ME}
)
# More fresh causes than this in one look is a bulk change (an import, the sample, a restore):
# not news one by one, but one summary of what arrived.
BULK_LIMIT = 8
# Worth a sound when the agent asked for sound.
_LOUD = frozenset({NoticeKind.UPDATE_OVERDUE})


@dataclass(frozen=True)
class Me:
    agent_id: int
    team_id: int | None
    supervisor: bool = False  # supervisors hear of goodwill gestures overdue


@dataclass(frozen=True)
class IncidentFacts:
    id: int
    number: str
    title: str
    priority: int  # 1 Critical .. 5 Planning
    is_open: bool
    major: bool
    assignee_id: int | None
    team_id: int | None
    sla: SlaClockInput
    next_update_due: datetime | None = None
    commander_id: int | None = None
    comms_lead_id: int | None = None
    drill: bool = False


@dataclass(frozen=True)
class VendorFacts:
    escalation_id: int
    incident_id: int
    number: str
    vendor: str
    vendor_eta: datetime | None
    waiting: bool  # open or acknowledged: still waiting on the vendor


@dataclass(frozen=True)
class SurgeFacts:
    service_id: int
    service: str
    first_at: datetime
    message: str


@dataclass(frozen=True)
class CallbackFacts:
    call_id: int
    incident_id: int
    number: str
    title: str
    caller: str
    logged_by: int | None  # the agent who took the call
    drill: bool = False


@dataclass(frozen=True)
class GestureFacts:
    gesture_id: int
    incident_id: int
    number: str
    what: str  # "Service credit to Department Finance"
    owner: str
    status: GestureStatus
    due_on: date | None


@dataclass(frozen=True)
class Facts:
    """Everything the rules look at, read in one go."""

    incidents: Sequence[IncidentFacts] = ()
    vendors: Sequence[VendorFacts] = ()
    surges: Sequence[SurgeFacts] = ()
    callbacks: Sequence[CallbackFacts] = ()
    gestures: Sequence[GestureFacts] = ()


@dataclass(frozen=True)
class Notice:
    key: str  # stable: the same cause always gives the same key
    kind: NoticeKind
    title: str
    body: str
    at: datetime
    incident_id: int | None = None
    priority: int | None = None
    major: bool = False
    loud: bool = False  # P1, or an overdue update: sound if the agent wants sound


DRILL_PREFIX = "DRILL · "


def _drill(title: str, drill: bool) -> str:
    return f"{DRILL_PREFIX}{title}" if drill else title


def _short(title: str, limit: int = 60) -> str:
    return title if len(title) <= limit else title[: limit - 1] + "…"


def _incident_notice(
    kind: NoticeKind, key: str, title: str, body: str, inc: IncidentFacts, now: datetime
) -> Notice:
    return Notice(
        key=key,
        kind=kind,
        title=_drill(f"{title}: {inc.number} {_short(inc.title)}", inc.drill),
        body=body,
        at=now,
        incident_id=inc.id,
        priority=inc.priority,
        major=inc.major,
        loud=kind in _LOUD or inc.priority == 1,
    )


def _mine_or_team(inc: IncidentFacts, me: Me) -> bool:
    return inc.assignee_id == me.agent_id or (me.team_id is not None and inc.team_id == me.team_id)


def _minutes(seconds: float) -> str:
    minutes = max(0, round(seconds / 60))
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def _incident_notices(inc: IncidentFacts, me: Me, now: datetime) -> Iterable[Notice]:
    if not inc.is_open:
        return
    if inc.priority <= 2:
        yield _incident_notice(
            NoticeKind.NEW_URGENT,
            f"urgent:{inc.id}",
            f"New P{inc.priority}",
            "A new high-priority incident is open.",
            inc,
            now,
        )
    if inc.major:
        yield _incident_notice(
            NoticeKind.MAJOR_DECLARED,
            f"major:{inc.id}",
            "Major incident",
            "A major incident was declared. The war room is open.",
            inc,
            now,
        )
    if inc.assignee_id == me.agent_id:
        yield _incident_notice(
            NoticeKind.ASSIGNED_TO_ME,
            f"assigned:{inc.id}",
            "Assigned to you",
            f"P{inc.priority} is now yours.",
            inc,
            now,
        )
    if _mine_or_team(inc, me):
        reading = read_clock(inc.sla, now)
        due = reading.due.isoformat()
        if reading.state == SlaState.BREACHED:
            yield _incident_notice(
                NoticeKind.SLA_BREACHED,
                f"sla_breached:{inc.id}:{reading.target}:{due}",
                "SLA breached",
                f"The {reading.target} target passed.",
                inc,
                now,
            )
        elif reading.state == SlaState.AT_RISK:
            remaining = _minutes(reading.left.total_seconds())
            yield _incident_notice(
                NoticeKind.SLA_AT_RISK,
                f"sla_at_risk:{inc.id}:{reading.target}:{due}",
                "SLA at risk",
                f"{remaining} left to {reading.target}.",
                inc,
                now,
            )
    due_at = inc.next_update_due
    if due_at is not None and me.agent_id in (inc.commander_id, inc.comms_lead_id):
        left = due_at - now
        if left < timedelta():
            yield _incident_notice(
                NoticeKind.UPDATE_OVERDUE,
                f"update_overdue:{inc.id}:{due_at.isoformat()}",
                "Update overdue",
                f"The status update was due {_minutes(-left.total_seconds())}"
                " ago. Users are waiting.",
                inc,
                now,
            )
        elif left <= DUE_SOON:
            yield _incident_notice(
                NoticeKind.UPDATE_DUE_SOON,
                f"update_due:{inc.id}:{due_at.isoformat()}",
                "Update due soon",
                f"The next status update is due in {_minutes(left.total_seconds())}.",
                inc,
                now,
            )


def evaluate(facts: Facts, me: Me, now: datetime) -> list[Notice]:
    """Every condition worth a notification that holds at `now` (already fired or not)."""
    notices: list[Notice] = []
    by_id = {inc.id: inc for inc in facts.incidents}
    for inc in facts.incidents:
        notices.extend(_incident_notices(inc, me, now))
    for vendor in facts.vendors:
        if vendor.waiting and vendor.vendor_eta is not None and now > vendor.vendor_eta:
            parent = by_id.get(vendor.incident_id)
            notices.append(
                Notice(
                    key=f"vendor_eta:{vendor.escalation_id}:{vendor.vendor_eta.isoformat()}",
                    kind=NoticeKind.VENDOR_ETA_PASSED,
                    title=_drill(
                        f"Vendor ETA passed: {vendor.number} {vendor.vendor}",
                        parent is not None and parent.drill,
                    ),
                    body=f"{vendor.vendor} promised a fix by now. Chase them for a new ETA.",
                    at=now,
                    incident_id=vendor.incident_id,
                    priority=parent.priority if parent else None,
                    major=parent.major if parent else False,
                )
            )
    for surge in facts.surges:
        notices.append(
            Notice(
                key=f"surge:{surge.service_id}:{surge.first_at.isoformat()}",
                kind=NoticeKind.SURGE,
                title=f"Many calls about {surge.service}",
                body=surge.message,
                at=now,
            )
        )
    notices.extend(_callback_notices(facts.callbacks, me, now))
    if me.supervisor:
        notices.extend(_gesture_notices(facts.gestures, now))
    return notices


def _gesture_notices(gestures: Sequence[GestureFacts], now: datetime) -> Iterable[Notice]:
    """A supervisor hears once of each goodwill gesture still owed after its due day."""
    for gesture in gestures:
        if gesture.due_on is None or not is_overdue(gesture.status, gesture.due_on, now):
            continue
        owner = f" ({gesture.owner})" if gesture.owner else ""
        yield Notice(
            key=f"gesture_overdue:{gesture.gesture_id}:{gesture.due_on.isoformat()}",
            kind=NoticeKind.GESTURE_OVERDUE,
            title=f"Goodwill overdue: {gesture.number}",
            body=f"{gesture.what}{owner} was due {gesture.due_on:%a %d %b} and is still owed.",
            at=now,
            incident_id=gesture.incident_id,
        )


def _callback_notices(
    callbacks: Sequence[CallbackFacts], me: Me, now: datetime
) -> Iterable[Notice]:
    """One notice per resolved incident with callers I promised to ring back."""
    by_incident: dict[int, list[CallbackFacts]] = {}
    for callback in callbacks:
        if callback.logged_by == me.agent_id:
            by_incident.setdefault(callback.incident_id, []).append(callback)
    for incident_id, group in by_incident.items():
        first = group[0]
        names = ", ".join(c.caller or "a caller" for c in group[:3])
        more = f" and {len(group) - 3} more" if len(group) > 3 else ""
        calls = "callback" if len(group) == 1 else "callbacks"
        yield Notice(
            key=f"callbacks:{incident_id}",
            kind=NoticeKind.CALLBACKS_DUE,
            title=_drill(f"Callbacks due: {first.number} {_short(first.title)}", first.drill),
            body=f"Resolved. {len(group)} {calls} to make: {names}{more}.",
            at=now,
            incident_id=incident_id,
        )


@dataclass
class NotificationLedger:
    """Which causes were already notified. Event keys seen on the first look are recorded
    without notifying (they happened before the console opened); assignment re-arms when the
    incident leaves the agent, so being given it back is news again. More than `BULK_LIMIT`
    fresh causes in one look are a bulk change: all are recorded, and one summary says what
    arrived (a loaded sample is not seventeen pieces of news)."""

    fired: set[str] = field(default_factory=set)
    started: bool = False
    # While this console loads the sample or imports a file, causes are recorded, not told;
    # `end_bulk` then gives one summary of them (see bulk_summary).
    absorbing: bool = False
    absorbed: list[Notice] = field(default_factory=list)

    def begin_bulk(self) -> None:
        self.absorbing = True

    def end_bulk(self, last_look: Iterable[Notice]) -> list[Notice]:
        """Record `last_look` too, stop absorbing, and return one summary of what arrived (or
        nothing, when nothing did)."""
        self.fresh(last_look)
        arrived, self.absorbed, self.absorbing = self.absorbed, [], False
        return [bulk_summary(arrived)] if arrived else []

    def fresh(self, notices: Iterable[Notice]) -> list[Notice]:
        """The notices whose cause has not fired yet; records them as fired."""
        current = list(notices)
        keys = {n.key for n in current}
        self.fired -= {k for k in self.fired if k.startswith("assigned:") and k not in keys}
        baseline = not self.started
        self.started = True
        new: list[Notice] = []
        for notice in current:
            if notice.key in self.fired:
                continue
            self.fired.add(notice.key)
            if baseline and notice.kind in EVENT_KINDS:
                continue
            new.append(notice)
        if self.absorbing:
            self.absorbed += new
            return []
        return [bulk_summary(new)] if len(new) > BULK_LIMIT else new


def bulk_summary(notices: Sequence[Notice]) -> Notice:
    """One notice standing for many that arrived in one look, counted by what they are."""
    counts: dict[NoticeKind, int] = {}
    for notice in notices:
        counts[notice.kind] = counts.get(notice.kind, 0) + 1
    parts = [f"{count} × {kind.label}" for kind, count in counts.items()]
    moment = max(n.at for n in notices)
    return Notice(
        key=f"many_at_once:{moment.isoformat()}:{len(notices)}",
        kind=NoticeKind.MANY_AT_ONCE,
        title=f"{len(notices)} changes at once" if len(notices) > 1 else notices[0].title,
        body="Not announced one by one: " + "; ".join(parts) + ". The queue shows them all.",
        at=moment,
    )
