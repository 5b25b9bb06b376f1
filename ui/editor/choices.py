"""What the editor's pickers offer, fetched once off the UI thread."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.priority import PriorityMatrix
from app.services.directory.reads import Directory
from app.services.directory.reference import ReferenceReads
from app.services.incidents.dto import AgentInfo, NamedRef


@dataclass(frozen=True)
class EditorChoices:
    services: list[NamedRef]
    agents: list[AgentInfo]
    teams: list[NamedRef]
    matrix: PriorityMatrix


def fetch_choices(directory: Directory, reference: ReferenceReads) -> EditorChoices:
    return EditorChoices(
        services=directory.services(),
        agents=directory.agents(),
        teams=directory.teams(),
        matrix=reference.priority_matrix(),
    )
