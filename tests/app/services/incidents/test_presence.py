"""Presence: who else has this incident or war room open, by name, gone when they close it or
stop sending heartbeats."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.domain.clock import ManualClock
from app.domain.roles import Role
from app.services.context import ServiceContext
from app.services.incidents.presence import (
    PRESENT_FOR,
    PresenceService,
    incident_subject,
    war_room_subject,
)
from tests.helpers import TeamServer, add_agent, as_actor


def test_each_agent_sees_the_others_who_have_it_open(ctx: ServiceContext) -> None:
    sam = as_actor(ctx, add_agent(ctx.db, "sam", "Sam Okafor"))
    subject = incident_subject(7)
    assert PresenceService(ctx).here(subject) == []
    assert PresenceService(sam).here(subject) == ["Alice Admin"]
    assert PresenceService(ctx).here(subject) == ["Sam Okafor"]
    assert PresenceService(ctx).others(war_room_subject(7)) == []


def test_closing_the_window_removes_the_agent_at_once(ctx: ServiceContext) -> None:
    sam = as_actor(ctx, add_agent(ctx.db, "sam", "Sam Okafor"))
    subject = war_room_subject(3)
    PresenceService(sam).here(subject)
    PresenceService(sam).left(subject)
    assert PresenceService(ctx).here(subject) == []


def test_a_console_that_stops_sending_heartbeats_drops_out(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    sam = as_actor(ctx, add_agent(ctx.db, "sam", "Sam Okafor"))
    subject = incident_subject(1)
    PresenceService(sam).here(subject)
    clock.advance(PRESENT_FOR - timedelta(seconds=1))
    assert PresenceService(ctx).others(subject) == ["Sam Okafor"]
    clock.advance(timedelta(seconds=2))
    assert PresenceService(ctx).others(subject) == []
    PresenceService(sam).here(subject)  # back again
    assert PresenceService(ctx).others(subject) == ["Sam Okafor"]


@pytest.mark.postgres
def test_agent_logins_may_announce_themselves_on_a_team_server(team_server: TeamServer) -> None:
    ana = team_server.ctx_as(team_server.add_login("ana", Role.AGENT, display="Ana"))
    ben = team_server.ctx_as(team_server.add_login("ben", Role.AGENT, display="Ben"))
    subject = incident_subject(42)
    PresenceService(ana).here(subject)
    assert PresenceService(ben).here(subject) == ["Ana"]
    PresenceService(ana).left(subject)
    assert PresenceService(ben).others(subject) == []
