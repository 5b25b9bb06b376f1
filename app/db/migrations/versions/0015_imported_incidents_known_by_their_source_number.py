"""Imported incidents are known by their number in the file they came from, not by the number
they have here.

An import used to match the incidents of a file to those of the database by `number` alone, so
importing a ServiceNow log into a desk that numbers its own incidents the same way (INC0000045
here and INC0000045 there) overwrote the desk's incident with the file's. Now an imported
incident's `external_ref` holds its number in the file (it held the word "import"), a re-import
matches on that, and a file's incident whose number is taken here gets a new one.

- incidents.external_ref: the file's number for every incident imported so far (they kept it as
  their number); unique, so one incident stands for each number of a file.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What imports wrote on every incident they made, before this revision.
_IMPORTED = "import"


def upgrade() -> None:
    incidents = sa.table(
        "incidents", sa.column("number", sa.String()), sa.column("external_ref", sa.String())
    )
    op.execute(
        incidents.update()
        .where(incidents.c.external_ref == _IMPORTED)
        .values(external_ref=incidents.c.number)
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incidents_external_ref"), ["external_ref"], unique=True
        )


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incidents_external_ref"))
    incidents = sa.table("incidents", sa.column("external_ref", sa.String()))
    op.execute(
        incidents.update()
        .where(incidents.c.external_ref.is_not(None))
        .values(external_ref=_IMPORTED)
    )
