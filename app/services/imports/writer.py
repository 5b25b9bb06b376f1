"""Writing imported incidents in bulk: Core inserts and updates in batches, one transaction.

An import of 25,000 incidents and 170,000 timeline events cannot go through the ORM one object
at a time (minutes); batched executemany takes seconds. Incidents are keyed on their number, so a
re-import updates them and adds only the timeline events not already there. One change-log entry
per import (entity `imports`) tells the views to reload rather than fetch 25,000 rows one by one.
The incident counter moves past the highest imported number, so new incidents never collide.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from itertools import islice
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from app.adapters.import_records import ImportedIncident, RejectedRow
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


def _chunks(items: Iterable[ImportedIncident], size: int) -> Iterator[list[ImportedIncident]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class BulkImportWriter:
    """Writes batches of imported incidents inside one session (the caller's transaction)."""

    def __init__(self, session: Session, ctx: ServiceContext) -> None:
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
        self.tally = _Tally()

    def _load(self, query: Any) -> dict[str, int]:
        return {str(k): int(v) for k, v in self._session.execute(query)}

    def write_all(
        self,
        incidents: Iterable[ImportedIncident],
        *,
        after_batch: Callable[[], None] = lambda: None,
    ) -> None:
        for chunk in _chunks(incidents, BATCH):
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
        numbers = [i.number for i in chunk]
        existing = {
            str(n): int(i)
            for n, i in self._session.execute(
                select(Incident.number, Incident.id).where(Incident.number.in_(numbers))
            )
        }
        new_rows = [self._row(i) for i in chunk if i.number not in existing]
        ids = dict(existing)
        if new_rows:
            result = self._session.execute(
                insert(_ITABLE).returning(
                    _ITABLE.c.id, _ITABLE.c.number, sort_by_parameter_order=True
                ),
                new_rows,
            )
            ids.update({str(n): int(i) for i, n in result})
        updates = [
            {**self._row(i, version=False), "b_id": existing[i.number]}
            for i in chunk
            if i.number in existing
        ]
        if updates:
            self._session.execute(
                update(_ITABLE)
                .where(_ITABLE.c.id == bindparam("b_id"))
                .values(version=_ITABLE.c.version + 1),
                updates,
            )
        self.tally.created += len(new_rows)
        self.tally.updated += len(updates)
        self._write_events(chunk, ids, set(existing.values()))
        for incident in chunk:
            match = _NUMBER.match(incident.number)
            if match:
                self._highest = max(self._highest, int(match.group(1)))

    def _write_events(
        self, chunk: list[ImportedIncident], ids: dict[str, int], existing: set[int]
    ) -> None:
        seen: set[tuple[int, Any, str, str]] = set()
        if existing:
            for incident_id, at, kind, summary in self._session.execute(
                select(
                    TimelineEvent.incident_id,
                    TimelineEvent.at,
                    TimelineEvent.kind,
                    TimelineEvent.summary,
                ).where(TimelineEvent.incident_id.in_(sorted(existing)))
            ):
                seen.add((incident_id, at, kind, summary))
        rows: list[dict[str, Any]] = []
        for incident in chunk:
            incident_id = ids[incident.number]
            for event in incident.events:
                if incident_id in existing and (
                    (incident_id, event.at, event.kind, event.summary) in seen
                ):
                    continue
                rows.append(
                    {
                        "incident_id": incident_id,
                        "at": event.at,
                        "actor_id": None,
                        "kind": event.kind,
                        "summary": event.summary,
                        "details": event.details,
                        "pinned": False,
                    }
                )
        if rows:
            self._session.execute(insert(_TTABLE), rows)
        self.tally.events += len(rows)

    def _row(self, i: ImportedIncident, *, version: bool = True) -> dict[str, Any]:
        priority = (
            Priority(i.priority)
            if i.priority is not None
            else self._matrix.priority(i.impact, i.urgency)
        )
        due = due_times(i.opened_at, self._policies[priority], timedelta(seconds=i.paused_seconds))
        row: dict[str, Any] = {
            "number": i.number,
            "title": i.title[:300],
            "category": i.category,
            "caller_id": self._contacts.get(i.caller) if i.caller else None,
            "channel": i.channel,
            "impact": i.impact,
            "urgency": i.urgency,
            "priority": int(priority),
            "status": i.status,
            "hold_reason": i.hold_reason,
            "assignee_id": self._agents.get(i.agent) if i.agent else None,
            "team_id": self._teams.get(i.team) if i.team else None,
            "opened_at": i.opened_at,
            "acknowledged_at": i.acknowledged_at,
            "resolved_at": i.resolved_at,
            "closed_at": i.closed_at,
            "updated_at": i.updated_at,
            "respond_by": due.respond_by,
            "resolve_by": due.resolve_by,
            "on_hold_since": i.on_hold_since,
            "paused_seconds": i.paused_seconds,
            "resolution": i.resolution,
        }
        if version:
            row.update(
                description="",
                major=False,
                workaround="",
                public_message="",
                external_ref="import",
                version=1,
            )
        return row

    def _ensure_people(self, chunk: list[ImportedIncident]) -> None:
        session = self._session
        teams = {i.team for i in chunk if i.team and i.team not in self._teams}
        if teams:
            session.execute(insert(Team), [{"name": t[:120]} for t in sorted(teams)])
            self._teams.update(self._load(select(Team.name, Team.id).where(Team.name.in_(teams))))
        agents = {i.agent for i in chunk if i.agent and i.agent not in self._agents}
        if agents:
            logins = {_login(a): a for a in agents}
            taken = set(session.scalars(select(Agent.login).where(Agent.login.in_(logins))))
            fresh = [
                # Inactive: people from another system's history, not console users.
                {"login": login, "name": name[:200], "role": "agent", "active": False}
                for login, name in sorted(logins.items())
                if login not in taken
            ]
            if fresh:
                session.execute(insert(Agent), fresh)
            self._agents.update(
                {
                    logins[str(login)]: int(agent_id)
                    for login, agent_id in session.execute(
                        select(Agent.login, Agent.id).where(Agent.login.in_(logins))
                    )
                }
            )
        callers = {i.caller for i in chunk if i.caller and i.caller not in self._contacts}
        if callers:
            session.execute(
                insert(Contact),
                [{"name": c[:200], "external_ref": c[:120], "vip": False} for c in sorted(callers)],
            )
            self._contacts.update(
                self._load(
                    select(Contact.external_ref, Contact.id).where(
                        Contact.external_ref.in_(callers)
                    )
                )
            )


def _login(name: str) -> str:
    return "import." + "_".join(name.lower().split())[:100]
