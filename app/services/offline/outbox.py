"""Keep working when the database is unreachable: the offline outbox.

`submit` applies a change at once when the database answers. When it does not, the change is
kept in the outbox file (durable when `submit` returns) and the console says so; `reconnect`
checks the database and replays what is waiting, in the order it was made, each as of the moment
it was made. A change the database refuses on replay (the incident was resolved meanwhile, the
checklist item removed) is a conflict: it stays in the outbox, with the reason, for the agent to
see, retry or discard. Nothing is dropped silently.

Exactly once: every change carries an id the console made (a call's `client_uuid`, otherwise a
receipt in `applied_operations`, app/services/offline/receipts.py), written in the change's own
transaction. So a change whose commit reached the database just before the connection dropped
is found, not repeated, when it is replayed.

Order: while anything is waiting, new changes queue behind it instead of overtaking it.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Generic, TypeVar

from app.adapters.outbox_store import CONFLICT, WAITING, OutboxEntry, OutboxStore
from app.db.engine import check_connection
from app.domain.clock import FixedClock
from app.domain.errors import CalmdeskError, DatabaseUnavailable
from app.services.context import ServiceContext
from app.services.offline.operations import Change, read_change

log = logging.getLogger(__name__)

Result = TypeVar("Result")


@dataclass(frozen=True)
class OutboxStatus:
    offline_since: datetime | None  # None while the database answers
    reason: str  # why it is unreachable, in one line
    waiting: int  # changes kept, to be sent
    conflicts: int  # changes the database refused, for the agent to look at

    @property
    def offline(self) -> bool:
        return self.offline_since is not None


@dataclass(frozen=True)
class Sent(Generic[Result]):
    """The change reached the database; `result` is what the service call returned."""

    result: Result


@dataclass(frozen=True)
class Kept:
    """The database did not answer: the change is safe in the outbox and will be sent."""

    status: OutboxStatus


@dataclass(frozen=True)
class ReplayReport:
    sent: tuple[OutboxEntry, ...]
    conflicts: tuple[tuple[OutboxEntry, str], ...]  # the entry and why it was refused
    status: OutboxStatus


class Outbox:
    """Thread-safe: the console calls it from its worker threads."""

    def __init__(self, ctx: ServiceContext, store: OutboxStore) -> None:
        self._ctx = ctx
        self._store = store
        self._database = ctx.db.description
        # One change at a time, so a replay and a new change can never overtake each other.
        self._lock = threading.RLock()
        self._offline_since: datetime | None = None
        self._reason = ""

    def status(self) -> OutboxStatus:
        return OutboxStatus(
            self._offline_since,
            self._reason,
            self._store.count(self._database, WAITING),
            self._store.count(self._database, CONFLICT),
        )

    def entries(self) -> list[OutboxEntry]:
        """Everything kept for this database, waiting and in conflict, oldest first."""
        return self._store.entries(self._database)

    # -- changes -------------------------------------------------------------------------------

    def submit(self, change: Change[Result]) -> Sent[Result] | Kept:
        """Apply the change now, or keep it when the database cannot be reached. A change the
        database refuses (bad input, a rule) raises as usual and is not kept."""
        change = change.checked(self._ctx.clock.now())  # refuse bad input now, not on replay
        with self._lock:
            if self._offline_since is None and self._store.count(self._database, WAITING):
                self._replay_locked()  # what waits goes first
            if self._offline_since is None and not self._store.count(self._database, WAITING):
                try:
                    return Sent(change.apply(self._ctx))
                except DatabaseUnavailable as exc:
                    # It may have committed just before the line dropped: the replay finds it.
                    self._went_offline(str(exc))
            self._keep(change)
            return Kept(self.status())

    def note_unavailable(self, reason: str) -> None:
        """Another part of the console found the database unreachable."""
        with self._lock:
            self._went_offline(reason)

    def reconnect(self) -> ReplayReport:
        """Check the database answers (a fresh connection), then send what is waiting. Raises
        DatabaseUnavailable while it is still away."""
        try:
            check_connection(self._ctx.db)
        except DatabaseUnavailable as exc:
            self.note_unavailable(str(exc))
            raise
        with self._lock:
            self._offline_since, self._reason = None, ""
            return self._replay_locked()

    def retry(self, op_id: str) -> ReplayReport:
        """Put a conflicting change back in line and try to send it again."""
        with self._lock:
            self._store.retry(op_id)
            return self._replay_locked()

    def discard(self, op_id: str) -> None:
        """The agent decided a conflicting change is not needed any more."""
        with self._lock:
            self._store.remove(op_id)

    # -- inside the lock -----------------------------------------------------------------------

    def _keep(self, change: Change[object]) -> None:
        self._store.add(
            op_id=change.op_id,
            database=self._database,
            agent_id=self._ctx.actor.agent_id,
            kind=change.kind,
            payload=change.payload(),
            summary=change.summary(),
            recorded_at=self._ctx.clock.now(),
        )

    def _went_offline(self, reason: str) -> None:
        if self._offline_since is None:
            self._offline_since = self._ctx.clock.now()
            log.warning("Database unreachable, keeping changes in the outbox: %s", reason)
        self._reason = reason

    def _replay_locked(self) -> ReplayReport:
        sent: list[OutboxEntry] = []
        conflicts: list[tuple[OutboxEntry, str]] = []
        for entry in self._store.entries(self._database, state=WAITING):
            if entry.agent_id != self._ctx.actor.agent_id:
                continue  # another agent's change, made on this workstation: theirs to send
            try:
                change = read_change(entry.kind, entry.payload)
                # As of the moment the agent made it: the call's time, the tick's, the update's.
                change.apply(replace(self._ctx, clock=FixedClock(entry.recorded_at)))
            except DatabaseUnavailable as exc:
                self._store.mark_attempt(entry.op_id)
                self._went_offline(str(exc))
                break
            except CalmdeskError as exc:
                self._store.mark_conflict(entry.op_id, str(exc))
                conflicts.append((entry, str(exc)))
                continue
            except Exception:  # a bug must not hold up everything behind it
                log.exception("Could not replay outbox entry %s", entry.op_id)
                problem = "Calmdesk could not send this change; the details are in the log file."
                self._store.mark_conflict(entry.op_id, problem)
                conflicts.append((entry, problem))
                continue
            self._store.remove(entry.op_id)
            sent.append(entry)
        if sent or conflicts:
            log.info("Outbox replay: %d sent, %d refused", len(sent), len(conflicts))
        return ReplayReport(tuple(sent), tuple(conflicts), self.status())
