"""The changes a console keeps making while the database is unreachable: log a call, add a note,
tick a checklist item, post a status update. Each is a small frozen value with an id the console
made, that can be checked before it is kept, written to the outbox as JSON, read back, and
applied through the same service call the console makes when it is online.

Only changes that never need an answer from the database to make sense are here: a call, a note
or a tick means the same thing an hour later. Opening or editing an incident does not (numbers
are issued by the database, and edits are checked against a colleague's), so those wait for it.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from app.domain.errors import CalmdeskError
from app.domain.status_update import Audience, UpdateBody
from app.services.calls.dto import CallDraft
from app.services.context import ServiceContext
from app.services.war_room.dto import UpdateDraft

# The service calls a change makes are imported when it is checked or applied: the console
# builds its outbox at start, long before it keeps or sends anything.
if TYPE_CHECKING:
    from app.services.calls.dto import LoggedCall
    from app.services.incidents.dto import IncidentDetail
    from app.services.war_room.dto import ChecklistRow, PostedUpdate


class UnreadableChange(CalmdeskError):
    """An outbox entry that this version of Calmdesk cannot read back."""


Result = TypeVar("Result", covariant=True)


class Change(Protocol[Result]):
    """What the outbox needs of a change; `Result` is what its service call returns, so the
    console's callback for a change sent at once is checked against it."""

    @property
    def kind(self) -> str: ...

    @property
    def op_id(self) -> str: ...

    def checked(self, now: datetime) -> Change[Result]: ...

    def summary(self) -> str: ...

    def apply(self, ctx: ServiceContext) -> Result: ...

    def payload(self) -> dict[str, Any]: ...


def new_op_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class LogCall:
    draft: CallDraft

    kind = "call"

    @property
    def op_id(self) -> str:
        return self.draft.client_uuid  # the call's own save key

    def checked(self, now: datetime) -> LogCall:
        from app.services.calls.drafts import checked_call_draft

        return LogCall(checked_call_draft(self.draft))

    def summary(self) -> str:
        who = self.draft.caller_name or "an unnamed caller"
        what = f": {self.draft.symptom}" if self.draft.symptom else ""
        return f"Call from {who}{what}"

    def apply(self, ctx: ServiceContext) -> LoggedCall:
        from app.services.calls.commands import CallCommands

        return CallCommands(ctx).log_call(self.draft)

    def payload(self) -> dict[str, Any]:
        return asdict(self.draft)

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> LogCall:
        return cls(CallDraft(**payload))


@dataclass(frozen=True)
class LogCallAsNewIncident:
    """A call that opens a new incident when the database answers at once. Its outbox entry is
    a plain call (kind "call"): kept because the database was away, it is sent as a call, and
    the agent opens its incident from the call list (a number needs the database)."""

    draft: CallDraft

    kind = "call"

    @property
    def op_id(self) -> str:
        return self.draft.client_uuid

    def checked(self, now: datetime) -> LogCallAsNewIncident:
        from app.services.calls.drafts import checked_call_draft

        return LogCallAsNewIncident(checked_call_draft(self.draft))

    def summary(self) -> str:
        return LogCall(self.draft).summary()

    def apply(self, ctx: ServiceContext) -> tuple[LoggedCall, IncidentDetail]:
        from app.services.calls.commands import CallCommands

        return CallCommands(ctx).log_call_as_new_incident(self.draft)

    def payload(self) -> dict[str, Any]:
        return LogCall(self.draft).payload()


@dataclass(frozen=True)
class AddNote:
    incident_id: int
    text: str
    incident_number: str = ""  # for the outbox list only
    pinned: bool = False
    op_id: str = field(default_factory=new_op_id)

    kind = "note"

    def checked(self, now: datetime) -> AddNote:
        from app.services.incidents.commands import checked_note

        return AddNote(
            self.incident_id, checked_note(self.text), self.incident_number, self.pinned, self.op_id
        )

    def summary(self) -> str:
        return f"Note on {self.incident_number or self.incident_id}: {self.text[:80]}"

    def apply(self, ctx: ServiceContext) -> int:
        from app.services.incidents.commands import IncidentCommands

        return IncidentCommands(ctx).add_note(
            self.incident_id, self.text, pinned=self.pinned, op_id=self.op_id
        )

    def payload(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> AddNote:
        return cls(**payload)


@dataclass(frozen=True)
class TickItem:
    item_id: int
    done: bool
    text: str = ""  # the item's words, for the outbox list only
    op_id: str = field(default_factory=new_op_id)

    kind = "checklist"

    def checked(self, now: datetime) -> TickItem:
        return self

    def summary(self) -> str:
        return f"{'Tick' if self.done else 'Untick'}: {self.text or f'item {self.item_id}'}"

    def apply(self, ctx: ServiceContext) -> ChecklistRow:
        from app.services.war_room.commands import WarRoomCommands

        return WarRoomCommands(ctx).set_item_done(self.item_id, self.done, op_id=self.op_id)

    def payload(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> TickItem:
        return cls(**payload)


@dataclass(frozen=True)
class PostUpdate:
    incident_id: int
    draft: UpdateDraft
    incident_number: str = ""  # for the outbox list only
    op_id: str = field(default_factory=new_op_id)

    kind = "status_update"

    def checked(self, now: datetime) -> PostUpdate:
        from app.services.war_room.status_updates import checked_body

        body = checked_body(self.draft.body, now, final=self.draft.final)
        draft = UpdateDraft(self.draft.audience, body, self.draft.final)
        return PostUpdate(self.incident_id, draft, self.incident_number, self.op_id)

    def summary(self) -> str:
        kind = "Final update" if self.draft.final else "Update"
        where = self.incident_number or self.incident_id
        return (
            f"{kind} on {where} to {self.draft.audience.short.lower()}: "
            + (self.draft.body.what_happened[:80])
        )

    def apply(self, ctx: ServiceContext) -> PostedUpdate:
        from app.services.war_room.status_updates import StatusUpdates

        return StatusUpdates(ctx).post(self.incident_id, self.draft, op_id=self.op_id)

    def payload(self) -> dict[str, Any]:
        body = self.draft.body
        return {
            "incident_id": self.incident_id,
            "incident_number": self.incident_number,
            "op_id": self.op_id,
            "audience": self.draft.audience.value,
            "final": self.draft.final,
            "body": {
                "what_happened": body.what_happened,
                "current_impact": body.current_impact,
                "actions": body.actions,
                "workaround": body.workaround,
                "eta": _moment_text(body.eta),
                "next_update_at": _moment_text(body.next_update_at),
            },
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> PostUpdate:
        body = dict(payload["body"])
        body["eta"] = _moment(body["eta"])
        body["next_update_at"] = _moment(body["next_update_at"])
        draft = UpdateDraft(Audience(payload["audience"]), UpdateBody(**body), payload["final"])
        return cls(payload["incident_id"], draft, payload["incident_number"], payload["op_id"])


OfflineChange = LogCall | AddNote | TickItem | PostUpdate
_KINDS: dict[str, type[LogCall] | type[AddNote] | type[TickItem] | type[PostUpdate]] = {
    kind.kind: kind for kind in (LogCall, AddNote, TickItem, PostUpdate)
}


def read_change(kind: str, payload: dict[str, Any]) -> OfflineChange:
    """An outbox entry back as a change; UnreadableChange if it is damaged or unknown."""
    try:
        return _KINDS[kind].from_payload(payload)
    except (KeyError, TypeError, ValueError) as exc:
        raise UnreadableChange(
            f"This saved change ({kind}) cannot be read back ({exc}); copy it from the outbox "
            "list and enter it again."
        ) from None


def _moment_text(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text is not None else None
