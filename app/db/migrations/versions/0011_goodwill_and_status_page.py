"""Goodwill gestures and the public status page's settings.

- goodwill_gestures: what a major incident's war room owes the people it kept waiting (an
  apology, a service credit, a priority callback, an extended deadline), to whom, who owns it,
  by when, and whether it was made. Deleted with its incident (a drill cleaned away).
- status_page_settings: one row, the team's status page: its name, public address, and where
  the console publishes it (a folder, or an HTTP PUT / WebDAV address).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db.types

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "goodwill_gestures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("recipient", sa.String(length=20), nullable=False),
        sa.Column("recipient_name", sa.String(length=200), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", app.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("settled_at", app.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_goodwill_gestures_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["agents.id"], name=op.f("fk_goodwill_gestures_owner_id_agents")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["agents.id"],
            name=op.f("fk_goodwill_gestures_created_by_id_agents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goodwill_gestures")),
    )
    op.create_index(
        "ix_goodwill_gestures_incident_id", "goodwill_gestures", ["incident_id"], unique=False
    )
    op.create_table(
        "status_page_settings",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("public_url", sa.Text(), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("first_published_at", app.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", app.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["agents.id"],
            name=op.f("fk_status_page_settings_updated_by_id_agents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_page_settings")),
    )


def downgrade() -> None:
    op.drop_table("status_page_settings")
    op.drop_index("ix_goodwill_gestures_incident_id", table_name="goodwill_gestures")
    op.drop_table("goodwill_gestures")
