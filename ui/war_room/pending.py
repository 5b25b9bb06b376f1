"""Changes made in the war room while the database was unreachable, shown until they arrive.

The outbox keeps them (app/services/offline/outbox.py); this overlay lays them over the last
snapshot the war room read, so a tick shows ticked, a note sits on the timeline, a call in the
call log and an update in the history with the countdown moved on, each marked as waiting to
send. A change leaves the overlay when the outbox reports it sent (or refused); the snapshot
read after that shows what the database holds.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TypeVar

from app.domain.status_update import IncidentFacts, facts_after_update
from app.services.calls.dto import CallRow
from app.services.context import Actor
from app.services.incidents.dto import TimelineEntry
from app.services.offline.operations import AddNote, Change, LogCall, PostUpdate, TickItem
from app.services.offline.unsent_updates import unsent_update
from app.services.war_room.dto import ChecklistRow, PostedUpdate, UpdateDraft, WarRoomSnapshot

WAITING_TEXT = "waiting to send"
WAITING_TIP = "Saved on this computer; it will be sent when the database is back."


@dataclass(frozen=True)
class Waiting:
    """What the lists mark as waiting to send."""

    items: frozenset[int] = frozenset()  # checklist items with a kept tick or untick
    rows: frozenset[int] = frozenset()  # stand-in ids of kept notes, calls and updates


NOTHING_WAITING = Waiting()


@dataclass(frozen=True)
class _Tick:
    op_id: str
    done: bool
    at: datetime
    by: str


class PendingChanges:
    """The kept changes of one war room, newest last, keyed by the outbox's operation ids."""

    def __init__(self) -> None:
        self._ticks: dict[int, _Tick] = {}  # item id: the latest kept tick or untick
        self._notes: list[tuple[str, TimelineEntry]] = []
        self._calls: list[tuple[str, CallRow]] = []
        self._updates: list[tuple[str, PostedUpdate, UpdateDraft]] = []
        # Kept rows have no database id yet: negative stand-ins never clash with real ones.
        self._keys = itertools.count(-1, -1)

    def __len__(self) -> int:
        return len(self._ticks) + len(self._notes) + len(self._calls) + len(self._updates)

    @property
    def waiting(self) -> Waiting:
        rows = {note.id for _, note in self._notes} | {call.id for _, call in self._calls}
        rows |= {posted.update.id for _, posted, _ in self._updates}
        return Waiting(frozenset(self._ticks), frozenset(rows))

    def keep(
        self, change: Change[object], shown: WarRoomSnapshot, now: datetime, actor: Actor
    ) -> None:
        """Show `change` (kept by the outbox at `now`) over `shown`, the snapshot on screen."""
        if isinstance(change, TickItem):
            self._ticks[change.item_id] = _Tick(change.op_id, change.done, now, actor.name)
        elif isinstance(change, AddNote):
            note = TimelineEntry(
                next(self._keys), change.incident_id, now, actor.name, "note", change.text,
                change.pinned,
            )  # fmt: skip
            self._notes.append((change.op_id, note))
        elif isinstance(change, LogCall):
            self._calls.append((change.op_id, self._call_row(change, shown, now, actor)))
        elif isinstance(change, PostUpdate):
            # The same rules and words the database will use when the update arrives. (The
            # war room checked the draft by them before posting it.)
            posted = unsent_update(
                shown, change.draft, now, author=actor.name, key=next(self._keys)
            )
            self._updates.append((change.op_id, posted, change.checked(now).draft))

    def settle(self, op_ids: Iterable[str]) -> None:
        """These changes reached the database (or it refused them): the next read shows them."""
        done = set(op_ids)
        self._ticks = {k: t for k, t in self._ticks.items() if t.op_id not in done}
        self._notes = [(op, row) for op, row in self._notes if op not in done]
        self._calls = [(op, row) for op, row in self._calls if op not in done]
        self._updates = [entry for entry in self._updates if entry[0] not in done]

    def clear(self) -> None:
        self._ticks.clear()
        self._notes.clear()
        self._calls.clear()
        self._updates.clear()

    def apply(self, snapshot: WarRoomSnapshot) -> WarRoomSnapshot:
        """The snapshot as the war room shows it: what was read, with the kept changes on top."""
        if not len(self):
            return snapshot
        incident = snapshot.incident
        updates = snapshot.updates
        if self._updates:
            updates = (*(posted.update for _, posted, _ in reversed(self._updates)), *updates)
            # The countdown moves on from the last update posted, sent or not, and the header
            # and the callers' panel say what those updates say (ETA, workaround, words).
            facts = IncidentFacts(incident.eta, incident.workaround, incident.public_message)
            for _, posted, draft in self._updates:
                body = replace(draft.body, next_update_at=posted.next_update_due)
                facts = facts_after_update(facts, draft.audience, body, final=draft.final)
            incident = replace(
                incident,
                next_update_due=self._updates[-1][1].next_update_due,
                eta=facts.eta,
                workaround=facts.workaround,
                public_message=facts.public_message,
            )
        return replace(
            snapshot,
            incident=incident,
            checklist=tuple(self._ticked(row) for row in snapshot.checklist),
            calls=_newest_first(snapshot.calls, [row for _, row in self._calls]),
            timeline=_newest_first(snapshot.timeline, [row for _, row in self._notes]),
            updates=updates,
        )

    def _ticked(self, row: ChecklistRow) -> ChecklistRow:
        tick = self._ticks.get(row.id)
        if tick is None:
            return row
        if not tick.done:
            return replace(row, done_at=None, done_by="")
        if row.done_at is not None:
            return row  # a colleague's tick arrived first; ours will change nothing
        return replace(row, done_at=tick.at, done_by=tick.by)

    def _call_row(
        self, change: LogCall, shown: WarRoomSnapshot, now: datetime, actor: Actor
    ) -> CallRow:
        draft, incident = change.checked(now).draft, shown.incident  # as it will be saved
        return CallRow(
            id=next(self._keys),
            at=now,
            caller=draft.caller_name,
            contact_id=draft.contact_id,
            vip=False,
            service_id=draft.service_id,
            service="",
            symptom=draft.symptom,
            channel=draft.channel,
            callback_wanted=draft.callback_wanted,
            callback_number=draft.callback_number,
            callback_done_at=None,
            incident_id=incident.id,
            incident_number=incident.number,
            incident_title=incident.title,
            incident_status=incident.status,
            incident_major=incident.major,
            agent=actor.name,
        )


Row = TypeVar("Row", CallRow, TimelineEntry)


def _newest_first(read: tuple[Row, ...], kept: list[Row]) -> tuple[Row, ...]:
    # Stable: a kept row goes above a read one made at the same moment.
    rows = list(reversed(kept)) + list(read)
    return tuple(sorted(rows, key=lambda row: row.at, reverse=True))
