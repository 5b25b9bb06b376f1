"""Keep working when the database is unreachable: the offline outbox.

Durable at Enter: `keep` writes a change to the outbox file before anything else happens (the
form clears, the console says a word), so a crash at any moment after it loses nothing; `send`
then applies it, as of the moment it was kept, and takes it out of the outbox. When the database
does not answer the change simply stays, and the console says so; `reconnect` checks the
database and replays what is waiting, in the order it was made. A change the database refuses
when it is first sent (bad input, a rule) is taken out again and the refusal raised, as online;
one it refuses on a later replay (the incident was resolved meanwhile, the checklist item
removed) is a conflict: it stays in the outbox, with the reason, for the agent to see, retry or
discard. Nothing is dropped silently.

Which database: entries are tied to the identity stored in the database (app/db/identity.py),
learned on the first answer, so they are found and sent whatever address reaches it; entries
kept for another database are counted (`OutboxStatus.elsewhere`) and listed, never sent there.

Exactly once: every change carries an id the console made (a call's `client_uuid`, otherwise a
receipt in `applied_operations`, app/services/offline/receipts.py), written in the change's own
transaction. So a change whose commit reached the database just before the connection dropped
is found, not repeated, when it is replayed.

Order: new changes queue behind what is waiting instead of overtaking it.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Generic, TypeVar, cast

from app.adapters.outbox_store import CONFLICT, WAITING, Destination, OutboxEntry, OutboxStore
from app.db.engine import check_connection
from app.db.identity import database_identity
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
    elsewhere: int = 0  # changes kept for another database: shown, not sent from here

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


@dataclass(frozen=True)
class _Refused:
    error: Exception


class Outbox:
    """Thread-safe: the console keeps changes on its UI thread and sends them from workers."""

    def __init__(self, ctx: ServiceContext, store: OutboxStore) -> None:
        self._ctx = ctx
        self._store = store
        place = ctx.db.description
        self._destination = Destination(store.known(place), place)
        self._identity_checked = False
        # One send or replay at a time, so a replay and a new change never overtake each other.
        # Held while the database is asked (seconds, on a bad line): never taken by `keep` or
        # `status`, which the UI thread calls.
        self._lock = threading.RLock()
        self._state_lock = threading.Lock()  # the few fields below, for a moment each
        self._offline_since: datetime | None = None
        self._reason = ""
        # Kept this session and not yet answered by their `send`: sent by their own object
        # (which may do more than its read-back would: LogCallAsNewIncident).
        self._awaiting: dict[str, Change[object]] = {}
        self._outcomes: dict[str, Sent[object] | _Refused] = {}  # for their `send` to report

    def status(self) -> OutboxStatus:
        destination = self._destination
        with self._state_lock:
            since, reason = self._offline_since, self._reason
        return OutboxStatus(
            since,
            reason,
            self._store.count(destination, WAITING),
            self._store.count(destination, CONFLICT),
            self._store.count_elsewhere(destination),
        )

    def entries(self) -> list[OutboxEntry]:
        """Everything kept for this database, waiting and in conflict, oldest first."""
        return self._store.entries(self._destination)

    def elsewhere(self) -> list[OutboxEntry]:
        """Changes kept on this computer for other databases: not sent from here."""
        return self._store.elsewhere(self._destination)

    def is_here(self, entry: OutboxEntry) -> bool:
        """Whether `entry` is for the database this console uses."""
        destination = self._destination
        if entry.database:
            return entry.database == destination.database
        return entry.place == destination.place

    # -- changes -------------------------------------------------------------------------------

    def keep(self, change: Change[Result]) -> Change[Result]:
        """Check the change and write it to the outbox: durable on this computer when this
        returns. Raises for bad input (nothing kept) or an outbox that cannot be written. Fast
        (a local file), never waits for the database: safe on the UI thread. Then `send` what
        it returns."""
        change = change.checked(self._ctx.clock.now())  # refuse bad input now, not on replay
        with self._state_lock:
            self._awaiting[change.op_id] = change
        try:
            self._store.add(
                op_id=change.op_id,
                destination=self._destination,
                agent_id=self._ctx.actor.agent_id,
                kind=change.kind,
                payload=change.payload(),
                summary=change.summary(),
                recorded_at=self._ctx.clock.now(),
            )
        except CalmdeskError:
            with self._state_lock:
                self._awaiting.pop(change.op_id, None)
            raise
        return change

    def send(self, change: Change[Result]) -> Sent[Result] | Kept:
        """Send a kept change (and what waits before it), unless the database is known to be
        away. Sent: it reached the database. Kept: it waits in the outbox. A refusal raises, and
        the change is taken out of the outbox (the agent is told, with what they typed)."""
        op_id = change.op_id
        with self._lock:
            with self._state_lock:
                online = self._offline_since is None
            if online:
                self._replay_locked(upto=op_id)
            with self._state_lock:
                self._awaiting.pop(op_id, None)
                outcome = self._outcomes.pop(op_id, None)
            if isinstance(outcome, _Refused):
                raise outcome.error
            if outcome is not None:
                return cast(Sent[Result], outcome)  # made by this change's own apply
            entry = self._store.get(op_id)
            if entry is not None and entry.state == CONFLICT:
                raise CalmdeskError(entry.problem)  # refused earlier, still in the outbox
            return Kept(self.status())

    def submit(self, change: Change[Result]) -> Sent[Result] | Kept:
        """`keep`, then `send`: for callers that do both on one thread."""
        return self.send(self.keep(change))

    def note_unavailable(self, reason: str) -> None:
        """Another part of the console found the database unreachable."""
        self._went_offline(reason)

    def find_kept(self) -> OutboxStatus:
        """At start-up: ask the database who it is, so changes kept for it under another
        address are found. Raises DatabaseUnavailable while it cannot be reached."""
        with self._lock:
            self._learn_identity_locked(force=True)
        return self.status()

    def reconnect(self) -> ReplayReport:
        """Check the database answers (a fresh connection), then send what is waiting. Raises
        DatabaseUnavailable while it is still away."""
        try:
            check_connection(self._ctx.db)
        except DatabaseUnavailable as exc:
            self.note_unavailable(str(exc))
            raise
        with self._lock:
            with self._state_lock:
                self._offline_since, self._reason = None, ""
            return self._replay_locked()

    def retry(self, op_id: str) -> ReplayReport:
        """Put a conflicting change back in line and try to send it again."""
        with self._lock:
            self._store.retry(op_id)
            return self._replay_locked()

    def discard(self, op_id: str) -> None:
        """The agent decided a change is not needed any more (refused, or for another
        database)."""
        with self._lock:
            self._store.remove(op_id)

    # -- inside the lock -----------------------------------------------------------------------

    def _went_offline(self, reason: str) -> None:
        with self._state_lock:
            if self._offline_since is None:
                self._offline_since = self._ctx.clock.now()
                log.warning("Database unreachable, keeping changes in the outbox: %s", reason)
            self._reason = reason

    def _learn_identity_locked(self, force: bool = False) -> None:
        """Ask the database its identity once (raises DatabaseUnavailable), and tie what was
        kept at this address without one to it."""
        if self._identity_checked and not force:
            return
        identity = database_identity(self._ctx.db)
        self._identity_checked = True
        if identity and identity != self._destination.database:
            self._destination = Destination(identity, self._destination.place)
        if identity:
            self._store.adopt(self._destination)

    def _replay_locked(self, upto: str | None = None) -> ReplayReport:
        """Send what waits, oldest first. A replay for a `send` (upto) stops after that change;
        one from a reconnect stops before the first change whose `send` has not run yet."""
        sent: list[OutboxEntry] = []
        conflicts: list[tuple[OutboxEntry, str]] = []
        try:
            self._learn_identity_locked()
        except DatabaseUnavailable as exc:
            self._went_offline(str(exc))
            return ReplayReport((), (), self.status())
        for entry in self._store.entries(self._destination, state=WAITING):
            with self._state_lock:
                own = self._awaiting.get(entry.op_id)
            awaiting = own is not None
            if awaiting and upto is None:
                break  # its own send comes next, and everything after it is newer
            if entry.agent_id != self._ctx.actor.agent_id:
                continue  # another agent's change, made on this workstation: theirs to send
            try:
                change = own if own is not None else read_change(entry.kind, entry.payload)
                # Recorded at the database's time; a change that waited (kept while the database
                # was away) also records the moment the agent made it, beside it.
                made_at = None if awaiting else entry.recorded_at
                result: object = change.apply(replace(self._ctx, made_at=made_at))
            except DatabaseUnavailable as exc:
                self._store.mark_attempt(entry.op_id)
                self._went_offline(str(exc))
                break
            except CalmdeskError as exc:
                self._refused(entry, exc, awaiting, conflicts)
                if entry.op_id == upto:
                    break
                continue
            except Exception as exc:  # a bug must not hold up everything behind it
                log.exception("Could not replay outbox entry %s", entry.op_id)
                self._refused(entry, exc, awaiting, conflicts)
                if entry.op_id == upto:
                    break
                continue
            self._store.remove(entry.op_id)
            sent.append(entry)
            if awaiting:
                with self._state_lock:
                    self._outcomes[entry.op_id] = Sent(result)
            if entry.op_id == upto:
                break
        if sent or conflicts:
            log.info("Outbox replay: %d sent, %d refused", len(sent), len(conflicts))
        return ReplayReport(tuple(sent), tuple(conflicts), self.status())

    def _refused(
        self,
        entry: OutboxEntry,
        exc: Exception,
        awaiting: bool,
        conflicts: list[tuple[OutboxEntry, str]],
    ) -> None:
        refusal = isinstance(exc, CalmdeskError)
        if awaiting:  # its `send` raises it: the agent is told now, as when online
            with self._state_lock:
                self._outcomes[entry.op_id] = _Refused(exc)
            if refusal:  # the form shows it with what they typed, to correct
                self._store.remove(entry.op_id)
                return
        problem = (
            str(exc)
            if refusal
            else "Calmdesk could not send this change; the details are in the log file."
        )
        self._store.mark_conflict(entry.op_id, problem)
        conflicts.append((entry, problem))
