"""Who may do what: agents work the queue, supervisors close and declare, admins set things up."""

from __future__ import annotations

import itertools

import pytest

from app.domain.roles import MINIMUM_ROLE, Action, PermissionDenied, Role, may, require

AGENT_ACTIONS = {
    Action.OPEN_INCIDENT,
    Action.EDIT_INCIDENT,
    Action.ASSIGN,
    Action.TRANSITION,
    Action.LINK,
    Action.ADD_NOTE,
    Action.LOG_CALL,
    Action.WORK_CHECKLIST,
    Action.POST_UPDATE,
    Action.ESCALATE_VENDOR,
    Action.HAND_OVER_COMMAND,
    Action.RECORD_GESTURE,
}
SUPERVISOR_ACTIONS = AGENT_ACTIONS | {
    Action.CLOSE,
    Action.DECLARE_MAJOR,
    Action.RESOLVE_MAJOR,
    Action.WRITE_REVIEW,
    Action.RUN_DRILL,
    Action.HAND_OVER_SHIFT,
    Action.SET_UP_STATUS_PAGE,
}
ADMIN_ACTIONS = set(Action)
ALLOWED = {
    Role.AGENT: AGENT_ACTIONS,
    Role.SUPERVISOR: SUPERVISOR_ACTIONS,
    Role.ADMIN: ADMIN_ACTIONS,
}


@pytest.mark.parametrize(("role", "action"), list(itertools.product(Role, Action)))
def test_each_role_may_do_exactly_its_actions(role: Role, action: Action) -> None:
    assert may(role, action) is (action in ALLOWED[role])


@pytest.mark.parametrize(
    ("role", "action"),
    [(r, a) for r, a in itertools.product(Role, Action) if a not in ALLOWED[r]],
)
def test_a_refusal_names_the_action_the_role_needed_and_who_to_ask(
    role: Role, action: Action
) -> None:
    with pytest.raises(PermissionDenied) as refused:
        require(role, action)
    message = str(refused.value)
    assert action.value in message
    assert f"signed in as {role.value}" in message
    assert MINIMUM_ROLE[action].value in message
    assert "supervisor" in message


@pytest.mark.parametrize(("role", "action"), list(itertools.product(Role, Action)))
def test_require_passes_silently_when_allowed(role: Role, action: Action) -> None:
    if action in ALLOWED[role]:
        assert require(role, action) is None
    else:
        with pytest.raises(PermissionDenied):
            require(role, action)


def test_roles_rank_agent_below_supervisor_below_admin() -> None:
    assert Role.AGENT.rank < Role.SUPERVISOR.rank < Role.ADMIN.rank


def test_every_action_has_a_minimum_role() -> None:
    assert set(MINIMUM_ROLE) == set(Action)
