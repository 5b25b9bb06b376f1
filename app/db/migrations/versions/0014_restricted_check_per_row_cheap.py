"""Who is restricted, asked without a query: the history triggers cost little per row.

The triggers of migration 0012 ask `calmdesk_restricted()` on every row they see, and an import
(COPY of 150,000 timeline events and 25,000 incidents) is many rows. Its body searched pg_roles
twice with EXISTS, a query per call that more than doubled the cost of an imported row. The same
question is asked here with `to_regrole` and `pg_has_role` alone: an expression PostgreSQL
inlines into each trigger's test, answered from its caches. The answers are the same: a member
of `calmdesk_agent` that is not a member of `calmdesk_admin` is restricted; the owner (in no
group) and superusers (members of every role, so of `calmdesk_admin`) are not, nor is anyone
while the groups do not exist yet (a database not yet set up for a team).

PostgreSQL only; SQLite has no triggers of this kind.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# pg_has_role with a NULL role (the group does not exist) is NULL: not a member.
RESTRICTED = """
CREATE OR REPLACE FUNCTION calmdesk_restricted() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce(pg_has_role(current_user, to_regrole('calmdesk_agent')::oid, 'MEMBER'), false)
       AND NOT coalesce(pg_has_role(current_user, to_regrole('calmdesk_admin')::oid, 'MEMBER'),
                        false)
$$
"""

# Migration 0012's body, written out: a migration keeps the rules it was made with.
RESTRICTED_0012 = """
CREATE OR REPLACE FUNCTION calmdesk_restricted() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = 'calmdesk_agent'
                   AND pg_has_role(current_user, r.oid, 'MEMBER'))
       AND NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = 'calmdesk_admin'
                   AND pg_has_role(current_user, r.oid, 'MEMBER'))
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(RESTRICTED)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(RESTRICTED_0012)
