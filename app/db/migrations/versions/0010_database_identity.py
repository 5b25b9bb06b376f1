"""The database's own identity: one row holding an id made when the database was created (or
upgraded to this revision). A console's offline outbox ties each kept change to this id, not to
the spelling of the address it used, so the change is found and sent whatever address reaches
this database (localhost or 127.0.0.1, another port, a pooler).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "database_identity",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_database_identity")),
    )
    op.bulk_insert(table, [{"id": str(uuid.uuid4())}])


def downgrade() -> None:
    op.drop_table("database_identity")
