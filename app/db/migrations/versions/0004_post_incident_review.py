"""Post-incident review: the parts of a major incident's blameless review that people write
(what went well, what to improve) and its action items with owners, due dates and done times.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "post_incident_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("went_well", sa.Text(), nullable=False),
        sa.Column("to_improve", sa.Text(), nullable=False),
        sa.Column("created_at", app.db.types.UtcDateTime(), nullable=False),
        sa.Column("updated_at", app.db.types.UtcDateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_post_incident_reviews_incident_id_incidents"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["agents.id"],
            name=op.f("fk_post_incident_reviews_updated_by_id_agents"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_post_incident_reviews")),
        sa.UniqueConstraint("incident_id", name=op.f("uq_post_incident_reviews_incident_id")),
    )
    op.create_table(
        "review_action_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("done_at", app.db.types.UtcDateTime(), nullable=True),
        sa.Column("removed_at", app.db.types.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["agents.id"], name=op.f("fk_review_action_items_owner_id_agents")
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["post_incident_reviews.id"],
            name=op.f("fk_review_action_items_review_id_post_incident_reviews"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_action_items")),
    )
    with op.batch_alter_table("review_action_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_action_items_owner_id"), ["owner_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_review_action_items_review_id"), ["review_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("review_action_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_action_items_review_id"))
        batch_op.drop_index(batch_op.f("ix_review_action_items_owner_id"))
    op.drop_table("review_action_items")
    op.drop_table("post_incident_reviews")
