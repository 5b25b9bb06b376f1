"""Offline outbox receipts: one row per change a console replayed from its outbox, so a replay
that is repeated (the connection dropped after the commit) changes nothing the second time.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "applied_operations",
        sa.Column("op_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("applied_at", app.db.types.UtcDateTime(), nullable=False),
        sa.Column("result_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["agents.id"], name=op.f("fk_applied_operations_agent_id_agents")
        ),
        sa.PrimaryKeyConstraint("op_id", name=op.f("pk_applied_operations")),
    )


def downgrade() -> None:
    op.drop_table("applied_operations")
