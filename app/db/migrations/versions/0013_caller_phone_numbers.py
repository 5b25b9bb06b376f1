"""Callers found by number however it is written, and the directory's fields.

- contacts.phone_e164, contacts.mobile_e164 (indexed): the numbers in E.164 ("+442079460000"),
  the key the call form's type-ahead and an incoming call (`calmdesk call --from`) match on.
- contacts.mobile, contacts.manager: filled by `calmdesk directory sync`.

Existing numbers written with their country code ("+44 20 7946 0000") are normalised here;
the others need the desk's default region, which only the console knows: `calmdesk directory
renumber` normalises them (README.md, "Caller identity").

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import phonenumbers
import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _international(number: str) -> str | None:
    """Written out here, not imported: a migration keeps the rule it was made with."""
    if not number.strip().startswith("+"):
        return None
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def upgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone_e164", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("mobile", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("mobile_e164", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("manager", sa.String(length=200), nullable=True))
        batch_op.create_index(batch_op.f("ix_contacts_phone_e164"), ["phone_e164"], unique=False)
        batch_op.create_index(batch_op.f("ix_contacts_mobile_e164"), ["mobile_e164"], unique=False)
    contacts = sa.table(
        "contacts",
        sa.column("id", sa.Integer()),
        sa.column("phone", sa.String()),
        sa.column("phone_e164", sa.String()),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(contacts.c.id, contacts.c.phone).where(contacts.c.phone.like("+%"))
    ).all()
    for contact_id, phone in rows:
        e164 = _international(phone)
        if e164 is not None:
            bind.execute(
                contacts.update().where(contacts.c.id == contact_id).values(phone_e164=e164)
            )


def downgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contacts_mobile_e164"))
        batch_op.drop_index(batch_op.f("ix_contacts_phone_e164"))
        batch_op.drop_column("manager")
        batch_op.drop_column("mobile_e164")
        batch_op.drop_column("mobile")
        batch_op.drop_column("phone_e164")
