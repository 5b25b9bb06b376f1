"""Writing imported incidents in bulk: batches of rows, one transaction.

An import of 25,000 incidents and 170,000 timeline events cannot go through the ORM one object
at a time (minutes), nor even SQLAlchemy Core's executemany (its per-row work was most of the
import's time): rows go as tuples through `app.db.bulk_rows`, the database's own bulk path
(SQLite's executemany, PostgreSQL's COPY), in the session's transaction. Incidents are keyed
on their number, so a re-import updates them and adds only the timeline events not already there.
One change-log entry per import (entity `imports`) tells the views to reload rather than fetch
25,000 rows one by one.
The incident counter moves past the highest imported number, so new incidents never collide.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from app.adapters.import_records import ImportedIncident, RejectedRow
from app.db.bulk_rows import BulkRows
from app.db.models import Agent, ChangeLogEntry, Contact, Counter, Incident, Team, TimelineEvent
from app.domain.errors import CalmdeskError
from app.domain.priority import Priority, PriorityMatrix
from app.domain.sla import SlaPolicy, due_times
from app.services.context import ServiceContext
from app.services.feed.records import load_matrix, load_policies

BATCH = 1000
_NUMBER = re.compile(r"^INC(\d+)$")
_ITABLE: Table = Incident.__table__  # type: ignore[assignment]
_TTABLE: Table = TimelineEvent.__table__  # type: ignore[assignment]
_TEAMS: Table = Team.__table__  # type: ignore[assignment]
_AGENTS: Table = Agent.__table__  # type: ignore[assignment]
_CONTACTS: Table = Contact.__table__  # type: ignore[assignment]
# What an import sets on an incident (written on every import), what only a new one gets, and
# what each imported timeline event holds.
_COLUMNS = (
    "number",
    "title",
    "category",
    "caller_id",
    "channel",
    "impact",
    "urgency",
    "priority",
    "status",
    "hold_reason",
    "assignee_id",
    "team_id",
    "opened_at",
    "acknowledged_at",
    "resolved_at",
    "closed_at",
    "updated_at",
    "respond_by",
    "resolve_by",
    "on_hold_since",
    "paused_seconds",
    "resolution",
)
_NEW_DEFAULTS = {
    "description": "",
    "major": False,
    "workaround": "",
    "public_message": "",
    "external_ref": "import",
    "version": 1,
}
_NEW_COLUMNS = (*_COLUMNS, *_NEW_DEFAULTS)
_NEW_DEFAULT_VALUES = tuple(_NEW_DEFAULTS.values())
_EVENT_COLUMNS = ("incident_id", "at", "actor_id", "kind", "summary", "details", "pinned")

_PRIORITIES = {int(p): p for p in Priority}  # Priority(n) is a slow call, once per incident
Progress = Callable[[int, int], None]  # (done, total), in bytes of the file read
Cancelled = Callable[[], bool]


class ImportCancelled(CalmdeskError):
    """The person cancelled; the transaction was rolled back and nothing was imported."""


@dataclass(frozen=True)
class ImportReport:
    source: str
    rows_read: int
    incidents_created: int
    incidents_updated: int
    events_added: int
    rejected: tuple[RejectedRow, ...]
    seconds: float = 0.0

    @property
    def summary(self) -> str:
        text = (
            f"Read {self.rows_read:,} rows from {self.source}: {self.incidents_created:,} "
            f"incidents created, {self.incidents_updated:,} updated, {self.events_added:,} "
            f"timeline events added, {len(self.rejected):,} rows rejected"
        )
        return text + (f" in {self.seconds:.1f} s." if self.seconds else ".")


@dataclass
class _Tally:
    created: int = 0
    updated: int = 0
    events: int = 0


class BulkImportWriter:
    """Writes batches of imported incidents inside one session (the caller's transaction),
    through `bulk` (`app.db.bulk_rows.bulk_rows` on that session)."""

    def __init__(self, session: Session, ctx: ServiceContext, bulk: BulkRows) -> None:
        self._session = session
        self._ctx = ctx
        self._matrix: PriorityMatrix = load_matrix(session)
        self._policies: dict[Priority, SlaPolicy] = load_policies(session)
        self._teams = self._load(select(Team.name, Team.id))
        self._agents = self._load(select(Agent.name, Agent.id))
        self._contacts = self._load(
            select(Contact.external_ref, Contact.id).where(Contact.external_ref.is_not(None))
        )
        self._highest = 0
        self._bulk = bulk
        self._moment = self._bulk.form(_TTABLE, "at") or _same
        self._unpinned = (self._bulk.form(_TTABLE, "pinned") or _same)(False)
        self.tally = _Tally()

    def _load(self, query: Any) -> dict[str, int]:
        return {str(k): int(v) for k, v in self._session.execute(query)}

    def write_all(
        self,
        batches: Iterable[list[ImportedIncident]],
        *,
        after_batch: Callable[[], None] = lambda: None,
    ) -> None:
        """Write each batch (BATCH incidents suit the bulk paths), then call `after_batch`."""
        for chunk in batches:
            self._write(chunk)
            after_batch()

    def finish(self, source: str) -> None:
        """The counter and the one change-log entry, at the end of the import."""
        session = self._session
        if self._highest:
            session.execute(
                update(Counter)
                .where(Counter.name == "incident_number", Counter.value < self._highest)
                .values(value=self._highest)
            )
        session.add(
            ChangeLogEntry(
                at=self._ctx.clock.now(),
                actor_id=self._ctx.actor.agent_id,
                entity="imports",
                entity_id=self.tally.created + self.tally.updated,
                action="insert",
                fields=[source[:200]],
            )
        )

    # -- one batch ------------------------------------------------------------------------

    def _write(self, chunk: list[ImportedIncident]) -> None:
        self._ensure_people(chunk)
        existing = self._ids([i.number for i in chunk])
        fresh = [i for i in chunk if i.number not in existing]
        if fresh:
            self._bulk.insert(
                _ITABLE, _NEW_COLUMNS, [self._row(i) + _NEW_DEFAULT_VALUES for i in fresh]
            )
        ids = {**existing, **self._ids([i.number for i in fresh])} if fresh else existing
        updates = [(*self._row(i), existing[i.number]) for i in chunk if i.number in existing]
        if updates:
            self._bulk.update(_ITABLE, _COLUMNS, updates)
        self.tally.created += len(fresh)
        self.tally.updated += len(updates)
        self._write_events(chunk, ids, set(existing.values()))
        for incident in chunk:
            match = _NUMBER.match(incident.number)
            if match:
                self._highest = max(self._highest, int(match.group(1)))

    def _ids(self, numbers: list[str]) -> dict[str, int]:
        return self._bulk.ids(_ITABLE, "number", numbers)

    def _write_events(
        self, chunk: list[ImportedIncident], ids: dict[str, int], existing: set[int]
    ) -> None:
        # The events already there, their times in the database's form (as the driver reads
        # them), compared with the new events' times in that same form.
        seen = set(
            self._bulk.where(
                _TTABLE, ("incident_id", "at", "kind", "summary"), "incident_id", sorted(existing)
            )
        )
        # The rows in the form the database takes (the details' JSON text is the reader's, a
        # moment's form one dict look-up): no second pass over them.
        moment = self._moment
        unpinned = self._unpinned
        rows: list[tuple[Any, ...]] = []
        for incident in chunk:
            incident_id = ids[incident.number]
            if incident_id in existing:
                rows += [
                    (incident_id, moment(at), None, kind, summary, details, unpinned)
                    for at, kind, summary, details in incident.events
                    if (incident_id, moment(at), kind, summary) not in seen
                ]
            else:
                rows += [
                    (incident_id, moment(at), None, kind, summary, details, unpinned)
                    for at, kind, summary, details in incident.events
                ]
        if rows:
            self._bulk.insert(_TTABLE, _EVENT_COLUMNS, rows, ready=_EVENT_COLUMNS)
        self.tally.events += len(rows)

    def _row(self, i: ImportedIncident) -> tuple[Any, ...]:
        """The incident's values for _COLUMNS."""
        priority = (
            _PRIORITIES[i.priority]
            if i.priority is not None
            else self._matrix.priority(i.impact, i.urgency)
        )
        due = due_times(i.opened_at, self._policies[priority], timedelta(seconds=i.paused_seconds))
        return (
            i.number,
            i.title[:300],
            i.category,
            self._contacts.get(i.caller) if i.caller else None,
            i.channel,
            i.impact,
            i.urgency,
            int(priority),
            i.status,
            i.hold_reason,
            self._agents.get(i.agent) if i.agent else None,
            self._teams.get(i.team) if i.team else None,
            i.opened_at,
            i.acknowledged_at,
            i.resolved_at,
            i.closed_at,
            i.updated_at,
            due.respond_by,
            due.resolve_by,
            i.on_hold_since,
            i.paused_seconds,
            i.resolution,
        )

    def _ensure_people(self, chunk: list[ImportedIncident]) -> None:
        teams = {i.team for i in chunk if i.team and i.team not in self._teams}
        if teams:
            self._bulk.insert(_TEAMS, ("name",), [(t[:120],) for t in sorted(teams)])
            self._teams.update(self._bulk.ids(_TEAMS, "name", teams))
        agents = {i.agent for i in chunk if i.agent and i.agent not in self._agents}
        if agents:
            logins = {_login(a): a for a in agents}
            taken = self._bulk.ids(_AGENTS, "login", logins)
            fresh = [
                # Inactive: people from another system's history, not console users.
                (login, name[:200], "agent", False)
                for login, name in sorted(logins.items())
                if login not in taken
            ]
            if fresh:
                self._bulk.insert(_AGENTS, ("login", "name", "role", "active"), fresh)
            self._agents.update(
                {
                    logins[login]: agent_id
                    for login, agent_id in self._bulk.ids(_AGENTS, "login", logins).items()
                }
            )
        callers = {i.caller for i in chunk if i.caller and i.caller not in self._contacts}
        if callers:
            self._bulk.insert(
                _CONTACTS,
                ("name", "external_ref", "vip"),
                [(c[:200], c[:120], False) for c in sorted(callers)],
            )
            self._contacts.update(self._bulk.ids(_CONTACTS, "external_ref", callers))


def _same(value: Any) -> Any:
    return value


def _login(name: str) -> str:
    return "import." + "_".join(name.lower().split())[:100]
