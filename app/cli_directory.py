"""`calmdesk directory sync` and `calmdesk directory renumber`: callers from the organisation's
directory (LDAP / Active Directory, a CSV export, a vCard file), and numbers read again in the
desk's phone region."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from app.domain.errors import CalmdeskError
from app.settings import Settings, directory_config

if TYPE_CHECKING:
    from app.services.context import ServiceContext

KEYRING_SERVICE = "calmdesk-directory"


class DirectorySettingsError(CalmdeskError):
    """An LDAP sync without what it needs: says which setting or option to give."""


def add_directory_parser(commands: Any, db_option: argparse.ArgumentParser) -> None:
    directory = commands.add_parser(
        "directory", help="callers from LDAP / Active Directory, CSV or vCard", parents=[db_option]
    )
    actions = directory.add_subparsers(dest="directory_command", metavar="action", required=True)
    sync = actions.add_parser(
        "sync", help="add and update callers from a directory (never twice)", parents=[db_option]
    )
    source = sync.add_mutually_exclusive_group(required=True)
    source.add_argument("--ldap", metavar="URL", nargs="?", const="", help="ldap[s]://host[:port]")
    source.add_argument("--csv", metavar="FILE", type=Path, help="a CSV export with a header")
    source.add_argument("--vcard", metavar="FILE", type=Path, help="a vCard (.vcf) file")
    sync.add_argument("--base-dn", help="where to search (setting: base_dn)")
    sync.add_argument("--bind-dn", help="who to log in as (setting: bind_dn); none: anonymous")
    sync.add_argument(
        "--password-file", type=Path, help="the bind password's file (else the OS keyring)"
    )
    sync.add_argument("--vip-group", metavar="DN", help="members of this group are VIPs")
    sync.add_argument("--filter", help="the LDAP search filter (default (objectClass=person))")
    sync.add_argument(
        "--active-directory", action="store_true", help="Active Directory's attribute names"
    )
    actions.add_parser(
        "renumber",
        help="read every saved number again in the phone region (after changing it)",
        parents=[db_option],
    )


def run_directory(
    ctx: ServiceContext, args: argparse.Namespace, settings: Settings, out: TextIO
) -> int:
    from app.services.directory.sync import DirectorySync

    sync = DirectorySync(ctx)
    if args.directory_command == "renumber":
        changed = sync.renumber()
        print(
            f"{changed} contacts' numbers read again in region {ctx.phone_region or '(none)'}",
            file=out,
        )
        return 0
    if args.csv is not None:
        from app.adapters.directory_files import read_csv

        people, source = read_csv(args.csv), str(args.csv)
    elif args.vcard is not None:
        from app.adapters.directory_files import read_vcard

        people, source = read_vcard(args.vcard), str(args.vcard)
    else:
        from app.adapters.ldap_directory import read_ldap

        ldap = ldap_source(args, directory_config(settings))
        people, source = read_ldap(ldap), ldap.url
    report = sync.apply(people)
    print(f"{source}: {len(people)} people; contacts {report}", file=out)
    return 0


def ldap_source(args: argparse.Namespace, config: dict[str, object]) -> Any:
    """The LDAP source from the options, else the "directory" settings."""
    from app.adapters.ldap_directory import ACTIVE_DIRECTORY, DEFAULT_ATTRIBUTES, LdapSource

    def setting(option: str | None, key: str) -> str:
        value = option if option else config.get(key, "")
        return str(value) if value else ""

    url = setting(args.ldap, "ldap_url")
    base_dn = setting(args.base_dn, "base_dn")
    if not url or not base_dn:
        raise DirectorySettingsError(
            "An LDAP sync needs the server and where to search: --ldap URL --base-dn DN, or "
            '"ldap_url" and "base_dn" in the "directory" settings.'
        )
    bind_dn = setting(args.bind_dn, "bind_dn")
    password_file = args.password_file or (
        Path(str(config["password_file"])) if config.get("password_file") else None
    )
    password = _password(bind_dn, password_file)
    attributes = dict(
        ACTIVE_DIRECTORY
        if args.active_directory or config.get("active_directory")
        else DEFAULT_ATTRIBUTES
    )
    mapped = config.get("attributes")
    if isinstance(mapped, dict):
        attributes.update({str(k): str(v) for k, v in mapped.items()})
    return LdapSource(
        url=url,
        base_dn=base_dn,
        bind_dn=bind_dn,
        password=password,
        search_filter=setting(args.filter, "filter") or "(objectClass=person)",
        vip_group=setting(args.vip_group, "vip_group"),
        attributes=attributes,
    )


def _password(bind_dn: str, password_file: Path | None) -> str:
    if not bind_dn:
        return ""
    if password_file is not None:
        try:
            return password_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise DirectorySettingsError(
                f"Cannot read the bind password from {password_file}: {exc.strerror}."
            ) from None
    import keyring

    password = keyring.get_password(KEYRING_SERVICE, bind_dn)
    if not password:
        raise DirectorySettingsError(
            f"No password for {bind_dn}: give --password-file FILE, or store it in the OS "
            f"keyring: keyring set {KEYRING_SERVICE} '{bind_dn}'."
        )
    return str(password)
