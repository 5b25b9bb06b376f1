"""Monitoring alert groups: the incident each alert group opened, its labels, first and last
firing, its source, how many alerts it brought, and whether it is firing, recovered or flapping.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db.types

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "alert_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_key", sa.Text(), nullable=False),
        sa.Column("current_key", sa.String(length=64), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("alert_name", sa.String(length=200), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("first_firing_at", app.db.types.UtcDateTime(), nullable=False),
        sa.Column("last_firing_at", app.db.types.UtcDateTime(), nullable=False),
        sa.Column("recovered_at", app.db.types.UtcDateTime(), nullable=True),
        sa.Column("source_url", sa.Text(), nullable=False),
        sa.Column("alert_count", sa.Integer(), nullable=False),
        sa.Column("recent_changes", sa.JSON(), nullable=False),
        sa.Column("flapping_since", app.db.types.UtcDateTime(), nullable=True),
        sa.Column("flap_changes", sa.Integer(), nullable=False),
        sa.Column("updated_at", app.db.types.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_alert_groups_incident_id_incidents")
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_alert_groups_service_id_services")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_groups")),
        sa.UniqueConstraint("current_key", name=op.f("uq_alert_groups_current_key")),
        sa.UniqueConstraint("incident_id", name=op.f("uq_alert_groups_incident_id")),
    )


def downgrade() -> None:
    op.drop_table("alert_groups")
