"""Directory sync: callers added and kept up to date, never twice; from CSV, vCard and a real
OpenLDAP server (slapd, started here on a free port with its own configuration). The CSV and
vCard cases run on SQLite and on PostgreSQL."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.adapters.directory_files import read_csv, read_vcard
from app.adapters.ldap_directory import DirectoryUnavailable, LdapSource, read_ldap
from app.cli import build_parser, run_command
from app.db.models import Contact
from app.services.calls.commands import CallCommands
from app.services.calls.dto import ContactDraft
from app.services.calls.reads import CallReads
from app.services.context import ServiceContext
from app.services.directory.sync import DirectorySync
from bench.servers import OpenLdap, ServerUnavailable

PEOPLE = """name,email,phone,mobile,department,location,manager,vip,id
Ruth Adeyemi,ruth@example.com,020 7946 0000,07700 900123,Finance,London,Ken Ito,yes,E100
Ken Ito,ken.ito@example.com,+44 20 7946 0001,,Finance,London,,,E101
"""


@pytest.fixture
def london(ctx: ServiceContext) -> ServiceContext:
    return replace(ctx, phone_region="GB")


def _contacts(ctx: ServiceContext) -> list[Contact]:
    with ctx.db.read() as session:
        return list(session.scalars(select(Contact).order_by(Contact.name)))


def test_a_sync_adds_then_updates_and_never_duplicates(
    london: ServiceContext, tmp_path: Path
) -> None:
    path = tmp_path / "people.csv"
    path.write_text(PEOPLE, encoding="utf-8")
    sync = DirectorySync(london)
    first = sync.apply(read_csv(path))
    assert (first.added, first.updated, first.unchanged) == (2, 0, 0)
    again = sync.apply(read_csv(path))
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    path.write_text(PEOPLE.replace("Finance,London,Ken Ito", "Audit,Leeds,Ken Ito"), "utf-8")
    moved = sync.apply(read_csv(path))
    assert (moved.added, moved.updated, moved.unchanged) == (0, 1, 1)
    ken, ruth = _contacts(london)
    assert (ruth.department, ruth.location, ruth.manager, ruth.vip) == (
        "Audit",
        "Leeds",
        "Ken Ito",
        True,
    )
    assert (ruth.phone_e164, ruth.mobile_e164) == ("+442079460000", "+447700900123")
    assert not ken.vip
    # An incoming call from her mobile, however it is written, finds her.
    assert [c.name for c in CallReads(london).callers_by_number("+44 7700 900 123")] == [
        "Ruth Adeyemi"
    ]


def test_a_contact_typed_in_by_hand_is_taken_over_by_email_not_doubled(
    london: ServiceContext, tmp_path: Path
) -> None:
    CallCommands(london).create_contact(
        ContactDraft(name="Ruth A.", email="RUTH@example.com", phone="")
    )
    path = tmp_path / "people.vcf"
    path.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ruth Adeyemi\nEMAIL:ruth@example.com\n"
        "TEL;TYPE=work:020 7946 0000\nCATEGORIES:VIP\nEND:VCARD\n",
        encoding="utf-8",
    )
    report = DirectorySync(london).apply(read_vcard(path))
    assert (report.added, report.updated) == (0, 1)
    (ruth,) = _contacts(london)
    assert (ruth.name, ruth.vip, ruth.phone_e164) == ("Ruth Adeyemi", True, "+442079460000")


def test_renumber_reads_saved_numbers_again_in_the_new_region(ctx: ServiceContext) -> None:
    CallCommands(ctx).create_contact(ContactDraft(name="Ruth", phone="020 7946 0000"))
    assert _contacts(ctx)[0].phone_e164 is None  # no region yet: a local number is no key
    assert DirectorySync(replace(ctx, phone_region="GB")).renumber() == 1
    assert _contacts(ctx)[0].phone_e164 == "+442079460000"
    assert DirectorySync(replace(ctx, phone_region="GB")).renumber() == 0


def test_the_cli_syncs_a_csv_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALMDESK_HOME", str(tmp_path))
    monkeypatch.setenv("CALMDESK_PHONE_REGION", "GB")
    path = tmp_path / "people.csv"
    path.write_text(PEOPLE, encoding="utf-8")
    out = io.StringIO()
    args = build_parser().parse_args(["directory", "sync", "--csv", str(path)])
    assert run_command(args, out) == 0
    assert "2 people; contacts 2 added, 0 updated, 0 unchanged" in out.getvalue()
    out = io.StringIO()
    assert (
        run_command(build_parser().parse_args(["directory", "sync", "--csv", str(path)]), out) == 0
    )
    assert "0 added, 0 updated, 2 unchanged" in out.getvalue()


PEOPLE_LDIF = """dn: ou=people,dc=example,dc=org
objectClass: organizationalUnit
ou: people

dn: uid=ruth,ou=people,dc=example,dc=org
objectClass: inetOrgPerson
uid: ruth
cn: Ruth Adeyemi
sn: Adeyemi
mail: ruth@example.com
telephoneNumber: 020 7946 0000
mobile: +44 7700 900123
departmentNumber: Finance
l: London
manager: uid=ken,ou=people,dc=example,dc=org

dn: uid=ken,ou=people,dc=example,dc=org
objectClass: inetOrgPerson
uid: ken
cn: Ken Ito
sn: Ito
mail: ken.ito@example.com
telephoneNumber: +44 20 7946 0001
departmentNumber: Finance
l: London

dn: cn=vip,dc=example,dc=org
objectClass: groupOfNames
cn: vip
member: uid=ruth,ou=people,dc=example,dc=org
"""


@pytest.fixture
def slapd(tmp_path: Path) -> Iterator[OpenLdap]:
    try:
        server = OpenLdap(tmp_path / "slapd")
    except ServerUnavailable as exc:
        pytest.skip(f"OpenLDAP: {exc}")
    try:
        server.add(PEOPLE_LDIF)
        yield server
    finally:
        server.stop()


def _source(server: OpenLdap, **changes: str) -> LdapSource:
    source = LdapSource(
        url=server.url,
        base_dn="ou=people,dc=example,dc=org",
        bind_dn=server.rootdn,
        password=server.password,
        vip_group="cn=vip,dc=example,dc=org",
    )
    return replace(source, **changes)


def test_an_ldap_sync_against_openldap_adds_updates_and_never_duplicates(
    slapd: OpenLdap, london: ServiceContext
) -> None:
    people = read_ldap(_source(slapd))
    ruth = next(p for p in people if p.name == "Ruth Adeyemi")
    assert ruth.ref.startswith("ldap:")
    assert (ruth.email, ruth.phone, ruth.mobile) == (
        "ruth@example.com",
        "020 7946 0000",
        "+44 7700 900123",
    )
    assert (ruth.department, ruth.location, ruth.manager, ruth.vip) == (
        "Finance",
        "London",
        "Ken Ito",  # the manager's DN, read as their name
        True,
    )
    sync = DirectorySync(london)
    assert sync.apply(people).added == 2
    slapd.add(
        "dn: uid=omar,ou=people,dc=example,dc=org\nobjectClass: inetOrgPerson\nuid: omar\n"
        "cn: Omar Haddad\nsn: Haddad\ntelephoneNumber: 0044-20-7946-0002\n"
    )
    report = sync.apply(read_ldap(_source(slapd)))
    assert (report.added, report.updated, report.unchanged) == (1, 0, 2)
    with london.db.read() as session:
        assert session.scalar(select(func.count(Contact.id))) == 3
    assert [c.name for c in CallReads(london).callers_by_number("020 7946 0002")] == ["Omar Haddad"]


def test_a_wrong_ldap_password_or_server_says_what_to_check(slapd: OpenLdap) -> None:
    with pytest.raises(DirectoryUnavailable, match="Check the URL, the bind DN"):
        read_ldap(_source(slapd, password="wrong"))
    with pytest.raises(DirectoryUnavailable, match="Cannot log in"):
        read_ldap(_source(slapd, url="ldap://127.0.0.1:1"))
