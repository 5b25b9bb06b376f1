"""Team database: a gap-free change feed on PostgreSQL, live-update notifications, an append-only
timeline enforced by the server, closing reserved to supervisors, and presence.

- change_log.xid: the writing transaction's id (PostgreSQL fills it through a column default);
  the feed reads by transaction because sequence ids commit out of order.
- PostgreSQL: a statement trigger on change_log sends NOTIFY calmdesk_changes (delivered on
  commit), a trigger refuses UPDATE, DELETE and TRUNCATE on timeline_events, and a trigger refuses
  closing an incident to a login that is a calmdesk_agent but not a calmdesk_supervisor.
- presence: heartbeat rows saying who has an incident or war room open.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db.types

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

POSTGRES_UP = [
    # xid8 -> bigint: the 64-bit, epoch-extended transaction id, comparable with the snapshot's.
    "ALTER TABLE change_log ALTER COLUMN xid SET DEFAULT (pg_current_xact_id()::text::bigint)",
    """
    CREATE FUNCTION calmdesk_notify_changes() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        -- Delivered when the writer commits; repeats within one transaction fold into one.
        PERFORM pg_notify('calmdesk_changes', '');
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER change_log_notify AFTER INSERT ON change_log
        FOR EACH STATEMENT EXECUTE FUNCTION calmdesk_notify_changes()
    """,
    """
    CREATE FUNCTION calmdesk_timeline_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'The incident timeline is append-only: % is not allowed on timeline_events',
            TG_OP USING ERRCODE = 'insufficient_privilege';
    END $$
    """,
    """
    CREATE TRIGGER timeline_events_append_only BEFORE UPDATE OR DELETE ON timeline_events
        FOR EACH ROW EXECUTE FUNCTION calmdesk_timeline_append_only()
    """,
    """
    CREATE TRIGGER timeline_events_no_truncate BEFORE TRUNCATE ON timeline_events
        FOR EACH STATEMENT EXECUTE FUNCTION calmdesk_timeline_append_only()
    """,
    # Grants cannot tell closing from other status changes, so a trigger does. A login that is
    # not a calmdesk_agent (the owner, an administrator) is not restricted; pg_has_role is true
    # for superusers. Written so that it works before the roles exist.
    """
    CREATE FUNCTION calmdesk_guard_close() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = 'calmdesk_agent'
                   AND pg_has_role(current_user, r.oid, 'MEMBER'))
           AND NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = 'calmdesk_supervisor'
                   AND pg_has_role(current_user, r.oid, 'MEMBER')) THEN
            RAISE EXCEPTION 'Only a supervisor may close an incident'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER incidents_guard_close BEFORE UPDATE OF status ON incidents
        FOR EACH ROW WHEN (NEW.status = 'closed' AND OLD.status IS DISTINCT FROM 'closed')
        EXECUTE FUNCTION calmdesk_guard_close()
    """,
]

POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS incidents_guard_close ON incidents",
    "DROP FUNCTION IF EXISTS calmdesk_guard_close()",
    "DROP TRIGGER IF EXISTS timeline_events_no_truncate ON timeline_events",
    "DROP TRIGGER IF EXISTS timeline_events_append_only ON timeline_events",
    "DROP FUNCTION IF EXISTS calmdesk_timeline_append_only()",
    "DROP TRIGGER IF EXISTS change_log_notify ON change_log",
    "DROP FUNCTION IF EXISTS calmdesk_notify_changes()",
]


def upgrade() -> None:
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("xid", sa.BigInteger(), nullable=True))
        batch_op.create_index(batch_op.f("ix_change_log_xid"), ["xid"], unique=False)

    op.create_table(
        "presence",
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=60), nullable=False),
        sa.Column("seen_at", app.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_presence_agent_id_agents")
        ),
        sa.PrimaryKeyConstraint("agent_id", "subject", name=op.f("pk_presence")),
    )
    with op.batch_alter_table("presence", schema=None) as batch_op:
        batch_op.create_index("ix_presence_subject_seen", ["subject", "seen_at"], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_DOWN:
            op.execute(statement)
    with op.batch_alter_table("presence", schema=None) as batch_op:
        batch_op.drop_index("ix_presence_subject_seen")
    op.drop_table("presence")
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_log_xid"))
        batch_op.drop_column("xid")
