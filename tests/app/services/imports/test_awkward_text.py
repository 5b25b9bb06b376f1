"""Text that bulk paths trip on (COPY's tab, newline, backslash and `\\N` for NULL; quotes;
non-ASCII) arrives exactly as the file wrote it, on SQLite and PostgreSQL, and a re-import adds
nothing; a NUL, which no database text column takes, rejects its row with its line and reason."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select

from app.db.models import Agent, Contact, Incident, Team, TimelineEvent
from app.services.context import ServiceContext
from app.services.imports.commands import import_servicenow

FIRST50 = Path(__file__).resolve().parents[3] / "fixtures" / "servicenow_first50.csv"
AWKWARD = {
    "assignment_group": 'Tab\there, "quoted" \\N',
    "assigned_to": "Zoë O'Brien \\ back\\slash",
    "caller_id": "Line one\nline two\r\nthree",
    "category": "Catégorie ünïcode 日本語 \\t",
    "closed_code": "\\.\nend of copy?",
}


def _awkward_log(path: Path) -> None:
    """The fixture's first incident with awkward text in every free-text column, and the
    second incident's first row holding a NUL."""
    with FIRST50.open(encoding="utf-8", newline="") as source:
        rows = list(csv.reader(source))
    header = rows[0]
    first = [row for row in rows[1:] if row[0] == rows[1][0]]
    second = next(row for row in rows[1:] if row[0] != rows[1][0])
    for row in first:
        for column, text in AWKWARD.items():
            row[header.index(column)] = text
    broken = list(second)
    broken[header.index("location")] = "Loc\x00ation"
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([header, *first, broken])


def test_awkward_text_arrives_exactly_and_a_nul_rejects_its_row(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    path = tmp_path / "awkward.csv"
    _awkward_log(path)
    report = import_servicenow(ctx, path)
    assert report.incidents_created == 1
    [rejected] = report.rejected
    assert rejected.line == path.read_bytes().count(b"\n")  # the last line: quoted newlines count
    assert "holds a NUL character" in rejected.reason
    with ctx.db.read() as session:
        incident = session.scalars(select(Incident)).one()
        team = session.scalars(select(Team.name).where(Team.id == incident.team_id)).one()
        agent = session.scalars(select(Agent.name).where(Agent.id == incident.assignee_id)).one()
        caller = session.scalars(
            select(Contact.external_ref).where(Contact.id == incident.caller_id)
        ).one()
        summaries = set(session.scalars(select(TimelineEvent.summary)))
    assert team == AWKWARD["assignment_group"]
    assert agent == AWKWARD["assigned_to"]
    assert caller == AWKWARD["caller_id"]
    assert incident.category == AWKWARD["category"]
    assert incident.resolution == AWKWARD["closed_code"]
    assert incident.title.startswith(AWKWARD["category"] + " / ")
    who = f"Assigned to {AWKWARD['assigned_to']} ({AWKWARD['assignment_group']})"
    assert who in summaries
    again = import_servicenow(ctx, path)
    assert (again.incidents_created, again.incidents_updated, again.events_added) == (0, 1, 0)
