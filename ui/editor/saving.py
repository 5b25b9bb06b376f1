"""The editor's writes, as plain functions the task runner calls off the UI thread.

Each is one service call and one transaction: opening an incident (with its assignee), or saving
one (fields, assignment and a status move together). Either all of it is written or none of it;
the service's refusal, a field's error or a colleague's newer version comes back as the error,
and the form keeps everything typed.
"""

from __future__ import annotations

from collections.abc import Mapping

from app.services.directory.reads import Directory
from app.services.errors import InvalidInput
from app.services.incidents.commands import IncidentCommands, IncidentDraft
from app.services.incidents.dto import Assignment, IncidentChanges, IncidentDetail, StatusMove
from ui.editor.form_values import CallerLookup, FormValues


class EditorWrites:
    def __init__(self, commands: IncidentCommands, directory: Directory) -> None:
        self._commands = commands
        self._directory = directory

    def create(self, values: FormValues) -> IncidentDetail:
        return self._commands.open(
            IncidentDraft(
                title=values.title,
                impact=values.impact,
                urgency=values.urgency,
                description=values.description,
                service_id=values.service_id,
                caller_id=self._caller_id(values.caller),
                channel=values.channel,
                assignee_id=values.assignee_id,
                team_id=values.team_id,
            )
        )

    def save(
        self,
        incident_id: int,
        version: int,
        edits: Mapping[str, object],
        assignment: tuple[int | None, int | None] | None,
        move: StatusMove | None = None,
    ) -> IncidentDetail:
        """Pending edits and assignment, and a status move if one was clicked: "fix the text
        and resolve" is one click and one write."""
        fields = dict(edits)
        if "caller_id" in fields:
            fields["caller_id"] = self._caller_id(fields["caller_id"])
        changes = IncidentChanges(
            fields=fields,
            assignment=Assignment(*assignment) if assignment is not None else None,
            move=move,
        )
        return self._commands.save(incident_id, version, changes)

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
