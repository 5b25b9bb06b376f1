"""The one way an incident changes: inside one write transaction, load it with the version the
person saw checked (a row lock on PostgreSQL), change it, then bump its version and record the
change, so every other workstation's change feed sees it.

    with incident_change(ctx) as uow:
        incident = uow.load(incident_id, expected_version)
        ...                                   # the steps: apply edits, a status move, ...
        return uow.save(incident, ["title"])  # new version, change log, the detail read back

Commands hold no plumbing of their own and inherit none: they open one of these per action.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.db.models import Base, Incident, TimelineEvent
from app.domain.errors import RuleViolation
from app.services.context import ServiceContext
from app.services.errors import NotFound
from app.services.feed.records import locking, record_change, record_event
from app.services.incidents.dto import IncidentDetail
from app.services.incidents.reads import edit_conflict, incident_detail

Referenced = TypeVar("Referenced", bound=Base)
# Built once, the id a parameter: SQLAlchemy keeps a statement's cache key on the statement, and a
# fresh select per command spent as long working it out again as the look-up itself took.
_LOAD = select(Incident).where(Incident.id == bindparam("incident_id"))


@contextmanager
def incident_change(ctx: ServiceContext) -> Iterator[IncidentUnitOfWork]:
    """One transaction: commits when the block ends, writes nothing if it raises."""
    with ctx.db.write() as session:
        yield IncidentUnitOfWork(ctx, session)


@dataclass(frozen=True)
class IncidentUnitOfWork:
    ctx: ServiceContext
    session: Session

    def load(self, incident_id: int, expected_version: int) -> Incident:
        """The incident, locked for this transaction; EditConflict, naming who changed what,
        when its version is no longer the one the person saw."""
        incident = self.session.scalar(locking(self.session, _LOAD), {"incident_id": incident_id})
        if incident is None:
            raise NotFound(f"Incident {incident_id} no longer exists; it may have been merged.")
        if incident.version != expected_version:
            raise edit_conflict(self.session, incident, expected_version)
        return incident

    def reference(self, model: type[Referenced], row_id: int) -> Referenced | None:
        """A row an incident points to (an agent, a team, a service, a caller), by id. Read
        without the autoflush: no step of an incident's change alters those rows, while a flush
        here would write the change made so far as an UPDATE of its own, one per look-up (a save
        with an assignment made three where `bump` writes one, each firing the server's
        triggers on PostgreSQL)."""
        with self.session.no_autoflush:
            return self.session.get(model, row_id)

    def event(
        self,
        incident: Incident,
        kind: str,
        summary: str,
        details: dict[str, object] | None = None,
        *,
        pinned: bool = False,
    ) -> TimelineEvent:
        """A line on the incident's timeline, in this transaction."""
        return record_event(self.session, self.ctx, incident, kind, summary, details, pinned=pinned)

    def bump(self, incident: Incident, fields: Iterable[str]) -> None:
        """A new version of `incident`, and the change log entry that carries it. A writer that
        got past the version check at the same moment loses here."""
        number = incident.number  # a failed flush expires the object; keep this for the message
        incident.updated_at = self.ctx.clock.now()
        incident.version += 1
        # Logged before the flush, so one flush writes both (a flush is costly even when small);
        # the loser of a race writes neither: its transaction rolls back.
        self.record(incident, "update", fields)
        try:
            self.session.flush()
        except StaleDataError:
            raise RuleViolation(
                f"{number} was changed by someone else at the same moment; reload it and try again."
            ) from None

    def save(self, incident: Incident, fields: Iterable[str]) -> IncidentDetail:
        """`bump`, then the incident as it now stands."""
        self.bump(incident, fields)
        return self.detail(incident)

    def detail(self, incident: Incident) -> IncidentDetail:
        """The incident as this transaction has it now, names and all: one statement, which
        also brings `incident` up to date (incident_detail), after the flush that writes what
        is pending (the read-back overwrites the object, so nothing may be left unwritten)."""
        self.session.flush()
        return incident_detail(self.session, incident.id)

    def record(self, incident: Incident, action: str, fields: Iterable[str]) -> None:
        """A change log entry for the incident at its current version: for what changes around
        it (a note, a linked call) without changing the row itself."""
        record_change(
            self.session,
            self.ctx,
            "incidents",
            incident.id,
            action,
            version=incident.version,
            fields=fields,
        )
