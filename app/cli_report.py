"""`calmdesk report`: the supervisor report's tables (the same figures as the reports window) for a
date range and team, printed as text or written as CSV or JSON. app/cli.py adds the parser and
dispatches here; the report itself is app/services/reports/reads.py."""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import tempfile
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from app.adapters.spreadsheet_cells import safe_cell
from app.domain.report_range import DEFAULT_DAYS, default_range
from app.services.errors import InvalidInput

if TYPE_CHECKING:
    from app.services.context import ServiceContext
    from app.services.reports.reads import ReportTable

# The command-line name of each table -> the SupervisorReport attribute that holds it.
TABLES = {
    "summary": "summary",
    "per-day": "per_day",
    "by-priority": "by_priority",
    "backlog": "backlog",
    "majors": "majors",
}
FORMATS = ("text", "csv", "json")


def add_report_parser(commands: Any, db_option: argparse.ArgumentParser) -> None:
    report = commands.add_parser(
        "report",
        help="the supervisor report for a date range and team (text, CSV or JSON)",
        description="Opened and resolved per day, MTTA, MTTR and SLA met % by priority, reopen "
        "rate, backlog age, and each major incident's communication figures. Days are UTC.",
        parents=[db_option],
    )
    report.add_argument(
        "--from", dest="start", metavar="YYYY-MM-DD",
        help=f"the first day (default: the {DEFAULT_DAYS} days that end on --to)",
    )  # fmt: skip
    report.add_argument(
        "--to", dest="end", metavar="YYYY-MM-DD", help="the last day, included (default: today)"
    )
    report.add_argument("--team", metavar="NAME", help="one team's incidents (default: all)")
    report.add_argument("--table", choices=TABLES, help="only this table (default: all)")
    report.add_argument(
        "--format", choices=FORMATS, default="text", help="text (default, to read), csv or json"
    )
    report.add_argument("--out", metavar="FILE", type=Path, help="write to FILE, not the screen")


def run_report(ctx: ServiceContext, args: argparse.Namespace, out: TextIO) -> int:
    from app.services.reports.reads import Reports, ReportScope

    first, last = _range(args.start, args.end, ctx.clock.now().astimezone(UTC).date())
    team_id, team = _team(ctx, args.team)
    scope = ReportScope(
        datetime.combine(first, time(), tzinfo=UTC),
        datetime.combine(last + timedelta(days=1), time(), tzinfo=UTC),
        team_id,
    )
    report = Reports(ctx).supervisor(scope)
    chosen = [args.table] if args.table else list(TABLES)
    tables = [(key, getattr(report, TABLES[key])) for key in chosen]
    heading = f"Supervisor report, {first} to {last} (UTC days), {team or 'all teams'}"
    if args.format == "json":
        text = _json(first, last, team, tables)
    elif args.format == "csv":
        text = _csv(tables)
    else:
        text = heading + "\n\n" + "\n".join(_text(table) for _, table in tables)
    if args.out is None:
        out.write(text)
        return 0
    _write(args.out, text)
    what = f"the {args.table} table" if args.table else f"{len(tables)} tables"
    print(f"Wrote {what} of the supervisor report ({first} to {last}) to {args.out}", file=out)
    return 0


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            option, f"{option} {text!r} is not a date: write it as YYYY-MM-DD, e.g. 2026-01-31."
        ) from None


def _range(start: str | None, end: str | None, today: date) -> tuple[date, date]:
    last = _day(end, "--to") if end is not None else today
    first = _day(start, "--from") if start is not None else default_range(last)[0]
    if first > last:
        raise InvalidInput("--from", f"--from {first} is after --to {last}: swap them.")
    return first, last


def _team(ctx: ServiceContext, name: str | None) -> tuple[int | None, str | None]:
    if name is None:
        return None, None
    from app.services.directory.reads import Directory

    teams = Directory(ctx).teams()
    for team in teams:
        if team.name.casefold() == name.strip().casefold():
            return team.id, team.name
    if not teams:
        raise InvalidInput("--team", f"There is no team {name!r}: this database has no teams.")
    names = [t.name for t in teams]
    listed = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
    raise InvalidInput("--team", f"There is no team {name!r}. The teams are: {listed}.")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    return value


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    plain = _plain(value)
    return safe_cell(plain) if isinstance(plain, str) else plain


def _text(table: ReportTable) -> str:
    """A table as aligned columns under its title; numbers right-aligned."""
    cells = [[_short("–" if v is None else str(_plain(v))) for v in row] for row in table.rows]
    header = [c.replace("_", " ") for c in table.columns]
    widths = [max([len(h), *(len(r[n]) for r in cells)]) for n, h in enumerate(header)]
    numeric = [
        all(isinstance(row[n], int | float) or row[n] is None for row in table.rows)
        for n in range(len(header))
    ]

    def line(values: list[str]) -> str:
        padded = [
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(padded).rstrip()

    lines = [table.title, "-" * len(table.title), line(header)]
    lines += [line(row) for row in cells] or ["(none)"]
    return "\n".join(lines) + "\n"


def _short(text: str, room: int = 40) -> str:
    return text if len(text) <= room else text[: room - 1] + "…"


def _csv(tables: list[tuple[str, ReportTable]]) -> str:
    """One table: a plain CSV. Several: each under a line with its title, a blank line between."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for n, (_, table) in enumerate(tables):
        if len(tables) > 1:
            if n:
                writer.writerow([])
            writer.writerow([safe_cell(table.title)])
        writer.writerow(table.columns)
        writer.writerows([_csv_cell(v) for v in row] for row in table.rows)
    return buffer.getvalue()


def _json(first: date, last: date, team: str | None, tables: list[tuple[str, ReportTable]]) -> str:
    def value(v: Any) -> Any:
        return v.isoformat() if isinstance(v, datetime) else v

    document = {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "team": team,
        "tables": {
            key: {
                "title": table.title,
                "rows": [{k: value(v) for k, v in r.items()} for r in table.records()],
            }
            for key, table in tables
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _write(path: Path, text: str) -> None:
    """Atomically: a half-written report never replaces a good one."""
    temp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temp, path)
    except OSError as exc:
        if temp is not None:
            Path(temp).unlink(missing_ok=True)
        raise InvalidInput("--out", f"Cannot write {path}: {exc.strerror or exc}.") from exc
