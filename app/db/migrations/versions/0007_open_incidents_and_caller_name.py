"""Two indexes that do not depend on the database's statistics:

- incidents(status) for the open incidents only (a partial index). After an ANALYZE, SQLite judged
  the status index useless for "status is open" on a file of closed history with few distinct
  statuses and scanned every incident ever held; the partial index holds the open ones alone.
- contacts(lower(name)), for the caller look-up a call makes when it is saved with a typed name.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out, not imported: a migration keeps the condition it was made with.
OPEN = "status IN ('in_progress', 'new', 'on_hold')"


def upgrade() -> None:
    op.create_index(
        "ix_incidents_open",
        "incidents",
        ["status"],
        unique=False,
        sqlite_where=sa.text(OPEN),
        postgresql_where=sa.text(OPEN),
    )
    op.create_index("ix_contacts_name_lower", "contacts", [sa.text("lower(name)")], unique=False)


def downgrade() -> None:
    op.drop_index("ix_contacts_name_lower", table_name="contacts")
    op.drop_index("ix_incidents_open", table_name="incidents")
