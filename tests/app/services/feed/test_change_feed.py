"""The change feed: every write leaves a change-log row, and `since` hands out what changed."""

from __future__ import annotations

import pytest

from app.domain.roles import Role
from app.domain.services_state import ServiceState
from app.services.context import ServiceContext
from app.services.errors import EditConflict
from app.services.feed.reads import ChangeFeed
from app.services.incidents.commands import AffectedService, IncidentCommands
from tests.helpers import add_agent, add_service, open_incident


def test_an_empty_database_has_nothing_new(ctx: ServiceContext) -> None:
    feed = ChangeFeed(ctx.db)
    batch = feed.since(feed.head())
    assert batch.empty


def test_since_returns_the_changed_incidents_and_moves_the_cursor(ctx: ServiceContext) -> None:
    feed = ChangeFeed(ctx.db)
    untouched = open_incident(ctx, "Old news")
    cursor = feed.head()
    first = open_incident(ctx, "Mail down")
    second = open_incident(ctx, "VPN down")
    IncidentCommands(ctx).edit(first.id, first.version, {"urgency": 1})
    batch = feed.since(cursor)
    assert batch.incident_ids == {first.id, second.id}
    assert untouched.id not in batch.incident_ids
    assert not batch.empty
    assert batch.cursor != cursor
    later = feed.since(batch.cursor)  # nothing is handed out twice
    assert later.empty
    third = open_incident(ctx, "Wi-Fi down")
    assert feed.since(later.cursor).incident_ids == {third.id}


def test_a_cursor_taken_now_skips_what_is_already_loaded(ctx: ServiceContext) -> None:
    feed = ChangeFeed(ctx.db)
    open_incident(ctx, "Loaded with the queue")
    assert feed.since(feed.head()).empty


def test_notes_reach_the_feed(ctx: ServiceContext) -> None:
    feed = ChangeFeed(ctx.db)
    incident = open_incident(ctx)
    cursor = feed.head()
    IncidentCommands(ctx).add_note(incident.id, "Called back")
    assert feed.since(cursor).incident_ids == {incident.id}


def test_linking_announces_the_parent_as_well(ctx: ServiceContext) -> None:
    feed = ChangeFeed(ctx.db)
    parent = open_incident(ctx, "Email down")
    child = open_incident(ctx, "Outlook disconnected")
    cursor = feed.head()
    IncidentCommands(ctx).link_to_parent(child.id, child.version, parent.id)
    assert feed.since(cursor).incident_ids == {parent.id, child.id}


def test_other_tables_are_reported_by_name(ctx: ServiceContext) -> None:
    feed = ChangeFeed(ctx.db)
    email = add_service(ctx.db, "Email")
    supervisor = add_agent(ctx.db, "sam", "Sam Okafor", Role.SUPERVISOR)
    incident = open_incident(ctx, impact=1, urgency=1)
    cursor = feed.head()
    IncidentCommands(ctx).declare_major(
        incident.id,
        incident.version,
        commander_id=supervisor.agent_id,
        affected=[AffectedService(email, ServiceState.MAJOR_OUTAGE)],
    )
    batch = feed.since(cursor)
    assert batch.incident_ids == {incident.id}
    assert batch.other_entities == {"services"}


def test_a_refused_write_leaves_nothing_in_the_feed(ctx: ServiceContext) -> None:
    feed = ChangeFeed(ctx.db)
    incident = open_incident(ctx)
    cursor = feed.head()
    IncidentCommands(ctx).edit(incident.id, incident.version, {"title": "Changed"})
    after_edit = feed.head()
    with pytest.raises(EditConflict):
        IncidentCommands(ctx).edit(incident.id, incident.version, {"title": "Conflicting"})
    assert feed.since(after_edit).empty
    assert feed.since(cursor).incident_ids == {incident.id}
