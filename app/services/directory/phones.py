"""A contact's numbers, kept with their E.164 keys: every write of a number goes through here."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_

from app.db.models import Contact
from app.domain.phone_numbers import normalise_phone


def set_phone(contact: Contact, phone: str, region: str) -> None:
    """The contact's main number as written, and its E.164 key (None when it is no number)."""
    phone = phone.strip()
    contact.phone = phone or None
    contact.phone_e164 = normalise_phone(phone, region) if phone else None


def set_mobile(contact: Contact, mobile: str, region: str) -> None:
    mobile = mobile.strip()
    contact.mobile = mobile or None
    contact.mobile_e164 = normalise_phone(mobile, region) if mobile else None


def has_number(e164: str) -> ColumnElement[bool]:
    """Contacts one of whose numbers is this E.164 number (both columns are indexed)."""
    if not e164:
        return false()
    return or_(Contact.phone_e164 == e164, Contact.mobile_e164 == e164)
