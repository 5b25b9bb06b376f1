"""Headless commands: `calmdesk db upgrade`, `calmdesk demo`, `calmdesk export incidents`.

`calmdesk` with no command opens the console; that part lives in ui/launcher.py, which shares
this parser so both accept the same options.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from app import __version__
from app.adapters.export_formats import FORMATS
from app.cli_data import add_export_parsers, add_import_parser
from app.cli_directory import add_directory_parser
from app.cli_intake import add_intake_parser
from app.cli_report import add_report_parser
from app.domain.errors import CalmdeskError
from app.domain.roles import Role
from app.settings import Settings, load_settings

if TYPE_CHECKING:
    from app.services.context import ServiceContext

EPILOG = """\
The database is the local SQLite file by default. Use --db URL (or CALMDESK_DB_URL) for a team
database, for example --db postgresql://agent@db.example.com/calmdesk.

examples:
  calmdesk                                    open the console
  calmdesk demo                               load the sample data (a live Email outage)
  calmdesk export incidents --format csv --out incidents.csv
  calmdesk export timeline INC0001234 --format json --out timeline.json
  calmdesk import servicenow incident_event_log.csv.xz
  calmdesk import csv other_desk.csv --mapping other_desk.json
  calmdesk status-page publish --out /var/www/status
  calmdesk report --from 2026-01-01 --to 2026-01-31 --team "Service desk" --format csv
  calmdesk db upgrade --db postgresql://admin@db.example.com/calmdesk
  calmdesk db init-postgres --db postgresql://admin@db.example.com/calmdesk
  calmdesk db restore                         put the last backup of the local file in place
  calmdesk db add-agent --login sam --name "Sam Okafor" --role supervisor --password-prompt
  calmdesk call --from "+44 20 7946 0000"     an incoming call (also: calmdesk tel:+44...)
  calmdesk directory sync --csv people.csv     callers from the directory (--ldap URL, --vcard)
  calmdesk intake serve --db postgresql://intake@db/calmdesk --listen 0.0.0.0:9094 \
      --token-file /etc/calmdesk/intake.token --mapping /etc/calmdesk/mapping.toml
"""


def build_parser() -> argparse.ArgumentParser:
    db_option = argparse.ArgumentParser(add_help=False)
    db_option.add_argument(
        "--db",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="database URL (default: the local SQLite file, or CALMDESK_DB_URL)",
    )
    parser = argparse.ArgumentParser(
        prog="calmdesk",
        description="Calmdesk: a calm help-desk console for IT incidents.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[db_option],
    )
    parser.add_argument("--version", action="version", version=f"calmdesk {__version__}")
    parser.add_argument(
        "--exit-when-ready",
        action="store_true",
        help="open the console, wait until the queue is loaded and painted, print the time, exit",
    )
    commands = parser.add_subparsers(dest="command", metavar="command")

    db = commands.add_parser("db", help="database administration", parents=[db_option])
    db_commands = db.add_subparsers(dest="db_command", metavar="action", required=True)
    db_commands.add_parser("upgrade", help="bring the schema to this version", parents=[db_option])
    db_commands.add_parser("status", help="show the schema version", parents=[db_option])
    restore = db_commands.add_parser(
        "restore",
        help="put the last backup of the local file in place (the current file is kept aside)",
        parents=[db_option],
    )
    restore.add_argument("--backup", metavar="FILE", type=Path, help="this backup, not the last")
    db_commands.add_parser(
        "init-postgres",
        help="set up a team PostgreSQL database: schema, roles and least-privilege grants",
        parents=[db_option],
    )
    add_agent = db_commands.add_parser(
        "add-agent",
        help="create or update an agent and (on PostgreSQL) their database login",
        parents=[db_option],
    )
    add_agent.add_argument("--login", required=True, help="their database (or OS) login")
    add_agent.add_argument("--name", required=True, help="their display name")
    add_agent.add_argument("--role", choices=[r.value for r in Role], default=Role.AGENT.value)
    add_agent.add_argument(
        "--password-prompt",
        action="store_true",
        help="ask for the login's password (otherwise the login uses the server's other methods)",
    )

    demo = commands.add_parser(
        "demo",
        help="load the sample data: a live Email outage and 200 incidents",
        parents=[db_option],
    )
    demo.add_argument("--force", action="store_true", help="add the sample even if incidents exist")

    export = commands.add_parser("export", help="export data to a file", parents=[db_option])
    export_what = export.add_subparsers(dest="export_what", metavar="what", required=True)
    incidents = export_what.add_parser(
        "incidents", help="one row per incident", parents=[db_option]
    )
    incidents.add_argument("--format", choices=FORMATS, default="csv")
    incidents.add_argument("--out", metavar="FILE", required=True, type=Path)
    add_export_parsers(export_what, db_option)
    add_import_parser(commands, db_option)
    add_report_parser(commands, db_option)
    status_page = commands.add_parser(
        "status-page", help="the public status page", parents=[db_option]
    )
    page_commands = status_page.add_subparsers(dest="page_command", metavar="action", required=True)
    publish = page_commands.add_parser(
        "publish",
        help="write index.html, api/v2/summary.json and history.atom",
        parents=[db_option],
    )
    publish.add_argument(
        "--out",
        metavar="DIR_OR_URL",
        help="a folder, or an http(s) PUT / WebDAV address (default: the team's target)",
    )
    add_intake_parser(commands, db_option)
    add_directory_parser(commands, db_option)
    call = commands.add_parser(
        "call",
        help="an incoming call: the console comes to the front with the call form filled",
        parents=[db_option],
    )
    call.add_argument(
        "--from",
        dest="from_number",
        metavar="NUMBER",
        help="the caller's number, in any spelling, or a tel: / callto: link",
    )
    call.add_argument("link", nargs="?", help="a tel: or callto: link (what softphones pass)")
    return parser


def incoming_number(args: argparse.Namespace) -> str | None:
    """The number `calmdesk call` was given (--from, or the link), None for other commands."""
    if args.command != "call":
        return None
    return str(args.from_number or args.link or "").strip()


def settings_from(args: argparse.Namespace) -> Settings:
    return load_settings(db_url=getattr(args, "db", None))


def run_command(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Run a headless command, printing to `out` (the standard output of the moment if None); a
    user-facing error is printed as one line with exit status 1."""
    try:
        return _dispatch(args, settings_from(args), out or sys.stdout)
    except CalmdeskError as exc:
        print(f"calmdesk: {exc}", file=sys.stderr)
        return 1


def _dispatch(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    # Imported here, not at the top: `calmdesk` (the console) shares this module for its parser,
    # and each of these costs start-up time the console does not need (SQLAlchemy among them:
    # the console paints its first screen before importing it, ui/console.py).
    from app.adapters.tabular_export import write_records
    from app.bootstrap import connect, require_existing, start
    from app.cli_data import run_export, run_import
    from app.db.migrate import current_revision, head_revision
    from app.services.admin.demo import load_demo
    from app.services.admin.team_setup import refresh_grants
    from app.services.incidents.reads import IncidentReads
    from app.services.reports.incident_exports import INCIDENT_COLUMNS, incident_records

    only_reads = (
        args.command in ("export", "report", "status-page")
        or getattr(args, "db_command", "") == "status"
    )
    if only_reads:
        require_existing(settings)
    if args.command == "db" and args.db_command == "status":
        db = connect(settings)
        current, head = current_revision(db), head_revision()
        state = "up to date" if current == head else f"needs upgrade to {head}"
        print(f"{db.description}: schema {current or 'empty'} ({state})", file=out)
        return 0
    if args.command == "db" and args.db_command == "init-postgres":
        return _init_postgres(settings, out)
    if args.command == "db" and args.db_command == "restore":
        return _restore(settings, args.backup, out)
    if args.command == "intake":
        from app.cli_intake import run_intake

        return run_intake(args, settings, out)
    session = start(settings)
    ctx = session.ctx
    if args.command == "db" and args.db_command == "add-agent":
        return _add_agent(ctx, args, out)
    if args.command == "db":
        report = session.upgrade
        granted = refresh_grants(ctx.db)
        if granted is not None:
            print(f"{ctx.db.description}: grants checked on {granted} tables", file=out)
        if report.changed:
            backup = f"; backup at {report.backup}" if report.backup else ""
            print(
                f"{ctx.db.description}: upgraded schema {report.from_revision or 'empty'} "
                f"-> {report.to_revision}{backup}",
                file=out,
            )
        else:
            print(f"{ctx.db.description}: schema {report.to_revision} is up to date", file=out)
        return 0
    if args.command == "demo":
        created = load_demo(ctx, force=args.force)
        total = IncidentReads(ctx).count()
        print(
            f"Loaded the sample into {ctx.db.description}: {created} incidents "
            f"({total} in all). Run `calmdesk` to open the console.",
            file=out,
        )
        return 0
    if args.command == "import":
        return run_import(ctx, args, out)
    if args.command == "directory":
        from app.cli_directory import run_directory

        return run_directory(ctx, args, settings, out)
    if args.command == "report":
        from app.cli_report import run_report

        return run_report(ctx, args, out)
    if args.command == "status-page":
        return _publish_status_page(ctx, args.out, out)
    if args.command == "export" and args.export_what != "incidents":
        return run_export(ctx, args, out)
    if args.command == "export":
        rows = write_records(incident_records(ctx), INCIDENT_COLUMNS, args.format, args.out)
        print(f"Exported {rows} incidents to {args.out}", file=out)
        return 0
    raise AssertionError(f"unhandled command {args.command!r}")


def _publish_status_page(ctx: ServiceContext, where: str | None, out: TextIO) -> int:
    from app.services.status_page.publishing import build, publish_to

    page = build(ctx)
    target = where or page.settings.target
    if not target:
        raise CalmdeskError(
            "Say where to write the page: --out DIR (or an http(s) address), or set the team's "
            "target in the console (Supervisor > Public status page…)."
        )
    publish_to(target, page)
    print(f"Published the status page to {target} ({len(page.files)} files)", file=out)
    return 0


def _init_postgres(settings: Settings, out: TextIO) -> int:
    from app.bootstrap import connect, os_login
    from app.db.grants import GROUPS
    from app.services.admin.identity import identify
    from app.services.admin.team_setup import init_postgres

    db = connect(settings)
    try:
        ready = init_postgres(db)
        admin = identify(db, os_login())
    finally:
        db.dispose()
    print(
        f"{db.description}: schema {ready.upgrade.to_revision}; roles {', '.join(GROUPS)} "
        f"ready, grants on {ready.tables} tables; the timeline is append-only. You are "
        f"{admin.name} ({admin.role.value}). Add agents with `calmdesk db add-agent`.",
        file=out,
    )
    return 0


def _restore(settings: Settings, chosen: Path | None, out: TextIO) -> int:
    from app.services.admin.local_file_recovery import (
        aside_path,
        backup_from,
        latest_backup,
        restore_backup,
        sqlite_file,
    )

    file = sqlite_file(settings.db_url)
    if file is None:
        raise CalmdeskError(
            "`calmdesk db restore` restores the local SQLite file; a PostgreSQL database is "
            "restored by its administrator from the server's own backups."
        )
    backup = backup_from(chosen) if chosen else latest_backup(settings.backup_dir, file)
    if backup is None:
        raise CalmdeskError(f"There is no backup of {file} in {settings.backup_dir} yet.")
    kept = restore_backup(file, backup, aside_path(file, datetime.now()))
    aside = f"; the previous file is kept as {kept}" if kept else ""
    print(f"Restored {file} from {backup.path} ({backup.when}){aside}", file=out)
    return 0


def _add_agent(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.services.admin.team_setup import add_agent

    password = None
    if args.password_prompt:
        password = getpass.getpass(f"Password for {args.login}: ")
        if getpass.getpass("Again, to confirm: ") != password:
            print("calmdesk: the two passwords differ; nothing was changed.", file=sys.stderr)
            return 1
    added = add_agent(ctx, args.login, args.name, Role(args.role), password)
    verb = "Added" if added.new_agent else "Updated"
    login = ""
    if added.new_login is not None:
        made = "created" if added.new_login else "updated"
        login = f"; database login {added.login} {made} in calmdesk_{added.role.value}"
    print(f"{verb} {added.name} ({added.login}, {added.role.value}){login}", file=out)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point for the headless commands only (`python -m app.cli ...`)."""
    args = build_parser().parse_args(argv)
    if args.command is None or args.command == "call":
        print(
            "calmdesk: give a command (see --help); `calmdesk` alone opens the console, and "
            "`calmdesk call` hands an incoming call to it.",
            file=sys.stderr,
        )
        return 2
    return run_command(args)


if __name__ == "__main__":
    raise SystemExit(main())
