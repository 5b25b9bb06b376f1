"""Indexes for a database with years of history: incidents.resolved_at, so the queue's "open, or
resolved since yesterday" read uses indexes on both sides of its OR instead of scanning every
incident ever held; and calls (callback_wanted, callback_done_at), so the callbacks still to make
are found without reading every call ever logged.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_incidents_resolved_at", "incidents", ["resolved_at"], unique=False)
    op.create_index(
        "ix_calls_callback_pending",
        "calls",
        ["callback_wanted", "callback_done_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_calls_callback_pending", table_name="calls")
    op.drop_index("ix_incidents_resolved_at", table_name="incidents")
