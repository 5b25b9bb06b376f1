"""A person as the organisation's directory knows them (LDAP / Active Directory, a CSV export, a
vCard file), before they are matched to a Calmdesk contact."""

from __future__ import annotations

from dataclasses import dataclass

TRUE_WORDS = frozenset({"1", "true", "yes", "y", "x", "vip"})


@dataclass(frozen=True)
class DirectoryPerson:
    ref: str  # the directory's own id for them ("ldap:<entryUUID>", "csv:<id>", "vcard:<UID>")
    name: str
    email: str = ""
    phone: str = ""
    mobile: str = ""
    department: str = ""
    location: str = ""
    manager: str = ""
    vip: bool = False


def is_true(text: str) -> bool:
    """A spreadsheet's yes: "1", "true", "yes", "x" (any case)."""
    return text.strip().lower() in TRUE_WORDS
