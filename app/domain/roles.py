"""Who may do what. Services check every call against this table, in one place."""

from __future__ import annotations

from enum import StrEnum

from app.domain.errors import CalmdeskError


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return {Role.AGENT: 1, Role.SUPERVISOR: 2, Role.ADMIN: 3}[self]


class Action(StrEnum):
    OPEN_INCIDENT = "open an incident"
    EDIT_INCIDENT = "edit an incident"
    ASSIGN = "assign an incident"
    TRANSITION = "change an incident's status"
    CLOSE = "close an incident"
    DECLARE_MAJOR = "declare a major incident"
    LINK = "link incidents"
    ADD_NOTE = "add a note"
    LOG_CALL = "log a call"
    WORK_CHECKLIST = "tick the war-room checklist"
    POST_UPDATE = "post a status update"
    ESCALATE_VENDOR = "escalate to a vendor"
    RESOLVE_MAJOR = "resolve a major incident"
    LOAD_DEMO = "load the sample data"
    MANAGE_AGENTS = "manage agents"
    IMPORT_DATA = "import incidents from another help desk"
    WRITE_REVIEW = "write a post-incident review"
    RUN_DRILL = "start, end or clean away a drill"
    HAND_OVER_SHIFT = "write or acknowledge a shift handover"
    HAND_OVER_COMMAND = "hand over command of a major incident"
    RECORD_GESTURE = "record a goodwill gesture"
    SET_UP_STATUS_PAGE = "set up the public status page"


MINIMUM_ROLE: dict[Action, Role] = {
    Action.OPEN_INCIDENT: Role.AGENT,
    Action.EDIT_INCIDENT: Role.AGENT,
    Action.ASSIGN: Role.AGENT,
    Action.TRANSITION: Role.AGENT,
    Action.CLOSE: Role.SUPERVISOR,
    Action.DECLARE_MAJOR: Role.SUPERVISOR,
    Action.LINK: Role.AGENT,
    Action.ADD_NOTE: Role.AGENT,
    Action.LOG_CALL: Role.AGENT,
    Action.WORK_CHECKLIST: Role.AGENT,
    Action.POST_UPDATE: Role.AGENT,  # the comms lead is often an agent
    Action.ESCALATE_VENDOR: Role.AGENT,
    Action.RESOLVE_MAJOR: Role.SUPERVISOR,  # it restores services, as declaring set them
    Action.LOAD_DEMO: Role.ADMIN,
    Action.MANAGE_AGENTS: Role.ADMIN,
    Action.IMPORT_DATA: Role.ADMIN,  # it brings in history with its own authors and times
    Action.WRITE_REVIEW: Role.SUPERVISOR,  # it sets follow-up tasks for other people
    Action.RUN_DRILL: Role.SUPERVISOR,  # it fills the queue with rehearsal incidents
    Action.HAND_OVER_SHIFT: Role.SUPERVISOR,
    # The commander hands over (the service also lets any supervisor do it for them).
    Action.HAND_OVER_COMMAND: Role.AGENT,
    Action.RECORD_GESTURE: Role.AGENT,
    # Where the page goes is the team's public face: a supervisor decides it.
    Action.SET_UP_STATUS_PAGE: Role.SUPERVISOR,
}


class PermissionDenied(CalmdeskError):
    """The signed-in agent's role does not allow the action."""


def may(role: Role, action: Action) -> bool:
    return role.rank >= MINIMUM_ROLE[action].rank


def require(role: Role, action: Action) -> None:
    if not may(role, action):
        needed = MINIMUM_ROLE[action].value
        raise PermissionDenied(
            f"Only a {needed} or above may {action.value}; you are signed in as {role.value}. "
            "Ask your shift supervisor."
        )
