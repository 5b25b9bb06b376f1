"""Reading drills: the one running (for the banner every window shows), the ended ones (for
cleaning away), and a scorecard beside the previous drills of the same runbook."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.adapters.drill_scripts import ScriptSource
from app.db.models import Agent, Drill, Incident
from app.domain.clock import as_utc
from app.domain.drill_scorecard import Scorecard
from app.domain.drill_script import DrillScript, event_time
from app.services.context import ServiceContext
from app.services.drills.dto import DrillInfo, ScorecardView, ScoredDrill
from app.services.errors import NotFound


def script_of(drill: Drill) -> DrillScript:
    """The script as it was when the drill started (stored with it), so every console plays the
    same one whatever files it has."""
    data = drill.script
    return ScriptSource(str(data["key"]), str(data["text"]), str(data["source"])).parse()


def drill_info(session: Session, drill: Drill, script: DrillScript) -> DrillInfo:
    started = as_utc(drill.started_at)
    upcoming = script.events[drill.played :]
    starter = session.get(Agent, drill.started_by_id) if drill.started_by_id else None
    incident = session.get(Incident, drill.incident_id) if drill.incident_id else None
    return DrillInfo(
        id=drill.id,
        title=drill.title,
        runbook_key=drill.runbook_key,
        runbook_title=drill.runbook_title,
        started_at=started,
        started_by=starter.name if starter else "",
        incident_id=drill.incident_id,
        incident_number=incident.number if incident else "",
        played=drill.played,
        events=len(script.events),
        next_event_at=event_time(started, upcoming[0]) if upcoming else None,
        ended_at=as_utc(drill.ended_at) if drill.ended_at else None,
        cleaned_at=as_utc(drill.cleaned_at) if drill.cleaned_at else None,
    )


class DrillReads:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def running(self) -> list[DrillInfo]:
        with self._ctx.db.read() as session:
            drills = session.scalars(
                select(Drill).where(Drill.ended_at.is_(None)).order_by(Drill.started_at)
            ).all()
            return [drill_info(session, d, script_of(d)) for d in drills]

    def ended(self) -> list[DrillInfo]:
        """Ended drills, newest first: those not cleaned away yet can be."""
        with self._ctx.db.read() as session:
            drills = session.scalars(
                select(Drill).where(Drill.ended_at.is_not(None)).order_by(Drill.started_at.desc())
            ).all()
            return [drill_info(session, d, script_of(d)) for d in drills]

    def scorecard(self, drill_id: int) -> ScorecardView:
        """An ended drill's scorecard, beside the earlier drills of the same runbook."""
        with self._ctx.db.read() as session:
            drill = session.get(Drill, drill_id)
            if drill is None:
                raise NotFound("That drill no longer exists.")
            if drill.scorecard is None:
                raise NotFound(f"The drill “{drill.title}” has not ended: it has no scorecard yet.")
            earlier = session.scalars(
                select(Drill)
                .where(
                    Drill.runbook_key == drill.runbook_key,
                    Drill.id != drill.id,
                    Drill.scorecard.is_not(None),
                    Drill.started_at < drill.started_at,
                )
                .order_by(Drill.started_at.desc())
            ).all()
            return ScorecardView(
                runbook_title=drill.runbook_title,
                drill=_scored(drill),
                previous=tuple(_scored(d) for d in earlier),
            )


def _scored(drill: Drill) -> ScoredDrill:
    assert drill.scorecard is not None
    return ScoredDrill(
        drill_id=drill.id,
        title=drill.title,
        started_at=as_utc(drill.started_at),
        card=Scorecard.from_data(dict(drill.scorecard)),
    )
