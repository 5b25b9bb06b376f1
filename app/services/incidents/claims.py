"""Assign to me, when several agents click at once: exactly one gets the incident, and the others
are told who did. The incident's version decides (PostgreSQL also locks the row while checking),
so the race has one winner however the clicks interleave."""

from __future__ import annotations

from app.domain.errors import CalmdeskError
from app.services.context import ServiceContext
from app.services.errors import EditConflict
from app.services.incidents.commands import IncidentCommands
from app.services.incidents.dto import IncidentDetail


class AlreadyTaken(CalmdeskError):
    """Someone else assigned the incident to themselves (or was assigned it) first."""

    def __init__(self, number: str, by: str, current: IncidentDetail) -> None:
        super().__init__(f"{by} took {number} first; it is assigned to them now.")
        self.number = number
        self.by = by
        self.current = current


class Claims:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx
        self._commands = IncidentCommands(ctx)

    def assign_to_me(self, incident_id: int, expected_version: int) -> IncidentDetail:
        me = self._ctx.actor.agent_id
        try:
            return self._commands.assign(incident_id, expected_version, assignee_id=me)
        except EditConflict as conflict:
            current = conflict.current
            if current.assignee_id == me:
                return current  # my own earlier click, or someone gave it to me
            if current.assignee_id is not None:
                raise AlreadyTaken(current.number, current.assignee or "someone", current) from None
            # Changed meanwhile, but still nobody's (a title edit, a note): taking it conflicts
            # with nothing, so take it at the current version. A racer there loses as above.
            try:
                return self._commands.assign(incident_id, current.version, assignee_id=me)
            except EditConflict as again:
                if again.current.assignee_id not in (None, me):
                    raise AlreadyTaken(
                        again.current.number, again.current.assignee or "someone", again.current
                    ) from None
                raise
