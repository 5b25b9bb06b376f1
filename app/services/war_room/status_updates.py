"""Status updates: compose, post on the cadence, and deliver by e-mail link or chat webhook.

Posting is one transaction: it records the update, moves the next-update time on by the cadence,
and sets the incident's ETA, workaround and (for all users) what callers are told. Delivery comes
after, outside any transaction: the update is saved before anything leaves the building, so a
chat service that is down loses nothing, and delivery can be retried.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.adapters.delivery_config import (
    DeliveryConfig,
    DeliveryConfigError,
    WebhookTarget,
    load_delivery_config,
    resolve_url,
)
from app.adapters.mailto import MailtoLink, build_mailto
from app.adapters.webhooks import (
    ChatMessage,
    RetryPolicy,
    WebhookError,
    payload_for,
    post_json,
)
from app.db.models import Agent, Incident, StatusUpdate
from app.domain.cadence import update_interval
from app.domain.lifecycle import Status
from app.domain.priority import Priority
from app.domain.roles import Action
from app.domain.status_update import (
    TEMPLATE_FIELDS,
    Audience,
    IncidentFacts,
    UpdateBody,
    facts_after_update,
    local_clock,
    next_due_after_post,
)
from app.services.context import ServiceContext
from app.services.errors import InvalidInput, NotFound
from app.services.feed.records import load_policies, record_change
from app.services.incidents.unit_of_work import IncidentUnitOfWork, incident_change
from app.services.offline.receipts import earlier_result, record_receipt
from app.services.war_room.dto import (
    DeliveryReport,
    DeliveryResult,
    PostedUpdate,
    StatusUpdateRow,
    UpdateDraft,
    WarRoomSnapshot,
)
from app.services.war_room.reads import affected_services, to_update_row

FIELD_MAX = 4000


@dataclass(frozen=True)
class _Loaded:
    update: StatusUpdateRow
    services: tuple[tuple[str, str], ...]


class StatusUpdates:
    def __init__(
        self,
        ctx: ServiceContext,
        config_file: Path | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self._ctx = ctx
        self._config_file = config_file
        self._retry = retry or RetryPolicy()

    # -- configuration ------------------------------------------------------------------------

    def config(self) -> DeliveryConfig:
        """Read afresh each time, so an edited war-room.toml applies without a restart."""
        if self._config_file is None:
            return DeliveryConfig()
        return load_delivery_config(self._config_file)

    # -- posting ------------------------------------------------------------------------------

    def post(
        self, incident_id: int, draft: UpdateDraft, *, op_id: str | None = None
    ) -> PostedUpdate:
        """Record an update and move the cadence on. With `op_id` (an update posted while the
        database was unreachable, replayed from the outbox) it is recorded once, however often
        it is sent."""
        self._ctx.actor.require(Action.POST_UPDATE)
        now = self._ctx.clock.now()
        # A change kept offline is judged as of when it was made: its "next update at" was
        # later than then, and may have passed by the time the database hears of it.
        body = checked_body(draft.body, self._ctx.made_at or now, final=draft.final)
        with incident_change(self._ctx) as uow:
            incident = uow.session.get(Incident, incident_id)
            if incident is None:
                raise NotFound(f"Incident {incident_id} no longer exists.")
            if (receipt := earlier_result(uow.session, op_id)) is not None and receipt.result_id:
                earlier = self._load(receipt.result_id).update
                return PostedUpdate(earlier, incident.next_update_due, incident.version)
            if not Status(incident.status).is_open:
                raise InvalidInput(
                    "status",
                    f"{incident.number} is {Status(incident.status).label.lower()}; "
                    "reopen it before posting more updates.",
                )
            row = post_in_session(uow, incident, draft.audience, body, draft.final)
            record_receipt(uow.session, self._ctx, op_id, "status_update", row.id)
            return PostedUpdate(row, incident.next_update_due, incident.version)

    # -- delivery -----------------------------------------------------------------------------

    def mailto(self, update_id: int) -> MailtoLink:
        """A mailto: link to the audience's distribution list, with the update as the body."""
        return self.mailto_for(self._load(update_id).update)

    def mailto_for(self, update: StatusUpdateRow) -> MailtoLink:
        """The same link for an update in hand: a saved one, or one posted while the database
        was unreachable (app/services/offline/unsent_updates.py). Reads only the settings file."""
        return build_mailto(self.config().recipients(update.audience), update.subject, update.text)

    def webhook_targets(self, update_id: int) -> tuple[str, ...]:
        audience = self._load(update_id).update.audience
        return tuple(t.name for t in self.config().webhooks_for(audience))

    def deliver_webhooks(self, update_id: int, only: Sequence[str] = ()) -> DeliveryReport:
        """POST the saved update to every webhook set up for its audience (or just `only`, to
        retry the ones that failed). Each result goes on the timeline."""
        self._ctx.actor.require(Action.POST_UPDATE)
        loaded = self._load(update_id)
        targets = self.config().webhooks_for(loaded.update.audience)
        if only:
            targets = tuple(t for t in targets if t.name in only)
        message = chat_message(loaded.update, loaded.services)
        results = tuple(self._deliver(target, message) for target in targets)
        if results:
            self._record_deliveries(update_id, results)
        return DeliveryReport(update_id, results)

    def _deliver(self, target: WebhookTarget, message: ChatMessage) -> DeliveryResult:
        try:
            url = resolve_url(target)
            post_json(url, payload_for(target.format, message), self._retry)
        except (WebhookError, DeliveryConfigError) as exc:
            return DeliveryResult(target.name, False, str(exc))
        return DeliveryResult(target.name, True, "Delivered")

    def _record_deliveries(self, update_id: int, results: Sequence[DeliveryResult]) -> None:
        with incident_change(self._ctx) as uow:
            update = uow.session.get(StatusUpdate, update_id)
            incident = uow.session.get(Incident, update.incident_id) if update else None
            if update is None or incident is None:
                return
            sequence = _sequence(uow.session, update)
            for result in results:
                summary = (
                    f"Update {sequence} sent to {result.target}"
                    if result.delivered
                    else f"Update {sequence} not sent to {result.target}: {result.message}"
                )
                uow.event(
                    incident,
                    "delivery",
                    summary,
                    {"update_id": update_id, "target": result.target, "ok": result.delivered},
                )
            uow.record(incident, "update", ["timeline"])

    def _load(self, update_id: int) -> _Loaded:
        with self._ctx.db.read() as session:
            update = session.get(StatusUpdate, update_id)
            if update is None:
                raise NotFound("That status update no longer exists.")
            incident = session.get(Incident, update.incident_id)
            assert incident is not None
            author = session.get(Agent, update.author_id) if update.author_id else None
            row = to_update_row(
                update, author.name if author else "", _sequence(session, update), incident
            )
            services = tuple(
                (s.name, s.state.label) for s in affected_services(session, incident.id)
            )
            return _Loaded(row, services)


def post_in_session(
    uow: IncidentUnitOfWork,
    incident: Incident,
    audience: Audience,
    body: UpdateBody,
    final: bool,
    *,
    bump: bool = True,
) -> StatusUpdateRow:
    """Record an update in the caller's transaction (posting, and resolving's final update).
    `bump=False` leaves the incident's version to a caller that changes more of it."""
    ctx, session = uow.ctx, uow.session
    now = ctx.clock.now()
    policy = load_policies(session)[Priority(incident.priority)]
    interval = update_interval(policy, major=incident.major)
    due = due_after_post(Priority(incident.priority), interval, now, body, final=final)
    body = replace(body, next_update_at=due)
    update = new_update_record(incident.id, now, ctx.actor.agent_id, audience, body, final)
    update.made_at = ctx.made_at
    session.add(update)
    session.flush()
    changed = ["next_update_due", "status_updates"]
    incident.next_update_due = due
    before = IncidentFacts(incident.eta, incident.workaround, incident.public_message)
    after = facts_after_update(before, audience, body, final=final)
    for field in ("eta", "workaround", "public_message"):
        if getattr(after, field) != getattr(before, field):
            setattr(incident, field, getattr(after, field))
            changed.append(field)
    sequence = _sequence(session, update)
    kind = "Final update" if final else f"Update {sequence}"
    uow.event(
        incident,
        "status_update",
        f"{kind} to {audience.short.lower()}: {_first_line(body)}",
        {"update_id": update.id, "audience": audience.value, "final": final},
        pinned=final,
    )
    record_change(session, ctx, "status_updates", update.id, "insert")
    if bump:
        uow.bump(incident, changed)
    author = session.get(Agent, ctx.actor.agent_id)
    return to_update_row(update, author.name if author else "", sequence, incident)


def due_after_post(
    priority: Priority,
    interval: timedelta | None,
    now: datetime,
    body: UpdateBody,
    *,
    final: bool,
) -> datetime | None:
    """When the next update is due once this one is posted `now`; refused when it promises
    more silence than the cadence allows. The one rule for posting online and offline."""
    latest = now + interval if interval is not None else None
    if not final and body.next_update_at and latest and body.next_update_at > latest:
        minutes = int(interval.total_seconds() // 60) if interval else 0
        raise InvalidInput(
            "next_update_at",
            f"{priority.short} incidents are updated every {minutes} minutes: "
            f"promise the next update by {local_clock(latest)} at the latest.",
        )
    return next_due_after_post(interval, now, body.next_update_at, final=final)


def new_update_record(
    incident_id: int,
    posted_at: datetime,
    author_id: int | None,
    audience: Audience,
    body: UpdateBody,
    final: bool,
) -> StatusUpdate:
    """The row `post_in_session` adds (and `unsent_update` formats without adding)."""
    return StatusUpdate(
        incident_id=incident_id,
        posted_at=posted_at,
        author_id=author_id,
        audience=audience.value,
        what_happened=body.what_happened,
        current_impact=body.current_impact,
        actions=body.actions,
        workaround=body.workaround,
        eta=body.eta,
        next_update_at=body.next_update_at,
        final=final,
    )


def checked_body(body: UpdateBody, now: datetime, *, final: bool) -> UpdateBody:
    """The composer's text, trimmed and checked; errors name the field."""
    cleaned = UpdateBody(
        what_happened=body.what_happened.strip(),
        current_impact=body.current_impact.strip(),
        actions=body.actions.strip(),
        workaround=body.workaround.strip(),
        eta=body.eta,
        next_update_at=body.next_update_at,
    )
    if not cleaned.what_happened:
        raise InvalidInput("what_happened", "Say what happened, in a sentence users understand.")
    if not cleaned.current_impact:
        raise InvalidInput("current_impact", "Say who is affected now and how.")
    for field, label in TEMPLATE_FIELDS:
        if len(getattr(cleaned, field)) > FIELD_MAX:
            raise InvalidInput(field, f"{label} is too long; keep it under {FIELD_MAX} characters.")
    for field, moment in (("eta", cleaned.eta), ("next_update_at", cleaned.next_update_at)):
        if moment is not None and moment.tzinfo is None:
            raise InvalidInput(field, "That time needs a time zone.")
    if not final and cleaned.next_update_at is not None and cleaned.next_update_at <= now:
        raise InvalidInput(
            "next_update_at",
            f"The next update must be later than now ({local_clock(now)}); "
            "pick a time in the future.",
        )
    return cleaned


def compose_defaults(snapshot: WarRoomSnapshot, now: datetime) -> UpdateDraft:
    """What the composer starts from: the last update carried forward (comms leads edit the
    previous one), the current ETA and workaround, and the next update by the cadence."""
    incident = snapshot.incident
    last = snapshot.latest_update
    interval = snapshot.update_interval or timedelta(minutes=30)
    states = ", ".join(f"{s.name}: {s.state.label.lower()}" for s in snapshot.services)
    workaround = incident.workaround or next(
        (s.workaround for s in snapshot.services if s.workaround), ""
    )
    body = UpdateBody(
        what_happened=last.what_happened if last else incident.title,
        current_impact=last.current_impact if last else states,
        actions=last.actions if last else "",
        workaround=workaround,
        eta=incident.eta,
        next_update_at=_next_round(now + interval),
    )
    return UpdateDraft(audience=last.audience if last else Audience.ALL_USERS, body=body)


def chat_message(update: StatusUpdateRow, services: Sequence[tuple[str, str]]) -> ChatMessage:
    facts = [("Audience", update.audience.short)]
    if services:
        facts.append(("Services", ", ".join(f"{n}: {s}" for n, s in services)))
    if update.eta is not None and not update.final:
        facts.append(("ETA", local_clock(update.eta)))
    if update.next_update_at is not None and not update.final:
        facts.append(("Next update", f"by {local_clock(update.next_update_at)}"))
    if update.author:
        facts.append(("Posted by", f"{update.author} at {local_clock(update.posted_at)}"))
    sections = tuple(
        (label, getattr(update, field).strip())
        for field, label in TEMPLATE_FIELDS
        if getattr(update, field).strip()
    )
    return ChatMessage(
        title=update.subject,
        facts=tuple(facts),
        sections=sections,
        text=update.text,
        final=update.final,
    )


def _sequence(session: Session, update: StatusUpdate) -> int:
    earlier = session.scalar(
        select(func.count(StatusUpdate.id)).where(
            StatusUpdate.incident_id == update.incident_id,
            (StatusUpdate.posted_at < update.posted_at)
            | ((StatusUpdate.posted_at == update.posted_at) & (StatusUpdate.id < update.id)),
        )
    )
    return int(earlier or 0) + 1


def _first_line(body: UpdateBody) -> str:
    text = body.what_happened.splitlines()[0] if body.what_happened else ""
    return text if len(text) <= 120 else text[:119] + "…"


def _next_round(moment: datetime) -> datetime:
    """Round a promised time down to the minute: "by 09:35", not "by 09:35:17"."""
    return moment.replace(second=0, microsecond=0)
