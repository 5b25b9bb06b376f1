"""What a login may do on a team server, judged from the server's own grants: the Calmdesk groups
it belongs to, or owning the tables. The one place the rule and its SQL live: the sign-in
(team_roles.granted_role) and the console's first screen (app/services/first_screen, which runs
it with the driver alone) both use them."""

from __future__ import annotations

from collections.abc import Iterable

from app.domain.roles import Role

AGENT_GROUP = "calmdesk_agent"
SUPERVISOR_GROUP = "calmdesk_supervisor"
ADMIN_GROUP = "calmdesk_admin"
GROUPS = (AGENT_GROUP, SUPERVISOR_GROUP, ADMIN_GROUP)
GROUP_FOR_ROLE = {
    Role.AGENT: AGENT_GROUP,
    Role.SUPERVISOR: SUPERVISOR_GROUP,
    Role.ADMIN: ADMIN_GROUP,
}

# The login, whether it may delete incidents, and the Calmdesk groups it is a member of. No
# parameters (the group names are these constants), so any driver runs it as it is.
GRANTS_SQL = (
    "SELECT current_user::text, has_table_privilege('incidents', 'DELETE'), "
    "ARRAY(SELECT rolname::text FROM pg_roles WHERE rolname IN ("
    + ", ".join(f"'{group}'" for group in GROUPS)
    + ") AND pg_has_role(current_user, oid, 'MEMBER'))"
)


def capped(role: Role, granted: Role) -> Role:
    """An agent's Calmdesk role, never more than the server grants the login."""
    return role if role.rank <= granted.rank else granted


def role_from_grants(may_delete: bool, member_of: Iterable[str]) -> Role | None:
    """A login that may delete incidents owns the tables (or is a superuser): an administrator.
    Otherwise the highest Calmdesk group it belongs to. None: no Calmdesk privileges at all."""
    if may_delete:
        return Role.ADMIN
    groups = set(member_of)
    for role in (Role.ADMIN, Role.SUPERVISOR, Role.AGENT):
        if GROUP_FOR_ROLE[role] in groups:
            return role
    return None
