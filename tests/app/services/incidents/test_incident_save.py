"""The editor's save as one call: plain fields, the assignment and a status move written in one
transaction with one version check, or, when any part is refused, nothing at all. On SQLite and
on a real PostgreSQL server (the `ctx` fixture runs each test on both)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from app.db.models import ChangeLogEntry, Incident, TimelineEvent
from app.domain.errors import RuleViolation
from app.domain.lifecycle import HoldReason, Status
from app.domain.roles import PermissionDenied, Role
from app.services.context import ServiceContext
from app.services.errors import EditConflict, InvalidInput
from app.services.incidents.commands import IncidentCommands
from app.services.incidents.dto import Assignment, IncidentChanges, IncidentDetail, StatusMove
from app.services.incidents.reads import IncidentReads
from tests.helpers import add_agent, add_team, as_actor, open_incident


def _stored(ctx: ServiceContext, incident_id: int) -> dict[str, Any]:
    """Every column of the incident row, its timeline and its change log, as stored."""
    with ctx.db.read() as session:
        row = session.get(Incident, incident_id)
        assert row is not None
        columns = {c.key: getattr(row, c.key) for c in Incident.__table__.columns}
        timeline = session.scalars(
            select(TimelineEvent.summary)
            .where(TimelineEvent.incident_id == incident_id)
            .order_by(TimelineEvent.id)
        ).all()
        changes = session.execute(
            select(ChangeLogEntry.version, ChangeLogEntry.fields)
            .where(ChangeLogEntry.entity == "incidents", ChangeLogEntry.entity_id == incident_id)
            .order_by(ChangeLogEntry.id)
        ).all()
        return {"row": columns, "timeline": list(timeline), "changes": [tuple(c) for c in changes]}


def _in_progress(ctx: ServiceContext) -> IncidentDetail:
    incident = open_incident(ctx, "Payroll export fails")
    return IncidentCommands(ctx).transition(incident.id, incident.version, Status.IN_PROGRESS)


def test_fields_assignment_and_a_status_move_are_one_new_version(ctx: ServiceContext) -> None:
    team = add_team(ctx.db, "Finance apps")
    jon = add_agent(ctx.db, "jon", "Jon Eriksen", Role.AGENT, team_id=team)
    seen = _in_progress(ctx)
    changes = IncidentChanges(
        fields={"title": "Payroll export fails at month end", "impact": 1},
        assignment=Assignment(jon.agent_id),
        move=StatusMove(Status.ON_HOLD, HoldReason.AWAITING_VENDOR),
    )

    saved = IncidentCommands(ctx).save(seen.id, seen.version, changes)

    assert saved.version == seen.version + 1
    assert (saved.title, saved.impact, saved.assignee, saved.team) == (
        "Payroll export fails at month end",
        1,
        "Jon Eriksen",
        "Finance apps",
    )
    assert (saved.status, saved.hold_reason) == (Status.ON_HOLD, HoldReason.AWAITING_VENDOR)
    assert saved.on_hold_since == ctx.clock.now()
    stored = _stored(ctx, seen.id)
    assert stored["timeline"][-4:] == [
        "Priority P3 Moderate → P2 High",
        "Changed title, impact",
        "Assigned to Jon Eriksen (Finance apps)",
        "In progress → On hold (Awaiting vendor)",
    ]
    # One entry in the change feed for the whole save, naming every field it changed.
    assert stored["changes"][-1] == (
        saved.version,
        ["assignee_id", "impact", "status", "team_id", "title"],
    )
    assert [version for version, _ in stored["changes"]].count(saved.version) == 1


def test_a_refused_status_move_after_valid_edits_writes_nothing(ctx: ServiceContext) -> None:
    jon = add_agent(ctx.db, "jon", "Jon Eriksen")
    seen = open_incident(ctx, "Payroll export fails")  # New: it cannot go on hold yet
    before = _stored(ctx, seen.id)
    changes = IncidentChanges(
        fields={"title": "Payroll export fails at month end", "urgency": 1},
        assignment=Assignment(jon.agent_id),
        move=StatusMove(Status.ON_HOLD, HoldReason.AWAITING_CALLER),
    )

    with pytest.raises(RuleViolation, match="Take the incident In progress before putting it"):
        IncidentCommands(ctx).save(seen.id, seen.version, changes)

    assert _stored(ctx, seen.id) == before
    assert IncidentReads(ctx).detail(seen.id) == seen


def test_a_version_conflict_writes_nothing_and_carries_the_current_incident(
    ctx: ServiceContext,
) -> None:
    bob = add_agent(ctx.db, "bob", "Bob Baker")
    seen = _in_progress(ctx)
    theirs = IncidentCommands(as_actor(ctx, bob)).edit(seen.id, seen.version, {"impact": 1})
    before = _stored(ctx, seen.id)
    changes = IncidentChanges(
        fields={"title": "Payroll export fails at month end"},
        assignment=Assignment(bob.agent_id),
        move=StatusMove(Status.RESOLVED, resolution="Restarted the export service."),
    )

    with pytest.raises(EditConflict) as refused:
        IncidentCommands(ctx).save(seen.id, seen.version, changes)

    assert refused.value.changed_by == ["Bob Baker"]
    assert refused.value.current == theirs
    assert _stored(ctx, seen.id) == before


def test_resolving_without_a_resolution_names_the_field_and_writes_nothing(
    ctx: ServiceContext,
) -> None:
    seen = _in_progress(ctx)
    before = _stored(ctx, seen.id)
    changes = IncidentChanges(
        fields={"title": "Payroll export fails at month end", "resolution": "  "},
        move=StatusMove(Status.RESOLVED),
    )

    with pytest.raises(RuleViolation) as refused:
        IncidentCommands(ctx).save(seen.id, seen.version, changes)

    assert refused.value.field == "resolution"
    assert str(refused.value) == (
        "Write a resolution before resolving: what fixed it, in a sentence."
    )
    assert _stored(ctx, seen.id) == before


def test_a_refused_field_after_others_writes_nothing(ctx: ServiceContext) -> None:
    seen = _in_progress(ctx)
    before = _stored(ctx, seen.id)
    changes = IncidentChanges(
        fields={"title": "Payroll export fails at month end", "caller_id": 999_999},
        move=StatusMove(Status.CANCELLED),
    )

    with pytest.raises(InvalidInput) as refused:
        IncidentCommands(ctx).save(seen.id, seen.version, changes)

    assert refused.value.field == "caller_id"
    assert _stored(ctx, seen.id) == before


def test_a_refused_assignment_after_edits_writes_nothing(ctx: ServiceContext) -> None:
    seen = _in_progress(ctx)
    before = _stored(ctx, seen.id)
    changes = IncidentChanges(fields={"urgency": 1}, assignment=Assignment(999_999))

    with pytest.raises(InvalidInput, match="That agent does not exist"):
        IncidentCommands(ctx).save(seen.id, seen.version, changes)

    assert _stored(ctx, seen.id) == before


def test_resolving_takes_the_resolution_typed_with_the_other_fields(ctx: ServiceContext) -> None:
    seen = _in_progress(ctx)
    changes = IncidentChanges(
        fields={"title": "Payroll export fails at month end", "resolution": " Restarted it. "},
        move=StatusMove(Status.RESOLVED),
    )

    saved = IncidentCommands(ctx).save(seen.id, seen.version, changes)

    assert (saved.status, saved.resolution, saved.version) == (
        Status.RESOLVED,
        "Restarted it.",
        seen.version + 1,
    )
    # The resolution is the status move's, not a separate field edit.
    assert _stored(ctx, seen.id)["timeline"][-2:] == [
        "Changed title",
        "In progress → Resolved",
    ]


def test_a_save_needs_the_role_for_each_part_before_anything_is_written(
    ctx: ServiceContext,
) -> None:
    agent = as_actor(ctx, add_agent(ctx.db, "tom", "Tom Becker", Role.AGENT))
    working = _in_progress(ctx)
    seen = IncidentCommands(ctx).transition(
        working.id, working.version, Status.RESOLVED, resolution="Fixed."
    )
    before = _stored(ctx, seen.id)
    changes = IncidentChanges(fields={"title": "Fixed at last"}, move=StatusMove(Status.CLOSED))

    with pytest.raises(PermissionDenied):
        IncidentCommands(agent).save(seen.id, seen.version, changes)

    assert _stored(ctx, seen.id) == before


def test_a_save_that_changes_nothing_keeps_the_version(ctx: ServiceContext) -> None:
    seen = _in_progress(ctx)
    changes = IncidentChanges(fields={"title": seen.title}, assignment=Assignment(None))

    assert IncidentCommands(ctx).save(seen.id, seen.version, changes) == seen
