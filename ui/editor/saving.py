"""The editor's writes, as plain functions the task runner calls off the UI thread.

A save can take more than one use case (open then assign; edit then assign then transition),
each its own transaction. When a later step fails after an earlier one was written, the result
says so, so the editor moves onto the new version and keeps the unsaved part in the form.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from app.domain.errors import CalmdeskError, RuleViolation
from app.domain.lifecycle import HoldReason, Status, check_transition
from app.services.directory.reads import Directory
from app.services.errors import InvalidInput
from app.services.incidents.commands import IncidentCommands, IncidentDraft
from app.services.incidents.dto import IncidentDetail
from ui.editor.form_values import CallerLookup, FormValues

Step = Callable[[int], IncidentDetail]  # takes the expected version


@dataclass(frozen=True)
class WriteResult:
    detail: IncidentDetail
    error: CalmdeskError | None = None  # a later step failed after `detail` was written


@dataclass(frozen=True)
class StatusMove:
    target: Status
    hold_reason: HoldReason | None = None
    resolution: str = ""


class EditorWrites:
    def __init__(self, commands: IncidentCommands, directory: Directory) -> None:
        self._commands = commands
        self._directory = directory

    def create(self, values: FormValues) -> WriteResult:
        caller = self._caller_id(values.caller)
        detail = self._commands.open(
            IncidentDraft(
                title=values.title,
                impact=values.impact,
                urgency=values.urgency,
                description=values.description,
                service_id=values.service_id,
                caller_id=caller,
                channel=values.channel,
            )
        )
        steps = []
        if values.assignee_id is not None or values.team_id is not None:
            steps.append(self._assign(detail.id, (values.assignee_id, values.team_id)))
        return _run(detail, steps)

    def update(
        self,
        incident_id: int,
        version: int,
        edits: Mapping[str, object],
        assignment: tuple[int | None, int | None] | None,
    ) -> WriteResult:
        return _run_from(version, self._edit_steps(incident_id, edits, assignment))

    def move(
        self,
        base: IncidentDetail,
        edits: Mapping[str, object],
        assignment: tuple[int | None, int | None] | None,
        move: StatusMove,
    ) -> WriteResult:
        """Save pending edits, then move the status: one click for "fix the text and resolve"."""
        resolving = move.target == Status.RESOLVED
        try:
            check_transition(
                base.status, move.target, hold_reason=move.hold_reason, resolution=move.resolution
            )
        except RuleViolation as exc:
            if resolving and not move.resolution.strip():
                raise InvalidInput("resolution", str(exc)) from None
            raise
        if resolving:  # the transition writes the resolution itself
            edits = {k: v for k, v in edits.items() if k != "resolution"}
        steps = self._edit_steps(base.id, edits, assignment)
        steps.append(
            lambda version: self._commands.transition(
                base.id,
                version,
                move.target,
                hold_reason=move.hold_reason,
                resolution=move.resolution if resolving else None,
            )
        )
        return _run_from(base.version, steps)

    # -- helpers ------------------------------------------------------------------------------

    def _edit_steps(
        self,
        incident_id: int,
        edits: Mapping[str, object],
        assignment: tuple[int | None, int | None] | None,
    ) -> list[Step]:
        steps: list[Step] = []
        if edits:
            resolved = dict(edits)
            if "caller_id" in resolved:
                resolved["caller_id"] = self._caller_id(resolved["caller_id"])
            steps.append(lambda version: self._commands.edit(incident_id, version, resolved))
        if assignment is not None:
            steps.append(self._assign(incident_id, assignment))
        return steps

    def _assign(self, incident_id: int, assignment: tuple[int | None, int | None]) -> Step:
        assignee_id, team_id = assignment
        return lambda version: self._commands.assign(
            incident_id, version, assignee_id=assignee_id, team_id=team_id
        )

    def _caller_id(self, caller: object) -> int | None:
        """A typed caller name becomes a contact id when exactly one contact has that name."""
        if not isinstance(caller, CallerLookup):
            return caller if isinstance(caller, int) else None
        found = self._directory.find_contacts(caller.text)
        exact = [c for c in found if c.name.casefold() == caller.text.casefold()]
        if len(exact) == 1:
            return exact[0].id
        if exact:
            raise InvalidInput(
                "caller_id",
                f"{len(exact)} callers are called “{caller.text}”; "
                "pick the right one from the list.",
            )
        raise InvalidInput(
            "caller_id",
            f"No caller is called “{caller.text}”. Pick one from the list, or leave it empty.",
        )


def _run(first: IncidentDetail, steps: list[Step]) -> WriteResult:
    detail = first
    for step in steps:
        try:
            detail = step(detail.version)
        except CalmdeskError as exc:
            return WriteResult(detail, exc)
    return WriteResult(detail)


def _run_from(version: int, steps: list[Step]) -> WriteResult:
    if not steps:
        raise ValueError("nothing to write")  # the editor does not submit an empty save
    first = steps[0](version)  # nothing written yet: its error goes straight to the editor
    return _run(first, steps[1:])
