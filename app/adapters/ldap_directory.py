"""People from LDAP / Active Directory, with ldap3: `calmdesk directory sync --ldap URL`.

The attribute map says which attribute holds each field; the defaults suit OpenLDAP's
inetOrgPerson, and `ACTIVE_DIRECTORY` suits AD. The manager attribute holds a DN: the manager's
name is read from that entry. VIPs are the members of one group (`member` or `uniqueMember`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field

import ldap3
from ldap3.core.exceptions import LDAPException

from app.domain.directory_people import DirectoryPerson
from app.domain.errors import CalmdeskError

DEFAULT_ATTRIBUTES: dict[str, str] = {
    "id": "entryUUID",
    "name": "cn",
    "email": "mail",
    "phone": "telephoneNumber",
    "mobile": "mobile",
    "department": "departmentNumber",
    "location": "l",
    "manager": "manager",
}
ACTIVE_DIRECTORY: dict[str, str] = {
    **DEFAULT_ATTRIBUTES,
    "id": "objectGUID",
    "name": "displayName",
    "department": "department",
}
TIMEOUT_SECONDS = 10


class DirectoryUnavailable(CalmdeskError):
    """The LDAP server cannot be reached, refused the login, or the search failed."""


@dataclass(frozen=True)
class LdapSource:
    url: str  # ldap://host:389 or ldaps://host:636
    base_dn: str
    bind_dn: str = ""  # empty: an anonymous bind
    password: str = ""
    search_filter: str = "(objectClass=person)"
    vip_group: str = ""  # the DN of the group whose members are VIPs
    attributes: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_ATTRIBUTES))


def _first(entry: Mapping[str, object], attribute: str) -> str:
    value = entry.get(attribute)
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, bytes):
        return value.hex()
    return str(value).strip() if value is not None else ""


def read_ldap(source: LdapSource) -> list[DirectoryPerson]:
    attributes = {**DEFAULT_ATTRIBUTES, **source.attributes}
    server = ldap3.Server(source.url, connect_timeout=TIMEOUT_SECONDS)
    connection = ldap3.Connection(
        server,
        user=source.bind_dn or None,
        password=source.password or None,
        receive_timeout=TIMEOUT_SECONDS,
        raise_exceptions=True,
    )
    try:
        connection.bind()
    except LDAPException as exc:
        _close(connection)
        raise DirectoryUnavailable(
            f"Cannot log in to {source.url} as {source.bind_dn or 'anonymous'}: {exc}. "
            "Check the URL, the bind DN and its password."
        ) from None
    try:
        wanted = sorted(set(attributes.values()))
        connection.search(source.base_dn, source.search_filter, attributes=wanted)
        entries = [(e.entry_dn, dict(e.entry_attributes_as_dict)) for e in connection.entries]
        vips = _members(connection, source.vip_group) if source.vip_group else set()
    except LDAPException as exc:
        raise DirectoryUnavailable(
            f"The search under {source.base_dn} on {source.url} failed: {exc}."
        ) from None
    finally:
        _close(connection)
    names = {dn.lower(): _first(attrs, attributes["name"]) for dn, attrs in entries}
    people = []
    for dn, attrs in entries:
        name = _first(attrs, attributes["name"])
        if not name:
            continue  # an entry without a name (a service account) is no caller
        manager_dn = _first(attrs, attributes["manager"])
        people.append(
            DirectoryPerson(
                ref=f"ldap:{_first(attrs, attributes['id']) or dn.lower()}",
                name=name,
                email=_first(attrs, attributes["email"]),
                phone=_first(attrs, attributes["phone"]),
                mobile=_first(attrs, attributes["mobile"]),
                department=_first(attrs, attributes["department"]),
                location=_first(attrs, attributes["location"]),
                manager=names.get(manager_dn.lower(), manager_dn),
                vip=dn.lower() in vips,
            )
        )
    return people


def _close(connection: ldap3.Connection) -> None:
    """Unbind and close the socket, also after a failed bind (ldap3 keeps it open)."""
    with contextlib.suppress(LDAPException):
        connection.unbind()
    socket = getattr(connection, "socket", None)
    if socket is not None:
        socket.close()


def _members(connection: ldap3.Connection, group_dn: str) -> set[str]:
    connection.search(
        group_dn, "(objectClass=*)", search_scope=ldap3.BASE, attributes=["member", "uniqueMember"]
    )
    members: set[str] = set()
    for entry in connection.entries:
        for attribute in ("member", "uniqueMember"):
            values = entry.entry_attributes_as_dict.get(attribute, [])
            members.update(str(v).lower() for v in values)
    return members
