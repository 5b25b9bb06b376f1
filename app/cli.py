"""Headless commands: `calmdesk db upgrade`, `calmdesk demo`, `calmdesk export incidents`.

`calmdesk` with no command opens the console; that part lives in ui/launcher.py, which shares
this parser so both accept the same options.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from app import __version__
from app.adapters.tabular_export import FORMATS, write_records
from app.bootstrap import connect, start
from app.db.migrate import current_revision, head_revision
from app.domain.errors import CalmdeskError
from app.services.demo import load_demo
from app.services.exports import INCIDENT_COLUMNS, incident_records
from app.services.incident_reads import IncidentReads
from app.settings import Settings, load_settings

EPILOG = """\
The database is the local SQLite file by default. Use --db URL (or CALMDESK_DB_URL) for a team
database, for example --db postgresql://agent@db.example.com/calmdesk.

examples:
  calmdesk                                    open the console
  calmdesk demo                               load the sample data (a live Email outage)
  calmdesk export incidents --format csv --out incidents.csv
  calmdesk db upgrade --db postgresql://admin@db.example.com/calmdesk
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
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    return load_settings(db_url=getattr(args, "db", None))


def run_command(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    """Run a headless command; a user-facing error is printed as one line with exit status 1."""
    try:
        return _dispatch(args, settings_from(args), out)
    except CalmdeskError as exc:
        print(f"calmdesk: {exc}", file=sys.stderr)
        return 1


def _dispatch(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    if args.command == "db" and args.db_command == "status":
        db = connect(settings)
        current, head = current_revision(db), head_revision()
        state = "up to date" if current == head else f"needs upgrade to {head}"
        print(f"{db.description}: schema {current or 'empty'} ({state})", file=out)
        return 0
    session = start(settings)
    ctx = session.ctx
    if args.command == "db":
        report = session.upgrade
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
    if args.command == "export":
        rows = write_records(incident_records(ctx), INCIDENT_COLUMNS, args.format, args.out)
        print(f"Exported {rows} incidents to {args.out}", file=out)
        return 0
    raise AssertionError(f"unhandled command {args.command!r}")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point for the headless commands only (`python -m app.cli ...`)."""
    args = build_parser().parse_args(argv)
    if args.command is None:
        print(
            "calmdesk: give a command (see --help); `calmdesk` alone opens the console.",
            file=sys.stderr,
        )
        return 2
    return run_command(args)


if __name__ == "__main__":
    raise SystemExit(main())
