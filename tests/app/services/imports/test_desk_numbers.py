"""An import into a desk that numbers its own incidents the way the file does: the desk's
incidents are never overwritten, the file's incident whose number is taken gets the next free
one (said in the report and on its timeline), and a re-import finds it again by the file's
number. Databases imported into before migration 0015 keep working the same way."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select, text, update

from app.bootstrap import os_login
from app.cli import main
from app.db.engine import Database, open_database
from app.db.migrate import alembic_config, upgrade
from app.db.models import Counter, Incident, TimelineEvent
from app.domain.clock import ManualClock
from app.services.context import ServiceContext
from app.services.directory.reads import sign_in
from app.services.imports.commands import Renumbered, import_servicenow
from tests.helpers import open_incident

FIRST50 = Path(__file__).resolve().parents[3] / "fixtures" / "servicenow_first50.csv"
# The fixture's numbers run from INC0000045 to this one.
HIGHEST_IN_FILE = max(
    int(match.group(1))
    for match in re.finditer(r"^INC(\d+),", FIRST50.read_text(encoding="utf-8"), re.M)
)


def _desk_with_incidents_45_to_48(ctx: ServiceContext) -> dict[str, str]:
    """Four incidents of the desk's own, numbered INC0000045-48 (the file has 45 and 47); their
    titles by number."""
    with ctx.db.write() as session:
        session.execute(update(Counter).where(Counter.name == "incident_number").values(value=44))
    opened = [open_incident(ctx, f"Desk's own incident {n}") for n in range(4)]
    return {incident.number: incident.title for incident in opened}


def _by_number(ctx: ServiceContext) -> dict[str, tuple[str, str | None]]:
    with ctx.db.read() as session:
        rows = session.execute(select(Incident.number, Incident.title, Incident.external_ref))
        return {number: (title, ref) for number, title, ref in rows}


def test_the_desks_own_incidents_are_left_alone_and_the_files_get_new_numbers(
    ctx: ServiceContext,
) -> None:
    own = _desk_with_incidents_45_to_48(ctx)
    assert sorted(own) == ["INC0000045", "INC0000046", "INC0000047", "INC0000048"]

    report = import_servicenow(ctx, FIRST50)

    assert (report.incidents_created, report.incidents_updated) == (50, 0)
    after = _by_number(ctx)
    assert {number: after[number] for number in own} == {
        number: (title, None) for number, title in own.items()
    }
    new_45 = f"INC{HIGHEST_IN_FILE + 1:07d}"
    new_47 = f"INC{HIGHEST_IN_FILE + 2:07d}"
    assert report.renumbered == (
        Renumbered("INC0000045", new_45),
        Renumbered("INC0000047", new_47),
    )
    assert after[new_45][1] == "INC0000045"
    assert after[new_47][1] == "INC0000047"
    assert after[new_45][0] != own["INC0000045"]
    assert len(after) == 54
    assert "2 given new numbers" in report.summary
    with ctx.db.read() as session:
        moved = session.scalar(select(Incident.id).where(Incident.number == new_45))
        history = list(
            session.execute(
                select(TimelineEvent.kind, TimelineEvent.summary)
                .where(TimelineEvent.incident_id == moved)
                .order_by(TimelineEvent.at, TimelineEvent.id)
            )
        )
    assert history[0].summary.startswith("Opened INC0000045 in ServiceNow")
    assert (
        "renumbered",
        f"Imported from {FIRST50.name}, where it is INC0000045: this desk "
        f"has an incident INC0000045 of its own, so this one is {new_45}",
    ) in history


def test_a_reimport_updates_the_renumbered_incidents_and_still_spares_the_desks(
    ctx: ServiceContext,
) -> None:
    own = _desk_with_incidents_45_to_48(ctx)
    first = import_servicenow(ctx, FIRST50)
    before = _by_number(ctx)

    again = import_servicenow(ctx, FIRST50)

    assert (again.incidents_created, again.incidents_updated, again.events_added) == (0, 50, 0)
    assert again.renumbered == ()
    assert _by_number(ctx) == before
    assert all(_by_number(ctx)[number][0] == title for number, title in own.items())
    # The desk's next incident comes after every number the imports used.
    assert open_incident(ctx).number == f"INC{HIGHEST_IN_FILE + 3:07d}"
    assert len(first.renumbered) == 2


def test_an_import_into_an_empty_desk_keeps_the_files_numbers(ctx: ServiceContext) -> None:
    report = import_servicenow(ctx, FIRST50)
    assert report.renumbered == ()
    assert all(number == ref for number, (_, ref) in _by_number(ctx).items())


@pytest.fixture
def database_at_0014(db_url: str) -> Database:
    database = open_database(db_url)
    config = alembic_config()
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0014")
    return database


def test_incidents_imported_before_0015_are_found_again_by_their_number(
    database_at_0014: Database, clock: ManualClock
) -> None:
    db = database_at_0014
    try:
        with db.engine.begin() as connection:  # as an import of the previous release left it
            connection.execute(
                text(
                    "INSERT INTO incidents (number, title, description, channel, impact, urgency,"
                    " priority, status, major, opened_at, updated_at, respond_by, resolve_by,"
                    " paused_seconds, workaround, public_message, resolution, external_ref,"
                    " version) VALUES ('INC0000045', 'Imported last year', '', 'phone', 3, 3, 3,"
                    " 'closed', false, '2016-02-29 01:16:00.000000', '2016-02-29 01:16:00.000000',"
                    " '2016-02-29 01:16:00.000000', '2016-02-29 01:16:00.000000', 0, '', '', '',"
                    " 'import', 1)"
                )
            )
        upgrade(db)
        ctx = ServiceContext(db=db, clock=clock, actor=sign_in(db, "admin.alice", "Alice Admin"))
        assert _by_number(ctx) == {"INC0000045": ("Imported last year", "INC0000045")}

        report = import_servicenow(ctx, FIRST50)

        assert (report.incidents_created, report.incidents_updated) == (49, 1)
        assert report.renumbered == ()
        assert _by_number(ctx)["INC0000045"][1] == "INC0000045"
    finally:
        db.dispose()


def test_the_command_line_lists_the_incidents_given_new_numbers(
    sqlite_url: str, clock: ManualClock, capsys: pytest.CaptureFixture[str]
) -> None:
    db = open_database(sqlite_url)
    try:
        upgrade(db)
        ctx = ServiceContext(db=db, clock=clock, actor=sign_in(db, os_login(), "Desk Admin"))
        _desk_with_incidents_45_to_48(ctx)
    finally:
        db.dispose()

    assert main(["import", "servicenow", str(FIRST50), "--db", sqlite_url]) == 0

    out = capsys.readouterr().out
    assert "50 incidents created" in out
    assert "2 given new numbers" in out
    assert (
        f"  renumbered INC0000047 of the file is INC{HIGHEST_IN_FILE + 2:07d} here: "
        "INC0000047 is one of this desk's own incidents"
    ) in out.splitlines()
