"""The data commands of the CLI: `calmdesk import servicenow|csv FILE` and the export kinds
beyond `export incidents` (calls, timeline). app/cli.py adds these parsers and dispatches here."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from app.adapters.export_formats import FORMATS
from app.services.errors import InvalidInput

if TYPE_CHECKING:
    from app.services.context import ServiceContext
    from app.services.imports.writer import ImportReport

REJECTED_SHOWN = 50


def add_import_parser(commands: Any, db_option: argparse.ArgumentParser) -> None:
    imp = commands.add_parser(
        "import", help="import incidents from another help desk", parents=[db_option]
    )
    kinds = imp.add_subparsers(dest="import_what", metavar="kind", required=True)
    servicenow = kinds.add_parser(
        "servicenow",
        help="a ServiceNow incident event log (.csv or .csv.xz)",
        parents=[db_option],
    )
    servicenow.add_argument("file", type=Path)
    generic = kinds.add_parser(
        "csv", help="any CSV, one incident per row, with a column mapping", parents=[db_option]
    )
    generic.add_argument("file", type=Path)
    generic.add_argument(
        "--mapping", required=True, type=Path, metavar="M", help="the mapping (.json or .toml)"
    )
    for kind in (servicenow, generic):
        kind.add_argument(
            "--rejected-out", type=Path, metavar="FILE", help="write every rejected row here"
        )


def add_export_parsers(export_what: Any, db_option: argparse.ArgumentParser) -> None:
    calls = export_what.add_parser("calls", help="one row per call", parents=[db_option])
    calls.add_argument("--format", choices=FORMATS, default="csv")
    calls.add_argument("--out", metavar="FILE", required=True, type=Path)
    timeline = export_what.add_parser(
        "timeline", help="one incident's timeline", parents=[db_option]
    )
    timeline.add_argument("number", help="the incident number, e.g. INC0001234")
    timeline.add_argument("--format", choices=FORMATS, default="csv")
    timeline.add_argument("--out", metavar="FILE", required=True, type=Path)


class _ProgressLine:
    """`Importing file.csv.xz… 42%` rewritten in place on a terminal, every 5% otherwise."""

    def __init__(self, name: str, stream: TextIO) -> None:
        self._name, self._stream, self._last = name, stream, -1
        self._tty = stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        percent = 100 * done // max(total, 1)
        if percent == self._last or (not self._tty and percent - self._last < 5 < 100 - percent):
            return
        self._last = percent
        end = "\r" if self._tty and percent < 100 else "\n"
        print(f"Importing {self._name}… {percent}%", end=end, file=self._stream, flush=True)


def run_import(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    # The importers load only for an import: the console shares the CLI's parser (start-up time).
    from app.adapters.csv_mapping import MappingError, load_mapping
    from app.services.imports.commands import import_csv, import_servicenow

    progress = _ProgressLine(args.file.name, sys.stderr)
    if args.import_what == "servicenow":
        report = import_servicenow(ctx, args.file, progress=progress)
    else:
        try:
            mapping = load_mapping(args.mapping)
        except MappingError as exc:
            raise InvalidInput("mapping", str(exc)) from exc
        report = import_csv(ctx, args.file, mapping, progress=progress)
    _print_report(report, args.rejected_out, out)
    return 0


def _print_report(report: ImportReport, rejected_out: Path | None, out: TextIO) -> None:
    print(report.summary, file=out)
    if rejected_out is not None:
        rejected_out.write_text("".join(f"{r}\n" for r in report.rejected), encoding="utf-8")
        print(f"Rejected rows written to {rejected_out}", file=out)
    else:
        _print_some("rejected", report.rejected, "use --rejected-out FILE", out)
    _print_some("renumbered", report.renumbered, "each says so on its timeline", out)


def _print_some(label: str, items: Sequence[object], more: str, out: TextIO) -> None:
    for item in items[:REJECTED_SHOWN]:
        print(f"  {label} {item}", file=out)
    if len(items) > REJECTED_SHOWN:
        print(f"  … and {len(items) - REJECTED_SHOWN} more ({more})", file=out)


def run_export(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.adapters.tabular_export import write_records
    from app.services.reports.record_exports import (
        CALL_COLUMNS,
        TIMELINE_COLUMNS,
        call_records,
        timeline_records,
    )

    if args.export_what == "calls":
        rows = write_records(call_records(ctx), CALL_COLUMNS, args.format, args.out)
        print(f"Exported {rows} calls to {args.out}", file=out)
    else:
        records = list(timeline_records(ctx, args.number))  # NotFound before the file is made
        rows = write_records(records, TIMELINE_COLUMNS, args.format, args.out)
        print(f"Exported {rows} timeline events of {args.number.upper()} to {args.out}", file=out)
    return 0
