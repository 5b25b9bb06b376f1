"""What the incident form holds, as a plain frozen value, and how it differs from what was loaded.

The editor sends only the fields a person changed, so a colleague's change to another field is
never overwritten; that diff lives here, away from the widgets, so it is easy to test.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.domain.priority import Impact, Urgency
from app.services.incidents.dto import IncidentDetail

# Plain fields edited through IncidentCommands.edit, in form order.
PLAIN_FIELDS = ("title", "description", "service_id", "channel", "impact", "urgency", "resolution")


@dataclass(frozen=True)
class CallerLookup:
    """Caller text typed but not picked from the list: the save resolves it to a contact."""

    text: str


@dataclass(frozen=True)
class FormValues:
    title: str = ""
    description: str = ""
    service_id: int | None = None
    caller_id: int | None = None  # set when a contact was picked (or loaded)
    caller_text: str = ""
    channel: str = "phone"
    impact: int = int(Impact.MEDIUM)
    urgency: int = int(Urgency.MEDIUM)
    assignee_id: int | None = None
    team_id: int | None = None
    resolution: str = ""

    @classmethod
    def from_detail(cls, detail: IncidentDetail) -> FormValues:
        return cls(
            title=detail.title,
            description=detail.description,
            service_id=detail.service_id,
            caller_id=detail.caller_id,
            caller_text=detail.caller,
            channel=detail.channel,
            impact=detail.impact,
            urgency=detail.urgency,
            assignee_id=detail.assignee_id,
            team_id=detail.team_id,
            resolution=detail.resolution,
        )

    @property
    def caller(self) -> int | CallerLookup | None:
        """The caller as the save should send it: an id, a name still to look up, or nobody."""
        if not self.caller_text.strip():
            return None
        if self.caller_id is not None:
            return self.caller_id
        return CallerLookup(self.caller_text.strip())

    def edits_since(self, base: FormValues) -> dict[str, object]:
        """The plain fields (and caller) this form changed relative to `base`."""
        changes: dict[str, object] = {}
        for field in PLAIN_FIELDS:
            mine, theirs = getattr(self, field), getattr(base, field)
            if _normal(field, mine) != _normal(field, theirs):
                changes[field] = mine
        if self.caller != base.caller:
            changes["caller_id"] = self.caller
        return changes

    def assignment_since(self, base: FormValues) -> tuple[int | None, int | None] | None:
        """(assignee_id, team_id) when either changed relative to `base`, else None."""
        if (self.assignee_id, self.team_id) == (base.assignee_id, base.team_id):
            return None
        return self.assignee_id, self.team_id

    def changed_fields(self, base: FormValues) -> list[str]:
        """Every field changed relative to `base`, named as the services name them."""
        fields = list(self.edits_since(base))
        fields += [f for f in ("assignee_id", "team_id") if getattr(self, f) != getattr(base, f)]
        return fields

    def differs_from(self, base: FormValues) -> bool:
        return bool(self.edits_since(base)) or self.assignment_since(base) is not None


def _normal(field: str, value: object) -> object:
    # The services trim text; a trailing space is not a change worth a timeline entry.
    if field == "title" and isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, str):
        return value.strip()
    return value


# Fields compared one by one when a write comes back; the caller's id and text go together.
_GROUPS: tuple[tuple[str, ...], ...] = (
    *((f,) for f in PLAIN_FIELDS),
    ("caller_id", "caller_text"),
    ("assignee_id",),
    ("team_id",),
)


def after_write(saved: FormValues, current: FormValues, submitted: FormValues) -> FormValues:
    """What the form shows once a write came back.

    `saved` is the incident as written, `current` the form now, `submitted` the form when the
    write started. Anything typed while the write was on its way stays. Every other field shows
    the saved value, so a colleague's change to a field this person left alone appears instead
    of being sent back on the next save.
    """
    merged: dict[str, Any] = {}  # the fields of FormValues, each taken from one of them
    for group in _GROUPS:
        typed_since = any(getattr(current, f) != getattr(submitted, f) for f in group)
        source = current if typed_since else saved
        for field in group:
            merged[field] = getattr(source, field)
    return FormValues(**merged)
