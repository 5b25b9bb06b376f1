"""Importing the ServiceNow incident event log and other help desks' CSV files."""

from __future__ import annotations

import csv
import json
import lzma
from collections import Counter as Tally
from pathlib import Path

import pytest
from sqlalchemy import Text, cast, func, select

from app.adapters.csv_mapping import load_mapping
from app.adapters.mapping_check import read_preview
from app.db.models import Agent, Contact, Incident, Team, TimelineEvent
from app.services.context import ServiceContext
from app.services.errors import InvalidInput
from app.services.imports import writer
from app.services.imports.commands import import_csv, import_servicenow
from app.services.imports.writer import ImportCancelled
from tests.helpers import DATA_DIR, open_incident

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"
FIRST50 = FIXTURES / "servicenow_first50.csv"
SAMPLE = DATA_DIR / "uci498_incident_event_log_sample_first1000incidents.csv"
FULL = DATA_DIR / "uci498_incident_event_log.csv.xz"
BPIC14 = FIXTURES / "bpic2014_first100_cases.csv"


def _need(path: Path) -> Path:
    assert path.is_file(), f"{path} belongs to the repository (data/README.md)"
    return path


def _count(ctx: ServiceContext, column: object) -> int:
    with ctx.db.read() as session:
        return int(session.scalar(select(func.count(column))) or 0)  # type: ignore[arg-type]


def _header() -> str:
    return FIRST50.read_text(encoding="utf-8").splitlines()[0]


def _lines(n: int) -> list[str]:
    return FIRST50.read_text(encoding="utf-8").splitlines()[1 : n + 1]


def test_the_fixture_imports_as_fifty_incidents_with_their_history(ctx: ServiceContext) -> None:
    report = import_servicenow(ctx, FIRST50)
    assert (report.rows_read, report.incidents_created, report.incidents_updated) == (308, 50, 0)
    assert report.rejected == ()
    assert report.events_added == _count(ctx, TimelineEvent.id) == 285
    with ctx.db.read() as session:
        priorities = Tally(session.scalars(select(Incident.priority)))
        statuses = Tally(session.scalars(select(Incident.status)))
        first = session.scalars(select(Incident).where(Incident.number == "INC0000045")).one()
        kinds = Tally(session.scalars(select(TimelineEvent.kind)))
        teams = session.scalar(select(func.count(Team.id)))
        callers = session.scalar(select(func.count(Contact.id)))
    # From each incident's last row in the file (priority is 93% "3 - Moderate" in the log)
    assert priorities == {3: 43, 4: 5, 2: 2}
    assert statuses == {"closed": 50}
    # Counted independently over the CSV: state changes and (group, agent) changes per incident
    assert kinds == {"created": 50, "status": 136, "assigned": 97, "priority": 2}
    assert teams == 17  # the teams of the final assignments
    assert callers == 46  # distinct callers
    assert first.title == "Category 55 / Subcategory 170 / Symptom 72"
    assert (first.impact, first.urgency, first.priority, first.channel) == (2, 2, 3, "phone")
    assert first.opened_at.isoformat() == "2016-02-29T01:16:00+00:00"  # day-first 29/2/2016
    assert first.resolved_at is not None
    assert first.resolved_at.isoformat().startswith("2016-02-29")
    assert first.closed_at is not None
    assert first.closed_at.isoformat().startswith("2016-03-05")
    assert first.acknowledged_at is not None
    assert first.resolution == "code 5"


def test_awaiting_states_become_on_hold_with_a_reason(ctx: ServiceContext) -> None:
    import_servicenow(ctx, FIRST50)
    with ctx.db.read() as session:
        summaries = set(
            session.scalars(select(TimelineEvent.summary).where(TimelineEvent.kind == "status"))
        )
    assert "In progress → On hold (awaiting caller)" in summaries
    assert "In progress → On hold (awaiting change)" in summaries  # Awaiting Problem


def test_reimport_updates_and_never_duplicates(ctx: ServiceContext) -> None:
    import_servicenow(ctx, FIRST50)
    events = _count(ctx, TimelineEvent.id)
    again = import_servicenow(ctx, FIRST50)
    assert (again.incidents_created, again.incidents_updated, again.events_added) == (0, 50, 0)
    assert _count(ctx, Incident.id) == 50
    assert _count(ctx, TimelineEvent.id) == events
    assert _count(ctx, Agent.id) == _count(ctx, Agent.id)  # no new people either


def test_new_incidents_are_numbered_after_the_imported_ones(ctx: ServiceContext) -> None:
    import_servicenow(ctx, FIRST50)
    assert open_incident(ctx).number == "INC0000127"


def test_malformed_rows_are_listed_with_line_and_reason(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    good = _lines(3)  # INC0000045's three rows: lines 2-4
    junk_state = good[0].replace(",New,", ",-100,", 1)
    short = "INC0000999,Active,true"
    bad_date = good[0].replace("INC0000045", "INC0000998").replace("29/2/2016 01:16", "2016-02-29")
    no_number = good[0].replace("INC0000045", "?")
    path = tmp_path / "broken.csv"
    text = "\n".join([_header(), *good, junk_state, short, bad_date, no_number]) + "\n"
    path.write_text(text, encoding="utf-8")
    report = import_servicenow(ctx, path)
    assert report.incidents_created == 1
    reasons = {r.line: r.reason for r in report.rejected}
    assert set(reasons) == {5, 6, 7, 8}
    assert "-100" in reasons[5]
    assert "has 3 fields" in reasons[6]
    assert "D/M/YYYY" in reasons[7]
    assert "number is missing" in reasons[8]


def test_a_junk_state_row_is_rejected_but_its_incident_kept(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    rows = _lines(3)
    rows[1] = rows[1].replace(",Resolved,", ",-100,", 1)
    path = tmp_path / "junk.csv"
    path.write_text("\n".join([_header(), *rows]) + "\n", encoding="utf-8")
    report = import_servicenow(ctx, path)
    assert report.incidents_created == 1
    assert [(r.line, "unknown incident_state '-100'" in r.reason) for r in report.rejected] == [
        (3, True)
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"number,incident_state\n", "not a CSV file"),
        ("empty.csv", b"", "is empty"),
        ("other.csv", b"id,title\n1,Printer\n", "not a ServiceNow incident event log"),
        ("broken.csv.xz", b"this is not xz data", "line 0: the compressed file is damaged"),
        ("latin1.csv", bytes(range(128, 256)) * 4, "line 1: byte 0x80 is not UTF-8 text"),
        ("binary.csv", bytes(range(256)) * 4, "line 1: it holds binary data"),
    ],
)
def test_a_file_that_is_not_a_servicenow_log_is_refused_clearly(
    ctx: ServiceContext, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InvalidInput, match=message):
        import_servicenow(ctx, path)
    assert _count(ctx, Incident.id) == 0


def test_cancelling_leaves_nothing_behind(ctx: ServiceContext) -> None:
    with pytest.raises(ImportCancelled):
        import_servicenow(ctx, _need(SAMPLE), cancelled=lambda: True)
    assert _count(ctx, Incident.id) == 0
    assert _count(ctx, TimelineEvent.id) == 0


def test_progress_is_reported_up_to_the_whole_file(ctx: ServiceContext) -> None:
    seen: list[tuple[int, int]] = []
    import_servicenow(ctx, _need(SAMPLE), progress=lambda done, total: seen.append((done, total)))
    assert len(seen) >= 2
    assert seen[-1][0] == seen[-1][1] == SAMPLE.stat().st_size
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


@pytest.mark.slow
def test_the_thousand_incident_sample_imports_whole(ctx: ServiceContext) -> None:
    report = import_servicenow(ctx, _need(SAMPLE))
    assert (report.rows_read, report.incidents_created, len(report.rejected)) == (6784, 1000, 0)
    assert _count(ctx, Incident.id) == 1000


@pytest.mark.slow
def test_the_full_compressed_log_imports_with_only_its_junk_rows_rejected(
    sqlite_ctx: ServiceContext, tmp_path: Path
) -> None:
    report = import_servicenow(sqlite_ctx, _need(FULL))
    assert (report.rows_read, report.incidents_created) == (141_712, 24_918)
    # The junk state -100 (5 rows, per the data README) and nothing else.
    assert len(report.rejected) == 5
    assert all("-100" in r.reason for r in report.rejected)
    assert report.seconds > 0  # the summary says how long it took; its speed is bench/'s
    with lzma.open(FULL, "rt") as stream:
        assert stream.readline().startswith("number,incident_state")


@pytest.mark.parametrize("separator", [";", "\t"], ids=["semicolons", "tabs"])
def test_a_csv_separated_by_semicolons_or_tabs_imports_the_same(
    sqlite_ctx: ServiceContext, tmp_path: Path, separator: str
) -> None:
    """As spreadsheets write CSV where the comma is the decimal mark, or as a tab export."""
    with _need(BPIC14).open(encoding="utf-8", newline="") as source:
        rows = list(csv.reader(source))
    other = tmp_path / "cases.csv"
    with other.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out, delimiter=separator).writerows(rows)
    preview = read_preview(other)
    assert len(preview.header) == len(rows[0]) == 28
    assert preview.rows[0][1] == tuple(rows[1])
    report = import_csv(sqlite_ctx, other, load_mapping(FIXTURES / "bpic2014_mapping.json"))
    assert (report.rows_read, report.incidents_created, len(report.rejected)) == (100, 100, 0)
    with sqlite_ctx.db.read() as session:
        first = session.scalars(select(Incident).where(Incident.number == "IM0000013")).one()
    assert first.opened_at.isoformat() == "2012-08-10T11:27:59+00:00"


def test_bpic2014_cases_import_through_a_mapping(ctx: ServiceContext) -> None:
    mapping = load_mapping(FIXTURES / "bpic2014_mapping.json")
    report = import_csv(ctx, _need(BPIC14), mapping)
    assert (report.rows_read, report.incidents_created, len(report.rejected)) == (100, 100, 0)
    with ctx.db.read() as session:
        first = session.scalars(select(Incident).where(Incident.number == "IM0000013")).one()
    assert (first.status, first.impact, first.urgency, first.priority) == ("closed", 3, 3, 4)
    assert first.opened_at.isoformat() == "2012-08-10T11:27:59+00:00"
    assert first.title.startswith("incident: WBA000124")


def test_timeline_details_are_the_text_json_dumps_writes(ctx: ServiceContext) -> None:
    # The reader builds the details' JSON text from pieces kept per distinct change; it must be
    # exactly what json.dumps writes for the same facts, key order included.
    import_servicenow(ctx, FIRST50)
    with ctx.db.read() as session:
        texts = session.execute(
            select(TimelineEvent.kind, cast(TimelineEvent.details, Text))
            .join(Incident, Incident.id == TimelineEvent.incident_id)
            .where(Incident.number == "INC0000045")
            .order_by(TimelineEvent.id)
        ).all()
        every = list(session.scalars(select(cast(TimelineEvent.details, Text))))
    first = {"source": "servicenow", "line": 2, "by": "Updated by 21"}
    assert texts[:3] == [
        ("created", json.dumps(first)),
        ("assigned", json.dumps({**first, "agent": None, "team": "Group 56"})),
        (
            "status",
            json.dumps(
                {"source": "servicenow", "line": 3, "by": "Updated by 642"}
                | {"from": "new", "to": "resolved", "hold": None}
            ),
        ),
    ]
    assert all(text == json.dumps(json.loads(text)) for text in every)
    priorities = [json.loads(t) for t in every if '"from": ' in t and '"hold"' not in t]
    assert priorities
    assert all(isinstance(p["from"], int) for p in priorities)


def test_a_log_that_grew_adds_only_the_new_events(ctx: ServiceContext, tmp_path: Path) -> None:
    # The first 100 rows cut some incidents short; importing the whole log afterwards adds just
    # what those rows did not hold, to the same incidents, and ends as one import of it would.
    start = tmp_path / "start.csv"
    start.write_text("\n".join([_header(), *_lines(100)]) + "\n", encoding="utf-8")
    first = import_servicenow(ctx, start)
    whole = import_servicenow(ctx, FIRST50)
    assert whole.incidents_created == 50 - first.incidents_created
    assert first.events_added + whole.events_added == _count(ctx, TimelineEvent.id) == 285
    with ctx.db.read() as session:
        repeated = session.execute(
            select(TimelineEvent.incident_id, TimelineEvent.at, TimelineEvent.summary)
            .group_by(TimelineEvent.incident_id, TimelineEvent.at, TimelineEvent.summary)
            .having(func.count() > 1)
        ).all()
    assert repeated == []


def test_new_people_get_ids_per_thousand_incidents_whatever_the_batch(
    ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Scaled down: people per 10 incidents, batches of 50 on both databases. Teams, agents and
    # callers new to the database are numbered slice by slice of the file, in name order within
    # a slice, so their ids do not hang on the batch size (PostgreSQL's batches are bigger).
    monkeypatch.setattr(writer, "BATCH", 10)
    monkeypatch.setattr(writer, "REMOTE_BATCH", 50)
    import_servicenow(ctx, FIXTURES / "servicenow_first50.csv")
    with ctx.db.read() as session:
        incidents = session.execute(
            select(Team.name, Agent.login, Contact.external_ref)
            .select_from(Incident)
            .outerjoin(Team, Team.id == Incident.team_id)
            .outerjoin(Agent, Agent.id == Incident.assignee_id)
            .outerjoin(Contact, Contact.id == Incident.caller_id)
            .order_by(Incident.id)
        ).all()
        made = [
            list(session.scalars(select(Team.name).order_by(Team.id))),
            list(session.scalars(select(Agent.login).order_by(Agent.id))),
            list(session.scalars(select(Contact.external_ref).order_by(Contact.id))),
        ]
    assert len(incidents) == 50
    for kind, found in enumerate(made):
        expected: list[str] = []
        for start in range(0, 50, 10):
            names = {row[kind] for row in incidents[start : start + 10] if row[kind]}
            expected += sorted(names - set(expected))
        assert [name for name in found if name in expected] == expected


def test_a_help_desk_that_records_only_the_closing_counts_as_resolved_and_time_travel_is_refused(
    sqlite_ctx: ServiceContext, tmp_path: Path
) -> None:
    export = tmp_path / "tickets.csv"
    export.write_text(
        "Ticket;Summary;Opened;Closed On;State\n"
        "T-1001;Printer jam on 3rd floor;31.01.2026 13:45;31.01.2026 16:45;Closed\n"
        "T-1005;VPN drops;02.02.2026 10:00;02.02.2026 09:00;Closed\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "tickets.json"
    mapping.write_text(
        json.dumps(
            {
                "date_format": "%d.%m.%Y %H:%M",
                "fields": {
                    "number": {"column": "Ticket"},
                    "title": {"column": "Summary"},
                    "opened_at": {"column": "Opened"},
                    "closed_at": {"column": "Closed On"},
                    "status": {"column": "State", "values": {"Closed": "closed"}},
                },
            }
        ),
        encoding="utf-8",
    )
    report = import_csv(sqlite_ctx, export, load_mapping(mapping))
    assert report.incidents_created == 1
    assert [str(r) for r in report.rejected] == [
        "line 3: T-1005: closed at 2026-02-02 09:00 is before it was opened (2026-02-02 10:00)"
    ]
    with sqlite_ctx.db.read() as session:
        t1001 = session.scalars(select(Incident).where(Incident.number == "T-1001")).one()
    assert t1001.status == "closed"
    assert t1001.resolved_at == t1001.closed_at  # so the reports count it as resolved
    assert t1001.resolved_at is not None
    assert t1001.resolved_at.isoformat() == "2026-01-31T16:45:00+00:00"
