"""Writing imported incidents in bulk: batches of rows, one transaction.

An import of 25,000 incidents and 170,000 timeline events cannot go through the ORM one object
at a time (minutes), nor even SQLAlchemy Core's executemany (its per-row work was most of the
import's time): rows go as tuples through `app.db.bulk_rows`, the database's own bulk path
(SQLite's executemany, PostgreSQL's COPY), in the session's transaction.

An imported incident is known by its number in the file (`external_ref`), so a re-import updates
it and adds only the timeline events not already there. It keeps that number here too, unless
one of the desk's own incidents has it: then the desk's incident is left alone and the imported
one gets the next free number when the import ends (`Renumbered`, with a timeline event saying
so). The incident counter moves past the highest imported number, so new incidents never
collide. One change-log entry per import (entity `imports`) tells the views to reload rather
than fetch 25,000 rows one by one.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from itertools import count, islice
from typing import Any

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from app.adapters.import_records import ImportedIncident, RejectedRow
from app.db.bulk_rows import BulkRows
from app.db.models import Agent, ChangeLogEntry, Contact, Counter, Incident, Team, TimelineEvent
from app.domain.errors import CalmdeskError
from app.domain.incident_numbers import incident_number, number_value
from app.services.context import ServiceContext
from app.services.feed.records import load_matrix, load_policies
from app.services.imports.prepared import (
    EVENT_COLUMNS,
    INCIDENT_COLUMNS,
    MOMENT_COLUMNS,
    PEOPLE_COLUMNS,
    BatchPreparer,
    Names,
    PreparedBatch,
)

BATCH = 1000  # incidents per batch
# On PostgreSQL a batch is some round trips (look-ups, COPY in, its end awaited while the server
# runs the triggers and foreign-key checks): fewer and bigger, 24,918 incidents took ~0.5 s less.
REMOTE_BATCH = 5000
_ITABLE: Table = Incident.__table__  # type: ignore[assignment]
_TTABLE: Table = TimelineEvent.__table__  # type: ignore[assignment]
_TEAMS: Table = Team.__table__  # type: ignore[assignment]
_AGENTS: Table = Agent.__table__  # type: ignore[assignment]
_CONTACTS: Table = Contact.__table__  # type: ignore[assignment]
# What an import sets on an incident (written on every import but its number, which a re-import
# leaves as it is), and what only a new one gets: the defaults, then its number in the file.
_COLUMNS = (*INCIDENT_COLUMNS, *PEOPLE_COLUMNS)
assert _COLUMNS[0] == "number"
_UPDATED = _COLUMNS[1:]
_NEW_DEFAULTS = {
    "description": "",
    "major": False,
    "workaround": "",
    "public_message": "",
    "version": 1,
}
_NEW_COLUMNS = (*_COLUMNS, *_NEW_DEFAULTS, "external_ref")
Progress = Callable[[int, int], None]  # (done, total), in bytes of the file read
Cancelled = Callable[[], bool]


class ImportCancelled(CalmdeskError):
    """The person cancelled; the transaction was rolled back and nothing was imported."""


@dataclass(frozen=True)
class Renumbered:
    """An incident of the file whose number belongs to one of the desk's own incidents."""

    number_in_file: str
    number_here: str

    def __str__(self) -> str:
        return (
            f"{self.number_in_file} of the file is {self.number_here} here: "
            f"{self.number_in_file} is one of this desk's own incidents"
        )


@dataclass(frozen=True)
class ImportReport:
    source: str
    rows_read: int
    incidents_created: int
    incidents_updated: int
    events_added: int
    rejected: tuple[RejectedRow, ...]
    seconds: float = 0.0
    renumbered: tuple[Renumbered, ...] = ()

    @property
    def summary(self) -> str:
        text = (
            f"Read {self.rows_read:,} rows from {self.source}: {self.incidents_created:,} "
            f"incidents created, {self.incidents_updated:,} updated, {self.events_added:,} "
            f"timeline events added, {len(self.rejected):,} rows rejected"
        )
        if self.renumbered:
            text += (
                f", {len(self.renumbered):,} given new numbers (theirs belong to incidents "
                "of this desk)"
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
        self._teams = self._load(select(Team.name, Team.id))
        self._agents = self._load(select(Agent.name, Agent.id))
        self._contacts = self._load(
            select(Contact.external_ref, Contact.id).where(Contact.external_ref.is_not(None))
        )
        self._highest = 0
        self._bulk = bulk
        self._prepare = BatchPreparer(
            load_matrix(session), load_policies(session), bulk, _ITABLE, _TTABLE
        )
        self._new_defaults = tuple(
            (bulk.form(_ITABLE, name) or _same)(value) for name, value in _NEW_DEFAULTS.items()
        )
        # The file's incidents whose number was taken here: (id, number in the file), kept
        # under a stand-in number unique to this import until `finish` numbers them.
        self._stand_ins = (f"~{secrets.token_hex(4)}-{n}" for n in count(1))
        self._to_renumber: list[tuple[int, str]] = []
        self.renumbered: list[Renumbered] = []
        self.tally = _Tally()
        self.batch = REMOTE_BATCH if bulk.remote else BATCH
        """How many incidents a batch of `prepared` holds, for this database."""

    def _load(self, query: Any) -> dict[str, int]:
        return {str(k): int(v) for k, v in self._session.execute(query)}

    def prepared(self, incidents: Iterator[ImportedIncident]) -> Iterator[PreparedBatch]:
        """`incidents` in batches of `batch`, each made into its rows. It reads nothing of the
        database, so another thread or a forked process may run it (`read_in_child` does)."""
        while chunk := list(islice(incidents, self.batch)):
            yield self._prepare(chunk)

    def finish(self, source: str) -> None:
        """New numbers for the incidents whose number was taken, the counter and the one
        change-log entry, at the end of the import."""
        session = self._session
        self._renumber(source)
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

    def write(self, batch: PreparedBatch) -> None:
        """Write one batch (from `prepared`)."""
        names = batch.names
        # New teams, agents and callers go in per BATCH incidents, whatever the batch: their ids
        # come out the same on every database.
        for start in range(0, len(names), BATCH):
            self._ensure_people(names[start : start + BATCH])
        existing = self._imported([number for number, *_ in names])
        rows = [
            (named[0], values + self._people(named))
            for values, named in zip(batch.values, names, strict=True)
        ]
        fresh = [number for number, _ in rows if number not in existing]
        taken: Collection[str] = ()
        if fresh:
            taken = self._insert([(number, row) for number, row in rows if number not in existing])
        ids = {**existing, **self._imported(fresh)} if fresh else existing
        updates = [(*row[1:], existing[number]) for number, row in rows if number in existing]
        if updates:
            self._bulk.update(_ITABLE, _UPDATED, updates, ready=MOMENT_COLUMNS)
        # In the file's order: the new numbers follow it.
        self._to_renumber += [(ids[number], number) for number in fresh if number in taken]
        self.tally.created += len(fresh)
        self.tally.updated += len(updates)
        self._write_events(batch, ids, set(existing.values()))
        self._highest = max(self._highest, batch.highest)

    def _imported(self, numbers: list[str]) -> dict[str, int]:
        """The ids of the incidents imported before under these numbers of a file."""
        return self._bulk.ids(_ITABLE, "external_ref", numbers)

    def _insert(self, rows: list[tuple[str, tuple[Any, ...]]]) -> set[str]:
        """Insert new incidents, (number in the file, row); those whose number the desk uses
        already go in under a stand-in number, returned, until `finish` gives them theirs."""
        taken = set(self._bulk.ids(_ITABLE, "number", [number for number, _ in rows]))
        new = self._new_defaults
        self._bulk.insert(
            _ITABLE,
            _NEW_COLUMNS,
            [
                ((next(self._stand_ins), *row[1:]) if number in taken else row) + new + (number,)
                for number, row in rows
            ],
            ready=(*MOMENT_COLUMNS, *_NEW_DEFAULTS, "external_ref"),
        )
        return taken

    def _renumber(self, source: str) -> None:
        """The next free numbers, after the counter and after every number of the file, for
        the incidents whose number was taken, each with a timeline event saying so."""
        if not self._to_renumber:
            return
        counter = self._session.scalar(
            select(Counter.value).where(Counter.name == "incident_number")
        )
        free = _free_numbers(self._bulk, max(counter or 0, self._highest) + 1)
        numbers = [(next(free), incident_id) for incident_id, _ in self._to_renumber]
        self._bulk.update(_ITABLE, ("number",), numbers)
        self._highest = max(self._highest, number_value(numbers[-1][0]) or 0)
        now = self._ctx.clock.now()
        self._bulk.insert(
            _TTABLE,
            EVENT_COLUMNS,
            [
                (
                    now,
                    self._ctx.actor.agent_id,
                    "renumbered",
                    f"Imported from {source}, where it is {in_file}: this desk has an "
                    f"incident {in_file} of its own, so this one is {here}",
                    {"source": source, "number_in_file": in_file},
                    False,
                    incident_id,
                )
                for (here, _), (incident_id, in_file) in zip(
                    numbers, self._to_renumber, strict=True
                )
            ],
        )
        self.renumbered = [
            Renumbered(in_file, here)
            for (here, _), (_, in_file) in zip(numbers, self._to_renumber, strict=True)
        ]
        self.tally.events += len(numbers)

    def _people(self, names: Names) -> tuple[Any, ...]:
        """The incident's PEOPLE_COLUMNS."""
        _, caller, agent, team = names
        return (
            self._contacts.get(caller) if caller else None,
            self._agents.get(agent) if agent else None,
            self._teams.get(team) if team else None,
        )

    def _write_events(self, batch: PreparedBatch, ids: dict[str, int], existing: set[int]) -> None:
        # The events already there, their times in the database's form (as the driver reads
        # them), compared with the new events' times in that same form.
        seen = set(
            self._bulk.where(
                _TTABLE, ("incident_id", "at", "kind", "summary"), "incident_id", sorted(existing)
            )
        )
        # The rows are in the form the database takes already (`prepared`): the incident's id
        # is joined on, no second pass over them.
        rows: list[tuple[Any, ...]] = []
        for (number, *_), events in zip(batch.names, batch.events, strict=True):
            incident_id = ids[number]
            tail = (incident_id,)
            if incident_id in existing:
                rows += [
                    event + tail
                    for event in events
                    if (incident_id, event[0], event[2], event[3]) not in seen
                ]
            else:
                rows += [event + tail for event in events]
        if rows:
            self._bulk.insert(_TTABLE, EVENT_COLUMNS, rows, ready=EVENT_COLUMNS)
        self.tally.events += len(rows)

    def _ensure_people(self, chunk: list[Names]) -> None:
        teams = {team for *_, team in chunk if team and team not in self._teams}
        if teams:
            self._bulk.insert(_TEAMS, ("name",), [(t[:120],) for t in sorted(teams)])
            self._teams.update(self._bulk.ids(_TEAMS, "name", teams))
        agents = {agent for _, _, agent, _ in chunk if agent and agent not in self._agents}
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
        callers = {caller for _, caller, *_ in chunk if caller and caller not in self._contacts}
        if callers:
            self._bulk.insert(
                _CONTACTS,
                ("name", "external_ref", "vip"),
                [(c[:200], c[:120], False) for c in sorted(callers)],
            )
            self._contacts.update(self._bulk.ids(_CONTACTS, "external_ref", callers))


def _same(value: Any) -> Any:
    return value


def _free_numbers(bulk: BulkRows, start: int) -> Iterator[str]:
    """Incident numbers from `start` on that no incident has, a hundred looked up at a time."""
    for first in count(start, 100):
        numbers = [incident_number(value) for value in range(first, first + 100)]
        used = bulk.ids(_ITABLE, "number", numbers)
        yield from (number for number in numbers if number not in used)


def _login(name: str) -> str:
    return "import." + "_".join(name.lower().split())[:100]
