"""Starting, playing, ending and cleaning away drills. Each public method is one transaction.

Playing is shared: every console taking part calls `play_due` on a timer. The drill's row is
locked (FOR UPDATE on PostgreSQL, the write lock on SQLite) while its due events are played and
`played` moves past them, so each event is played once, by whichever console gets there first,
and always at its scripted time (not when that console happened to look).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.adapters.drill_scripts import ScriptSource
from app.db.models import (
    Call,
    ChecklistItem,
    Drill,
    Incident,
    StatusUpdate,
    TimelineEvent,
    VendorEscalation,
)
from app.db.models import Service as ServiceRow
from app.db.open_statuses import is_open
from app.domain.cadence import update_interval
from app.domain.clock import as_utc
from app.domain.drill_scorecard import DrillFacts, StepFact, UpdateFact, score
from app.domain.drill_script import (
    DrillEvent,
    DrillScript,
    ScriptedCall,
    VendorAnswer,
    event_time,
)
from app.domain.errors import RuleViolation
from app.domain.lifecycle import Status
from app.domain.priority import Priority
from app.domain.roles import Action
from app.domain.runbook import Runbook
from app.domain.vendor import VendorState
from app.services.context import ServiceContext
from app.services.drills.dto import DrillInfo, PlayedEvent
from app.services.drills.reads import drill_info, script_of
from app.services.errors import NotFound
from app.services.feed.records import load_policies, locking, record_change, record_event
from app.services.incidents.opening import IncidentDraft, insert_incident
from app.services.incidents.unit_of_work import IncidentUnitOfWork

# What cleaning a drill away deletes, on SQLite. On PostgreSQL the same steps run inside
# calmdesk_clean_drill (migration 0009), with the owner's rights, since no login may delete.
_DRILL_INCIDENTS = "SELECT id FROM incidents WHERE drill_id = :drill"
SQLITE_CLEAN_STEPS = (
    "UPDATE drills SET incident_id = NULL WHERE id = :drill",
    f"UPDATE incidents SET parent_id = NULL WHERE parent_id IN ({_DRILL_INCIDENTS}) "
    "AND (drill_id IS NULL OR drill_id <> :drill)",
    f"UPDATE calls SET incident_id = NULL WHERE incident_id IN ({_DRILL_INCIDENTS}) "
    "AND (drill_id IS NULL OR drill_id <> :drill)",
    "DELETE FROM calls WHERE drill_id = :drill",
    "DELETE FROM review_action_items WHERE review_id IN (SELECT id FROM post_incident_reviews "
    f"WHERE incident_id IN ({_DRILL_INCIDENTS}))",
    f"DELETE FROM post_incident_reviews WHERE incident_id IN ({_DRILL_INCIDENTS})",
    f"DELETE FROM status_updates WHERE incident_id IN ({_DRILL_INCIDENTS})",
    f"DELETE FROM checklist_items WHERE incident_id IN ({_DRILL_INCIDENTS})",
    f"DELETE FROM vendor_escalations WHERE incident_id IN ({_DRILL_INCIDENTS})",
    f"DELETE FROM incident_services WHERE incident_id IN ({_DRILL_INCIDENTS})",
    f"DELETE FROM timeline_events WHERE incident_id IN ({_DRILL_INCIDENTS})",
    "UPDATE incidents SET parent_id = NULL WHERE drill_id = :drill",
    "DELETE FROM incidents WHERE drill_id = :drill",
)


@dataclass(frozen=True)
class _Due:
    drill_id: int
    count: int


class DrillCommands:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    # -- starting ------------------------------------------------------------------------------

    def start(self, source: ScriptSource, runbook: Runbook) -> DrillInfo:
        """Start a drill: its first report is opened now as a drill incident. One drill at a
        time, so that the banner every window shows names one rehearsal."""
        self._ctx.actor.require(Action.RUN_DRILL)
        script = source.parse()
        now = self._ctx.clock.now()
        with self._ctx.db.write() as session:
            running = session.scalar(
                locking(session, select(Drill).where(Drill.ended_at.is_(None)).limit(1))
            )
            if running is not None:
                raise RuleViolation(
                    f"The drill “{running.title}” is still running. End it first "
                    "(Supervisor → End the drill…), then start the next one."
                )
            drill = Drill(
                title=script.title,
                script_key=source.key,
                runbook_key=runbook.key,
                runbook_title=runbook.title,
                script={
                    "key": source.key,
                    "source": source.source,
                    "text": source.text,
                    "runbook_steps": [item.text for item in runbook.items],
                },
                started_at=now,
                started_by_id=self._ctx.actor.agent_id,
                played=0,
            )
            session.add(drill)
            session.flush()
            draft = self._first_report(session, script, drill.id)
            incident = insert_incident(IncidentUnitOfWork(self._ctx, session), draft)
            incident.runbook_key = runbook.key  # declaring it major offers this runbook
            drill.incident_id = incident.id
            self._note(
                session,
                incident,
                "drill",
                f"DRILL started: {script.title}. Rehearsing the runbook {runbook.title}. "
                "Nothing in this drill is real.",
                now,
                pinned=True,
            )
            record_change(session, self._ctx, "drills", drill.id, "insert")
            session.flush()
            return drill_info(session, drill, script)

    def _first_report(self, session: Session, script: DrillScript, drill_id: int) -> IncidentDraft:
        wanted = script.incident.service.lower()
        service_id = (
            session.scalar(select(ServiceRow.id).where(func.lower(ServiceRow.name) == wanted))
            if wanted
            else None
        )
        return IncidentDraft(
            title=script.incident.title,
            impact=script.incident.impact,
            urgency=script.incident.urgency,
            description=script.incident.description,
            service_id=service_id,
            channel="monitoring",
            drill_id=drill_id,
        )

    # -- playing -------------------------------------------------------------------------------

    def play_due(self) -> list[PlayedEvent]:
        """Play every scripted event whose time has come, once, at its scripted time. A quick
        read first: most ticks find nothing due and write nothing."""
        now = self._ctx.clock.now()
        with self._ctx.db.read() as session:
            due = [
                _Due(
                    drill.id, len(script_of(drill).due(as_utc(drill.started_at), drill.played, now))
                )
                for drill in session.scalars(select(Drill).where(Drill.ended_at.is_(None)))
            ]
        if not any(d.count for d in due):
            return []
        played: list[PlayedEvent] = []
        with self._ctx.db.write() as session:
            for wanted in due:
                drill = session.scalar(
                    locking(session, select(Drill).where(Drill.id == wanted.drill_id))
                )
                if drill is None or drill.ended_at is not None:
                    continue
                script = script_of(drill)
                started = as_utc(drill.started_at)
                incident = session.get(Incident, drill.incident_id) if drill.incident_id else None
                for index, event in script.due(started, drill.played, now):
                    at = event_time(started, event)
                    if incident is not None:
                        summary = self._play(session, drill, incident, event, at)
                        played.append(PlayedEvent(drill.id, at, summary))
                    drill.played = index + 1
                record_change(session, self._ctx, "drills", drill.id, "update", fields=["played"])
        return played

    def _play(
        self, session: Session, drill: Drill, incident: Incident, event: DrillEvent, at: datetime
    ) -> str:
        if isinstance(event, ScriptedCall):
            call = Call(
                client_uuid=str(uuid.uuid4()),
                at=at,
                caller_name=event.caller,
                channel=event.channel,
                service_id=incident.service_id,
                symptom=event.words,
                callback_wanted=event.callback,
                incident_id=incident.id,
                agent_id=None,
                drill_id=drill.id,
            )
            session.add(call)
            session.flush()
            record_change(session, self._ctx, "calls", call.id, "insert")
            summary = f"DRILL call from {event.caller}: {event.words}"
            self._note(session, incident, "call", summary, at, {"call_ids": [call.id]})
            self._touched(session, incident, ["calls"])
            return summary
        if isinstance(event, VendorAnswer):
            return self._vendor_answers(session, drill, incident, event, at)
        change = ""
        if event.service and event.state is not None:
            change = (
                f" {event.service} is now {event.state.label.lower()} "
                "(in the drill: its real state is unchanged)."
            )
        summary = f"DRILL twist: {event.says}{change}"
        self._note(session, incident, "drill", summary, at, pinned=True)
        self._touched(session, incident, ["timeline"])
        return summary

    def _vendor_answers(
        self, session: Session, drill: Drill, incident: Incident, event: VendorAnswer, at: datetime
    ) -> str:
        eta = (
            as_utc(drill.started_at) + timedelta(minutes=event.eta_minute)
            if event.eta_minute is not None
            else None
        )
        case = session.scalar(
            select(VendorEscalation).where(
                VendorEscalation.incident_id == incident.id,
                func.lower(VendorEscalation.vendor) == event.vendor.lower(),
            )
        )
        if case is None:
            case = VendorEscalation(
                incident_id=incident.id,
                vendor=event.vendor,
                reference=f"DRILL-{drill.id}",
                contact="",
                escalated_at=at,
                vendor_eta=eta,
                state=VendorState.ACKNOWLEDGED.value,
                notes=event.says,
                version=1,
            )
            session.add(case)
            session.flush()
            action = "insert"
        else:
            case.state = VendorState.ACKNOWLEDGED.value
            case.vendor_eta = eta or case.vendor_eta
            case.notes = f"{case.notes}\n{event.says}".strip()
            case.version += 1
            action = "update"
        record_change(session, self._ctx, "vendor_escalations", case.id, action)
        when = f" Their ETA: {eta:%H:%M} UTC." if eta is not None else ""
        summary = f"DRILL · {event.vendor} answers: {event.says}{when}"
        self._note(session, incident, "vendor", summary, at, {"vendor_id": case.id})
        self._touched(session, incident, ["vendors"])
        return summary

    # -- ending and cleaning -------------------------------------------------------------------

    def end(self, drill_id: int) -> DrillInfo:
        """End a drill: score it (the scorecard is stored with the drill) and cancel what it
        left open, so nothing keeps asking for updates."""
        self._ctx.actor.require(Action.RUN_DRILL)
        now = self._ctx.clock.now()
        with self._ctx.db.write() as session:
            drill = _locked_drill(session, drill_id)
            if drill.ended_at is not None:
                raise RuleViolation(f"The drill “{drill.title}” has already ended.")
            drill.ended_at = now
            drill.ended_by_id = self._ctx.actor.agent_id
            drill.scorecard = score(_facts(session, drill, now)).to_data()
            uow = IncidentUnitOfWork(self._ctx, session)
            left_open = session.scalars(
                select(Incident).where(Incident.drill_id == drill.id, is_open(Incident.status))
            ).all()
            for incident in left_open:
                old = Status(incident.status)
                incident.status = Status.CANCELLED.value
                incident.closed_at = now
                incident.next_update_due = None
                self._note(
                    session,
                    incident,
                    "status",
                    f"{old.label} → {Status.CANCELLED.label} (the drill ended)",
                    now,
                    {"from": old.value, "to": Status.CANCELLED.value, "hold_reason": None},
                )
                uow.bump(incident, ["status"])
            record_change(session, self._ctx, "drills", drill.id, "update", fields=["ended_at"])
            session.flush()
            return drill_info(session, drill, script_of(drill))

    def clean(self, drill_id: int) -> int:
        """Delete what an ended drill made (its incidents, calls and their records); its row and
        scorecard stay. Returns how many incidents went."""
        self._ctx.actor.require(Action.RUN_DRILL)
        now = self._ctx.clock.now()
        with self._ctx.db.write() as session:
            drill = _locked_drill(session, drill_id)
            if drill.ended_at is None:
                raise RuleViolation(
                    f"The drill “{drill.title}” is still running; end it before cleaning it away."
                )
            if drill.cleaned_at is not None:
                return 0
            gone = list(session.scalars(select(Incident.id).where(Incident.drill_id == drill.id)))
            session.expunge_all()  # the steps below change rows behind the ORM's back
            if session.get_bind().dialect.name == "postgresql":
                session.execute(text("SELECT calmdesk_clean_drill(:drill)"), {"drill": drill_id})
            else:
                for step in SQLITE_CLEAN_STEPS:
                    session.execute(text(step), {"drill": drill_id})
                session.execute(
                    text("UPDATE drills SET cleaned_at = :now WHERE id = :drill"),
                    {"now": now.replace(tzinfo=None), "drill": drill_id},
                )
            for incident_id in gone:
                record_change(session, self._ctx, "incidents", incident_id, "delete")
            record_change(session, self._ctx, "drills", drill_id, "update", fields=["cleaned_at"])
            return len(gone)

    # -- helpers -------------------------------------------------------------------------------

    def _note(
        self,
        session: Session,
        incident: Incident,
        kind: str,
        summary: str,
        at: datetime,
        details: dict[str, object] | None = None,
        *,
        pinned: bool = False,
    ) -> TimelineEvent:
        event = record_event(
            session, self._ctx, incident, kind, summary, details, at=at, pinned=pinned
        )
        event.actor_id = None  # the drill did it, not the console that happened to play it
        return event

    def _touched(self, session: Session, incident: Incident, fields: list[str]) -> None:
        record_change(
            session,
            self._ctx,
            "incidents",
            incident.id,
            "update",
            version=incident.version,
            fields=fields,
        )


def _locked_drill(session: Session, drill_id: int) -> Drill:
    drill = session.scalar(locking(session, select(Drill).where(Drill.id == drill_id)))
    if drill is None:
        raise NotFound("That drill no longer exists.")
    return drill


def _facts(session: Session, drill: Drill, now: datetime) -> DrillFacts:
    """What the scorecard is measured from: the drill's major incident (the first declared),
    its updates and checklist, and the drill's calls."""
    majors = sorted(
        session.scalars(
            select(Incident).where(
                Incident.drill_id == drill.id, Incident.declared_major_at.is_not(None)
            )
        ),
        key=lambda i: (as_utc(i.declared_major_at or now), i.id),
    )
    main = majors[0] if majors else None
    updates: list[UpdateFact] = []
    steps: list[StepFact] = []
    interval = None
    if main is not None:
        interval = update_interval(load_policies(session)[Priority(main.priority)], major=True)
        updates = [
            UpdateFact(as_utc(posted), audience == "all_users", next_at and as_utc(next_at))
            for posted, audience, next_at in session.execute(
                select(StatusUpdate.posted_at, StatusUpdate.audience, StatusUpdate.next_update_at)
                .where(StatusUpdate.incident_id == main.id)
                .order_by(StatusUpdate.posted_at)
            )
        ]
        steps = [
            StepFact(item_text, done and as_utc(done))
            for item_text, done in session.execute(
                select(ChecklistItem.text, ChecklistItem.done_at)
                .where(ChecklistItem.incident_id == main.id)
                .order_by(ChecklistItem.position)
            )
        ]
    if not steps:  # never declared: the runbook's steps, none done
        planned = drill.script.get("runbook_steps")
        steps = [StepFact(str(step), None) for step in planned] if isinstance(planned, list) else []
    calls = [as_utc(at) for at in session.scalars(select(Call.at).where(Call.drill_id == drill.id))]
    return DrillFacts(
        started_at=as_utc(drill.started_at),
        ended_at=now,
        declared_at=as_utc(main.declared_major_at) if main and main.declared_major_at else None,
        interval=interval,
        updates=updates,
        steps=steps,
        calls=calls,
    )
