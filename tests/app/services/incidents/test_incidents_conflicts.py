"""Two people editing the same incident: the second write is refused, says who changed what, and
carries the current state; and a writer that races past the check is stopped by the database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm.exc import StaleDataError

from app.db.engine import Database
from app.db.models import Incident
from app.domain.errors import RuleViolation
from app.domain.lifecycle import Status
from app.domain.roles import Role
from app.services.context import Actor, ServiceContext
from app.services.errors import EditConflict
from app.services.incidents.commands import IncidentCommands
from app.services.incidents.reads import IncidentReads
from tests.helpers import add_agent, as_actor, open_incident


@pytest.fixture
def bob(ctx: ServiceContext) -> Actor:
    return add_agent(ctx.db, "bob", "Bob Baker", Role.AGENT)


@pytest.fixture
def carol(ctx: ServiceContext) -> Actor:
    return add_agent(ctx.db, "carol", "Carol Chen", Role.AGENT)


def test_the_second_edit_of_the_same_version_is_refused_naming_who_changed_what(
    ctx: ServiceContext, bob: Actor, carol: Actor
) -> None:
    seen = open_incident(ctx, "Mail down", impact=2, urgency=2)  # both read version 1
    IncidentCommands(as_actor(ctx, bob)).edit(seen.id, seen.version, {"title": "Mail down (HQ)"})
    with pytest.raises(EditConflict) as refused:
        IncidentCommands(as_actor(ctx, carol)).edit(seen.id, seen.version, {"impact": 1})
    conflict = refused.value
    assert str(conflict) == (
        "Bob Baker changed title on INC0000001 while you were editing. "
        "Review their change, then reapply or discard yours."
    )
    assert (conflict.changed_by, conflict.fields) == (["Bob Baker"], ["title"])
    assert conflict.current.version == 2
    assert conflict.current.title == "Mail down (HQ)"
    stored = IncidentReads(ctx).detail(seen.id)
    assert stored == conflict.current  # Carol's impact never reached the database
    assert stored.impact == 2


def test_a_conflict_lists_everyone_and_every_field_since_the_version_read(
    ctx: ServiceContext, bob: Actor, carol: Actor
) -> None:
    seen = open_incident(ctx, "Mail down")
    now = IncidentCommands(as_actor(ctx, bob)).assign(
        seen.id, seen.version, assignee_id=bob.agent_id
    )
    IncidentCommands(as_actor(ctx, carol)).transition(now.id, now.version, Status.IN_PROGRESS)
    with pytest.raises(EditConflict) as refused:
        IncidentCommands(ctx).edit(seen.id, seen.version, {"title": "Mail down everywhere"})
    assert refused.value.changed_by == ["Bob Baker", "Carol Chen"]
    assert refused.value.fields == ["assignee", "status"]
    assert refused.value.current.version == 3


@pytest.mark.parametrize("operation", ["assign", "transition", "declare_major", "link"])
def test_every_change_checks_the_version_it_was_given(
    ctx: ServiceContext, bob: Actor, operation: str
) -> None:
    seen = open_incident(ctx, "Mail down")
    other = open_incident(ctx, "Another")
    IncidentCommands(as_actor(ctx, bob)).edit(seen.id, seen.version, {"urgency": 1})
    commands = IncidentCommands(ctx)
    attempts: dict[str, Callable[[], object]] = {
        "assign": lambda: commands.assign(seen.id, seen.version, assignee_id=bob.agent_id),
        "transition": lambda: commands.transition(seen.id, seen.version, Status.IN_PROGRESS),
        "declare_major": lambda: commands.declare_major(
            seen.id, seen.version, commander_id=ctx.actor.agent_id
        ),
        "link": lambda: commands.link_to_parent(seen.id, seen.version, other.id),
    }
    with pytest.raises(EditConflict, match="Bob Baker changed urgency on INC0000001"):
        attempts[operation]()
    stored = IncidentReads(ctx).detail(seen.id)
    assert (stored.version, stored.status, stored.major, stored.parent_id) == (
        2,
        Status.NEW,
        False,
        None,
    )


def test_a_note_never_conflicts(ctx: ServiceContext, bob: Actor) -> None:
    seen = open_incident(ctx)
    IncidentCommands(as_actor(ctx, bob)).edit(seen.id, seen.version, {"title": "Changed"})
    IncidentCommands(ctx).add_note(seen.id, "Written against the old version")
    assert IncidentReads(ctx).timeline(seen.id)[-1].summary == "Written against the old version"


def test_reapplying_on_the_current_version_succeeds(
    ctx: ServiceContext, bob: Actor, carol: Actor
) -> None:
    seen = open_incident(ctx, "Mail down")
    IncidentCommands(as_actor(ctx, bob)).edit(seen.id, seen.version, {"title": "Mail down (HQ)"})
    carols = IncidentCommands(as_actor(ctx, carol))
    with pytest.raises(EditConflict) as refused:
        carols.edit(seen.id, seen.version, {"impact": 1})
    merged = carols.edit(seen.id, refused.value.current.version, {"impact": 1})
    assert (merged.title, merged.impact, merged.version) == ("Mail down (HQ)", 1, 3)


@pytest.fixture
def racing_writer(db: Database) -> Iterator[list[int]]:
    """Bumps an incident's version in the database just before the next UPDATE of it runs, in
    the same transaction, as a writer that slipped past the version check would. Append the
    incident id to the returned list to arm it (once)."""
    armed: list[int] = []

    def bump(
        conn: Any, cursor: Any, statement: str, params: Any, context: Any, executemany: bool
    ) -> None:
        if armed and statement.lstrip().upper().startswith("UPDATE INCIDENTS"):
            incident_id = armed.pop()
            cursor.execute(f"UPDATE incidents SET version = version + 1 WHERE id = {incident_id}")

    event.listen(db.engine, "before_cursor_execute", bump)
    yield armed
    event.remove(db.engine, "before_cursor_execute", bump)


def test_a_write_that_races_past_the_version_check_is_refused_by_the_database(
    ctx: ServiceContext, racing_writer: list[int]
) -> None:
    incident = open_incident(ctx, "Mail down")
    racing_writer.append(incident.id)
    with pytest.raises(RuleViolation, match="changed by someone else at the same moment"):
        IncidentCommands(ctx).edit(incident.id, incident.version, {"title": "Overwritten?"})
    assert not racing_writer  # the race really happened
    stored = IncidentReads(ctx).detail(incident.id)
    assert (stored.title, stored.version) == ("Mail down", 1)  # and everything rolled back
    assert [e.kind for e in IncidentReads(ctx).timeline(incident.id)] == ["created"]


def test_an_orm_session_holding_an_old_version_cannot_overwrite_a_newer_row(
    ctx: ServiceContext, bob: Actor
) -> None:
    incident = open_incident(ctx, "Mail down")
    # A second session loads the row, then Bob commits a change through the service...
    with ctx.db.writer() as stale_session:
        with stale_session.begin():
            stale = stale_session.scalar(select(Incident).where(Incident.id == incident.id))
            assert stale is not None
        IncidentCommands(as_actor(ctx, bob)).edit(incident.id, 1, {"title": "Bob's title"})
        # ...and the stale session's UPDATE ... WHERE version = 1 matches no row.
        stale.title = "Stale title"
        stale.version = 2
        with pytest.raises(StaleDataError):
            stale_session.commit()
    stored = IncidentReads(ctx).detail(incident.id)
    assert (stored.title, stored.version) == ("Bob's title", 2)
