"""Errors raised by the use cases, each with a message a person can act on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.domain.errors import CalmdeskError, RuleViolation

if TYPE_CHECKING:
    from app.services.incidents.dto import IncidentDetail


class NotFound(CalmdeskError):
    """The record does not exist (any more)."""


class InvalidInput(CalmdeskError):
    """A field's value is not acceptable; `field` names it for inline validation."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class EditConflict(CalmdeskError):
    """Someone else changed the record after it was read. Names who changed what, and carries the
    current state so the editor can show it and let the agent reapply or discard."""

    def __init__(
        self, number: str, changed_by: list[str], fields: list[str], current: IncidentDetail
    ) -> None:
        who = ", ".join(changed_by) or "someone"
        what = ", ".join(fields) or "it"
        super().__init__(
            f"{who} changed {what} on {number} while you were editing. "
            "Review their change, then reapply or discard yours."
        )
        self.changed_by = changed_by
        self.fields = fields
        self.current = current


class AlreadyCovered(RuleViolation):
    """An open major incident already covers the service: a colleague declared it first."""

    def __init__(self, major_id: int, number: str, service: str, commander: str) -> None:
        super().__init__(
            f"{commander or 'A colleague'} already declared {number}, which covers {service}."
        )
        self.major_id = major_id
        self.number = number
        self.service = service
        self.commander = commander
