"""The blameless post-incident review of a resolved major incident.

The draft is built afresh from the record each time it is read: the timeline's key events, the
status updates, the vendor cases, the facts pinned at resolution (`review_data`), and the
communication figures the supervisor reports use (app/services/reports/majors.py), so the review
and the reports never disagree. Only what people write is stored: what went well, what to
improve, and the action items (follow-up tasks with an owner and a due date).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import (
    Agent,
    Incident,
    IncidentService,
    PostIncidentReview,
    ReviewActionItem,
    Service,
    StatusUpdate,
    TimelineEvent,
)
from app.domain.errors import CalmdeskError, RuleViolation
from app.domain.review import (
    ITEM_MAX,
    KEY_KINDS,
    TEXT_MAX,
    ActionItem,
    Communication,
    Impact,
    KeyEvent,
    ReviewDraft,
    ReviewEdits,
    UpdateSent,
    VendorCase,
    eta_changes,
    format_minutes,
)
from app.domain.roles import Action
from app.domain.status_update import Audience
from app.domain.vendor import VendorState, vendor_overdue
from app.services.context import ServiceContext
from app.services.errors import InvalidInput, NotFound
from app.services.feed.records import load_policies, locking, record_change, record_event
from app.services.goodwill.reads import gesture_rows
from app.services.reports.majors import MajorFigures, measure_major
from app.services.war_room.reads import timeline_rows, vendor_rows

# Written by the review itself: not events of the incident.
_NOT_KEY = frozenset({"review_data", "review"})


class ReviewConflict(CalmdeskError):
    """Someone saved the review after it was read; carries the current draft to compare."""

    def __init__(self, current: ReviewDraft) -> None:
        who = current.saved_by or "someone"
        super().__init__(
            f"{who} saved this review while you were editing. Reload it, then reapply your changes."
        )
        self.current = current


@dataclass(frozen=True)
class FollowUp:
    """An open action item, as a task on someone's list."""

    id: int
    incident_id: int
    number: str
    text: str
    owner: str
    due_on: date | None


class PostIncidentReviews:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def draft(self, incident_id: int) -> ReviewDraft:
        with self._ctx.db.read() as session:
            return _draft(session, _resolved_major(session, incident_id))

    def save(self, incident_id: int, expected_version: int, edits: ReviewEdits) -> ReviewDraft:
        """Store what went well, what to improve and the action items, in one transaction.
        `expected_version` is the draft's `version` (0 for a review never saved)."""
        self._ctx.actor.require(Action.WRITE_REVIEW)
        edits = _checked(edits)
        now = self._ctx.clock.now()
        with self._ctx.db.write() as session:
            incident = _resolved_major(session, incident_id)
            review = _review_row(session, incident.id, lock=True)
            current = review.version if review is not None else 0
            if current != expected_version:
                raise ReviewConflict(_draft(session, incident))
            _check_owners(session, edits.action_items)
            created = review is None
            if review is None:
                review = PostIncidentReview(incident_id=incident.id, created_at=now, version=0)
                session.add(review)
            review.went_well = edits.went_well
            review.to_improve = edits.to_improve
            review.updated_at = now
            review.updated_by_id = self._ctx.actor.agent_id
            review.version += 1
            session.flush()
            kept = _save_items(session, review, edits.action_items, now)
            done = sum(1 for item in edits.action_items if item.done)
            record_event(
                session,
                self._ctx,
                incident,
                "review",
                f"Post-incident review saved: {kept} action item{'s' if kept != 1 else ''}"
                f" ({done} done)",
                {"review_id": review.id, "version": review.version},
            )
            record_change(
                session,
                self._ctx,
                "post_incident_reviews",
                review.id,
                "insert" if created else "update",
                version=review.version,
                fields=["went_well", "to_improve", "action_items"],
            )
            record_change(
                session, self._ctx, "incidents", incident.id, "update", fields=["timeline"]
            )
        return self.draft(incident_id)

    def follow_ups(self, owner_id: int | None = None) -> tuple[FollowUp, ...]:
        """Open action items of every review (or one owner's), soonest due first."""
        query = (
            select(ReviewActionItem, Incident.id, Incident.number, Agent.name)
            .join(PostIncidentReview, PostIncidentReview.id == ReviewActionItem.review_id)
            .join(Incident, Incident.id == PostIncidentReview.incident_id)
            .outerjoin(Agent, Agent.id == ReviewActionItem.owner_id)
            .where(ReviewActionItem.done_at.is_(None), ReviewActionItem.removed_at.is_(None))
        )
        if owner_id is not None:
            query = query.where(ReviewActionItem.owner_id == owner_id)
        with self._ctx.db.read() as session:
            rows = [
                FollowUp(item.id, incident_id, number, item.text, name or "", item.due_on)
                for item, incident_id, number, name in session.execute(query)
            ]
        return tuple(sorted(rows, key=lambda f: (f.due_on is None, f.due_on or date.min, f.id)))


# -- reading ----------------------------------------------------------------------------------


def _resolved_major(session: Session, incident_id: int) -> Incident:
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise NotFound(f"Incident {incident_id} no longer exists.")
    if not incident.major:
        raise RuleViolation(f"{incident.number} is not a major incident; it has no review.")
    if incident.resolved_at is None:
        raise RuleViolation(
            f"{incident.number} is not resolved yet: the review is written once it is."
        )
    return incident


def _review_row(session: Session, incident_id: int, *, lock: bool) -> PostIncidentReview | None:
    query = select(PostIncidentReview).where(PostIncidentReview.incident_id == incident_id)
    return session.scalar(locking(session, query) if lock else query)


def _review_facts(session: Session, incident_id: int) -> dict[str, object]:
    details = session.scalar(
        select(TimelineEvent.details)
        .where(TimelineEvent.incident_id == incident_id, TimelineEvent.kind == "review_data")
        .order_by(TimelineEvent.at.desc(), TimelineEvent.id.desc())
        .limit(1)
    )
    return dict(details or {})


def _draft(session: Session, incident: Incident) -> ReviewDraft:
    resolved_at = incident.resolved_at
    assert resolved_at is not None  # checked by _resolved_major
    figures = measure_major(session, incident, load_policies(session), resolved_at)
    facts = _review_facts(session, incident.id)
    services = tuple(
        session.scalars(
            select(Service.name)
            .join(IncidentService, IncidentService.service_id == Service.id)
            .where(IncidentService.incident_id == incident.id)
            .order_by(Service.name)
        )
    )
    impact = Impact(
        opened_at=incident.opened_at,
        declared_at=figures.declared_at,
        resolved_at=resolved_at,
        duration_minutes=int((resolved_at - incident.opened_at).total_seconds() // 60),
        services=services,
        calls=figures.calls,
        callers=figures.callers,
        callbacks_wanted=figures.callbacks_wanted,
        callbacks_done=figures.callbacks_done,
    )
    communication = _communication(session, incident, figures, facts)
    review = _review_row(session, incident.id, lock=False)
    saved_by = ""
    if review is not None and review.updated_by_id is not None:
        agent = session.get(Agent, review.updated_by_id)
        saved_by = agent.name if agent else ""
    edits = ReviewEdits(
        went_well=review.went_well if review else "",
        # Until someone writes it, start from what the commander noted when resolving.
        to_improve=review.to_improve if review else str(facts.get("follow_ups") or ""),
        action_items=_items(session, review.id) if review else (),
    )
    cause = str(facts.get("cause") or "")
    return ReviewDraft(
        incident_id=incident.id,
        number=incident.number,
        title=incident.title,
        priority=incident.priority,
        commander=incident.commander.name if incident.commander else "",
        comms_lead=incident.comms_lead.name if incident.comms_lead else "",
        resolution=incident.resolution,
        cause=cause,
        summary=_summary(incident, impact, communication, cause),
        impact=impact,
        key_events=_key_events(session, incident.id),
        communication=communication,
        vendors=_vendors(session, incident.id, resolved_at),
        edits=edits,
        version=review.version if review else 0,
        saved_at=review.updated_at if review else None,
        saved_by=saved_by,
        gestures=tuple(
            r.gesture for r in gesture_rows(session, resolved_at, [incident.id], owed_only=False)
        ),
    )


def _communication(
    session: Session, incident: Incident, figures: MajorFigures, facts: dict[str, object]
) -> Communication:
    resolved_at = incident.resolved_at
    rows = session.execute(
        select(
            StatusUpdate.posted_at,
            StatusUpdate.audience,
            StatusUpdate.eta,
            StatusUpdate.final,
            StatusUpdate.what_happened,
        )
        .where(StatusUpdate.incident_id == incident.id)
        .order_by(StatusUpdate.posted_at, StatusUpdate.id)
    ).all()
    # The same updates the figures counted: those posted by the time it was resolved.
    sent = [r for r in rows if resolved_at is None or r.posted_at <= resolved_at]
    every = facts.get("update_every_minutes")
    return Communication(
        updates=tuple(
            UpdateSent(
                at=r.posted_at,
                audience=Audience(r.audience).label,
                eta=r.eta,
                final=r.final,
                headline=(r.what_happened.strip().splitlines() or [""])[0],
            )
            for r in sent
        ),
        first_update_minutes=figures.first_update_minutes,
        update_every_minutes=every if isinstance(every, int) else None,
        on_time_percent=figures.on_time_percent,
        longest_silence_minutes=figures.longest_silence_minutes,
        eta_changes=eta_changes((r.posted_at, r.eta) for r in sent),
        eta_error_minutes=figures.eta_error_minutes,
    )


def _key_events(session: Session, incident_id: int) -> tuple[KeyEvent, ...]:
    return tuple(
        KeyEvent(e.at, e.actor, e.kind, e.summary, e.pinned)
        for e in reversed(timeline_rows(session, incident_id))  # oldest first
        if e.kind not in _NOT_KEY and (e.pinned or e.kind in KEY_KINDS)
    )


def _vendors(session: Session, incident_id: int, resolved_at: datetime) -> tuple[VendorCase, ...]:
    return tuple(
        VendorCase(
            vendor=v.vendor,
            reference=v.reference,
            escalated_at=v.escalated_at,
            vendor_eta=v.vendor_eta,
            state=v.state.label,
            missed_eta=vendor_overdue(VendorState(v.state), v.vendor_eta, resolved_at),
        )
        for v in vendor_rows(session, incident_id)
    )


def _items(session: Session, review_id: int) -> tuple[ActionItem, ...]:
    query = (
        select(ReviewActionItem, Agent.name)
        .outerjoin(Agent, Agent.id == ReviewActionItem.owner_id)
        .where(ReviewActionItem.review_id == review_id, ReviewActionItem.removed_at.is_(None))
        .order_by(ReviewActionItem.position, ReviewActionItem.id)
    )
    return tuple(
        ActionItem(i.id, i.text, i.owner_id, name or "", i.due_on, i.done_at is not None)
        for i, name in session.execute(query)
    )


def _summary(incident: Incident, impact: Impact, comms: Communication, cause: str) -> str:
    services = ", ".join(impact.services) or "no service recorded"
    parts = [
        f"{incident.number} (P{incident.priority}), {incident.title}: open for "
        f"{format_minutes(impact.duration_minutes)}, affecting {services}.",
        f"{impact.calls} call{'s' if impact.calls != 1 else ''} from {impact.callers} "
        f"caller{'s' if impact.callers != 1 else ''}.",
        f"{len(comms.updates)} status update{'s' if len(comms.updates) != 1 else ''} sent; "
        f"the longest silence was {format_minutes(comms.longest_silence_minutes)}.",
    ]
    if incident.resolution:
        parts.append(f"Resolved: {incident.resolution}")
    if cause:
        parts.append(f"Believed cause: {cause}")
    return " ".join(parts)


# -- writing ----------------------------------------------------------------------------------


def _checked(edits: ReviewEdits) -> ReviewEdits:
    for field, value in (("went_well", edits.went_well), ("to_improve", edits.to_improve)):
        if len(value) > TEXT_MAX:
            raise InvalidInput(field, f"Keep it under {TEXT_MAX} characters.")
    items = []
    for number, item in enumerate(edits.action_items, start=1):
        text = item.text.strip()
        if not text:
            raise InvalidInput("action_items", f"Action item {number} says nothing: write it.")
        if len(text) > ITEM_MAX:
            raise InvalidInput(
                "action_items", f"Action item {number} is too long; keep it to a sentence."
            )
        items.append(ActionItem(item.id, text, item.owner_id, item.owner, item.due_on, item.done))
    return ReviewEdits(edits.went_well.strip(), edits.to_improve.strip(), tuple(items))


def _check_owners(session: Session, items: tuple[ActionItem, ...]) -> None:
    wanted = {i.owner_id for i in items if i.owner_id is not None}
    if not wanted:
        return
    found = set(session.scalars(select(Agent.id).where(Agent.id.in_(wanted))))
    if wanted - found:
        raise InvalidInput("action_items", "An action item's owner is no longer an agent.")


def _save_items(
    session: Session, review: PostIncidentReview, items: tuple[ActionItem, ...], now: datetime
) -> int:
    existing = {
        row.id: row
        for row in session.scalars(
            select(ReviewActionItem).where(
                ReviewActionItem.review_id == review.id, ReviewActionItem.removed_at.is_(None)
            )
        )
    }
    for position, item in enumerate(items, start=1):
        if item.id is None:
            row = ReviewActionItem(review_id=review.id, text=item.text)
            session.add(row)
        elif item.id in existing:
            row = existing.pop(item.id)
        else:
            raise InvalidInput("action_items", f"Action item {position} was removed meanwhile.")
        row.position = position
        row.text = item.text
        row.owner_id = item.owner_id
        row.due_on = item.due_on
        if item.done and row.done_at is None:
            row.done_at = now
        elif not item.done:
            row.done_at = None
    for row in existing.values():  # left out of the edit: removed
        row.removed_at = now
    session.flush()
    return len(items)
