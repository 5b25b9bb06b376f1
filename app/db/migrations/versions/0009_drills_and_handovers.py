"""Drills and handovers.

- drills: a rehearsal of a runbook played from a drill script; its scorecard (JSON) stays after
  the drill's incidents and calls are cleaned away.
- incidents.drill_id, calls.drill_id: what a drill made, so that it is never taken for the real
  thing (reports, exports and the wallboard leave it out).
- incidents.commander_since: when the current commander took command (declared, or handed over).
- shift_handovers: the shift handover report, the outgoing lead's notes and who acknowledged it.
- PostgreSQL: calmdesk_clean_drill(id), run with the owner's rights, deletes one ended drill's
  incidents, calls and their rows; the append-only trigger on timeline_events lets that function
  (and only for that drill's incidents) delete. EXECUTE is granted to supervisors by
  app/db/team_roles.py.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db.types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out, not imported: a migration keeps what it was made with.
_DRILL_INCIDENTS = "SELECT id FROM incidents WHERE drill_id = drill"
POSTGRES_UP = [
    """
    CREATE OR REPLACE FUNCTION calmdesk_timeline_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE cleaning text := coalesce(current_setting('calmdesk.cleaning_drill', true), '');
    BEGIN
        IF TG_OP = 'DELETE' AND cleaning <> '' THEN
            IF EXISTS (SELECT 1 FROM incidents i WHERE i.id = OLD.incident_id
                       AND i.drill_id = cleaning::integer) THEN
                RETURN OLD;
            END IF;
        END IF;
        RAISE EXCEPTION 'The incident timeline is append-only: % is not allowed on timeline_events',
            TG_OP USING ERRCODE = 'insufficient_privilege';
    END $$
    """,
    f"""
    CREATE FUNCTION calmdesk_clean_drill(drill integer) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_catalog AS $$
    DECLARE removed integer;
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM drills WHERE id = drill AND ended_at IS NOT NULL) THEN
            RAISE EXCEPTION 'Drill % is not an ended drill', drill
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        PERFORM set_config('calmdesk.cleaning_drill', drill::text, true);
        SELECT count(*) INTO removed FROM incidents WHERE drill_id = drill;
        UPDATE drills SET incident_id = NULL, cleaned_at = now() WHERE id = drill;
        UPDATE incidents SET parent_id = NULL
            WHERE parent_id IN ({_DRILL_INCIDENTS}) AND drill_id IS DISTINCT FROM drill;
        UPDATE calls SET incident_id = NULL
            WHERE incident_id IN ({_DRILL_INCIDENTS}) AND drill_id IS DISTINCT FROM drill;
        DELETE FROM calls WHERE drill_id = drill;
        DELETE FROM review_action_items WHERE review_id IN (
            SELECT id FROM post_incident_reviews WHERE incident_id IN ({_DRILL_INCIDENTS}));
        DELETE FROM post_incident_reviews WHERE incident_id IN ({_DRILL_INCIDENTS});
        DELETE FROM status_updates WHERE incident_id IN ({_DRILL_INCIDENTS});
        DELETE FROM checklist_items WHERE incident_id IN ({_DRILL_INCIDENTS});
        DELETE FROM vendor_escalations WHERE incident_id IN ({_DRILL_INCIDENTS});
        DELETE FROM incident_services WHERE incident_id IN ({_DRILL_INCIDENTS});
        DELETE FROM timeline_events WHERE incident_id IN ({_DRILL_INCIDENTS});
        UPDATE incidents SET parent_id = NULL WHERE drill_id = drill;
        DELETE FROM incidents WHERE drill_id = drill;
        PERFORM set_config('calmdesk.cleaning_drill', '', true);
        RETURN removed;
    END $$
    """,
    "REVOKE EXECUTE ON FUNCTION calmdesk_clean_drill(integer) FROM PUBLIC",
]
POSTGRES_DOWN = [
    "DROP FUNCTION IF EXISTS calmdesk_clean_drill(integer)",
    """
    CREATE OR REPLACE FUNCTION calmdesk_timeline_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'The incident timeline is append-only: % is not allowed on timeline_events',
            TG_OP USING ERRCODE = 'insufficient_privilege';
    END $$
    """,
]


def upgrade() -> None:
    op.create_table(
        "drills",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("script_key", sa.String(length=80), nullable=False),
        sa.Column("runbook_key", sa.String(length=80), nullable=False),
        sa.Column("runbook_title", sa.String(length=200), nullable=False),
        sa.Column("script", sa.JSON(), nullable=False),
        sa.Column("started_at", app.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("started_by_id", sa.Integer(), nullable=True),
        sa.Column("played", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("ended_at", app.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("ended_by_id", sa.Integer(), nullable=True),
        sa.Column("scorecard", sa.JSON(), nullable=True),
        sa.Column("cleaned_at", app.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["started_by_id"], ["agents.id"], name=op.f("fk_drills_started_by_id_agents")
        ),
        sa.ForeignKeyConstraint(
            ["ended_by_id"], ["agents.id"], name=op.f("fk_drills_ended_by_id_agents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drills")),
    )
    with op.batch_alter_table("drills", schema=None) as batch_op:
        batch_op.create_index("ix_drills_runbook_key", ["runbook_key"], unique=False)
    # Plain ADD COLUMN, not a batch copy: copying incidents on SQLite would lose the partial
    # index that reflection cannot read. SQLite takes the reference inline (unnamed).
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in ("incidents", "calls"):
        if sqlite:
            op.execute(f"ALTER TABLE {table} ADD COLUMN drill_id INTEGER REFERENCES drills (id)")
        else:
            op.add_column(table, sa.Column("drill_id", sa.Integer(), nullable=True))
            op.create_foreign_key(
                op.f(f"fk_{table}_drill_id_drills"), table, "drills", ["drill_id"], ["id"]
            )
    op.add_column(
        "incidents",
        sa.Column("commander_since", app.db.types.UtcDateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_incidents_drill", "incidents", ["drill_id"], unique=False)
    op.create_index("ix_calls_drill", "calls", ["drill_id"], unique=False)
    op.create_table(
        "shift_handovers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", app.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("shift", sa.String(length=80), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("notes_updated_at", app.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_at", app.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["agents.id"], name=op.f("fk_shift_handovers_created_by_id_agents")
        ),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"],
            ["agents.id"],
            name=op.f("fk_shift_handovers_acknowledged_by_id_agents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shift_handovers")),
    )
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_UP:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRES_DOWN:
            op.execute(statement)
    op.drop_table("shift_handovers")
    op.drop_index("ix_calls_drill", table_name="calls")
    op.drop_index("ix_incidents_drill", table_name="incidents")
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in ("calls", "incidents"):
        if not sqlite:
            op.drop_constraint(op.f(f"fk_{table}_drill_id_drills"), table, type_="foreignkey")
        op.drop_column(table, "drill_id")  # SQLite 3.35+ drops a column that only refers out
    op.drop_column("incidents", "commander_since")
    with op.batch_alter_table("drills", schema=None) as batch_op:
        batch_op.drop_index("ix_drills_runbook_key")
    op.drop_table("drills")
