"""Keeping the callers in step with the organisation's directory: `calmdesk directory sync`.

A person is matched to a contact by the directory's id (`contacts.external_ref`), else by e-mail
(case-insensitive), else by a number with the same name; a match is updated, nobody is ever
added twice. Contacts the directory no longer lists are left alone: calls and incidents name
them. `renumber` re-reads every saved number in the desk's phone region.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import Contact
from app.domain.directory_people import DirectoryPerson
from app.domain.phone_numbers import normalise_phone
from app.domain.roles import Action
from app.services.context import ServiceContext
from app.services.directory.phones import has_number, set_mobile, set_phone
from app.services.feed.records import record_change

_LIMITS = {"name": 200, "email": 200, "department": 120, "location": 120, "manager": 200}


@dataclass(frozen=True)
class SyncReport:
    added: int
    updated: int
    unchanged: int

    def __str__(self) -> str:
        return f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged"


class DirectorySync:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def apply(self, people: Sequence[DirectoryPerson]) -> SyncReport:
        """Add or update a contact for each person, in one transaction."""
        self._ctx.actor.require(Action.MANAGE_AGENTS)
        added = updated = unchanged = 0
        seen: set[str] = set()
        with self._ctx.db.write() as session:
            for person in people:
                if person.ref in seen:
                    continue  # listed twice in the same file: the first one counts
                seen.add(person.ref)
                contact = _match(session, person, self._ctx.phone_region)
                if contact is None:
                    contact = Contact(name=person.name[:200], vip=False)
                    session.add(contact)
                    _fill(contact, person, self._ctx.phone_region)
                    session.flush()
                    record_change(session, self._ctx, "contacts", contact.id, "insert")
                    added += 1
                elif _fill(contact, person, self._ctx.phone_region):
                    session.flush()
                    record_change(session, self._ctx, "contacts", contact.id, "update")
                    updated += 1
                else:
                    unchanged += 1
        return SyncReport(added, updated, unchanged)

    def renumber(self) -> int:
        """Normalise every saved number again in the desk's phone region; how many changed."""
        self._ctx.actor.require(Action.MANAGE_AGENTS)
        region, changed = self._ctx.phone_region, 0
        with self._ctx.db.write() as session:
            for contact in session.scalars(select(Contact).order_by(Contact.id)):
                phone = normalise_phone(contact.phone or "", region) if contact.phone else None
                mobile = normalise_phone(contact.mobile or "", region) if contact.mobile else None
                if (phone, mobile) != (contact.phone_e164, contact.mobile_e164):
                    contact.phone_e164, contact.mobile_e164 = phone, mobile
                    changed += 1
            if changed:
                record_change(session, self._ctx, "contacts", 0, "update")
        return changed


def _match(session: Session, person: DirectoryPerson, region: str) -> Contact | None:
    contact = session.scalar(select(Contact).where(Contact.external_ref == person.ref))
    if contact is not None:
        return contact
    if person.email:
        same_email = select(Contact).where(
            func.lower(Contact.email) == person.email.lower(), Contact.external_ref.is_(None)
        )
        contact = session.scalars(same_email.limit(1)).first()
        if contact is not None:
            return contact
    for number in (person.phone, person.mobile):
        e164 = normalise_phone(number, region) if number else None
        if e164:
            same = select(Contact).where(
                has_number(e164),
                func.lower(Contact.name) == person.name.lower(),
                Contact.external_ref.is_(None),
            )
            contact = session.scalars(same.limit(1)).first()
            if contact is not None:
                return contact
    return None


def _fill(contact: Contact, person: DirectoryPerson, region: str) -> bool:
    """Copy the directory's fields onto the contact; True when anything changed."""
    before = _snapshot(contact)
    contact.external_ref = person.ref[:120]
    contact.name = person.name[: _LIMITS["name"]]
    for field in ("email", "department", "location", "manager"):
        value = getattr(person, field).strip()[: _LIMITS[field]]
        setattr(contact, field, value or None)
    set_phone(contact, person.phone[:60], region)
    set_mobile(contact, person.mobile[:60], region)
    contact.vip = person.vip
    return _snapshot(contact) != before


def _snapshot(contact: Contact) -> tuple[object, ...]:
    return (
        contact.external_ref,
        contact.name,
        contact.email,
        contact.department,
        contact.location,
        contact.manager,
        contact.phone,
        contact.phone_e164,
        contact.mobile,
        contact.mobile_e164,
        bool(contact.vip),
    )
