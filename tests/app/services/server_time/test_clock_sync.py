"""One team clock: two workstations whose own clocks are ten minutes apart, on one PostgreSQL
server, read the same SLA clocks and update countdowns, store the server's time, and the one
that is off says so."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.bootstrap import start
from app.db.engine import open_database
from app.db.migrate import upgrade
from app.db.models import TimelineEvent
from app.db.server_time import measure_offset
from app.domain.clock import CorrectedClock, SystemClock
from app.domain.sla import read_clock
from app.domain.status_update import Audience, UpdateBody
from app.services.context import ServiceContext
from app.services.directory.reads import sign_in
from app.services.incidents.commands import IncidentCommands
from app.services.incidents.reads import IncidentReads
from app.services.server_time.clock_sync import ClockSync
from app.services.war_room.dto import UpdateDraft
from app.services.war_room.status_updates import StatusUpdates
from app.settings import load_settings
from tests.helpers import open_incident

TEN_MINUTES = timedelta(minutes=10)


class SkewedClock:
    """A workstation's wall clock that is `skew` ahead of the true time."""

    def __init__(self, skew: timedelta) -> None:
        self._skew = skew

    def now(self) -> datetime:
        return datetime.now(UTC) + self._skew


@pytest.mark.postgres
def test_two_workstations_ten_minutes_apart_agree_on_every_countdown(postgres_url: str) -> None:
    db = open_database(postgres_url)
    upgrade(db)
    try:
        actor = sign_in(db, "admin.alice", "Alice Admin")
        right = CorrectedClock(SystemClock())
        fast = CorrectedClock(SkewedClock(TEN_MINUTES))
        readings = [ClockSync(db, clock).sync() for clock in (right, fast)]
        here, there = ServiceContext(db, right, actor), ServiceContext(db, fast, actor)

        incident = open_incident(there, "Email down", impact=1, urgency=1)  # the fast one
        major = IncidentCommands(there).declare_major(
            incident.id, incident.version, commander_id=actor.agent_id
        )
        body = UpdateBody("Email is down.", "Nobody can send mail.", "", "", None, None)
        StatusUpdates(there).post(major.id, UpdateDraft(Audience.INTERNAL, body, False))

        def countdowns(ctx: ServiceContext) -> tuple[timedelta, timedelta]:
            detail = IncidentReads(ctx).detail(major.id)
            now = ctx.clock.now()
            assert detail.next_update_due is not None
            return read_clock(detail, now).left, detail.next_update_due - now

        (sla_here, update_here), (sla_there, update_there) = countdowns(here), countdowns(there)
        uncorrected = read_clock(IncidentReads(here).detail(major.id), fast.local.now()).left
        with db.read() as session:
            stored = session.scalars(
                select(TimelineEvent.at).where(TimelineEvent.incident_id == major.id)
            ).all()
        server_now = right.now()
    finally:
        db.dispose()

    assert abs(sla_here - sla_there) <= timedelta(seconds=1)
    assert abs(update_here - update_there) <= timedelta(seconds=1)
    assert abs((sla_here - uncorrected) - TEN_MINUTES) <= timedelta(seconds=1)  # without it
    assert all(abs(server_now - at) < timedelta(minutes=1) for at in stored)  # not 10 min ahead
    assert [r.note for r in readings] == [
        "",
        "This computer's clock is 10 min fast; Calmdesk uses the server's time",
    ]
    assert readings[1].offset is not None
    assert abs(readings[1].offset + TEN_MINUTES) <= timedelta(seconds=1)


@pytest.mark.postgres
def test_the_console_starts_on_the_servers_time(postgres_url: str) -> None:
    session = start(load_settings(db_url=postgres_url), clock=SkewedClock(-TEN_MINUTES))
    try:
        offset = measure_offset(session.ctx.db, SystemClock())
        assert offset is not None
        lag = session.ctx.clock.now() - (SystemClock().now() + offset.offset)
    finally:
        session.ctx.db.dispose()
    assert abs(lag) <= timedelta(seconds=1)


def test_a_local_file_keeps_the_workstations_time(sqlite_url: str) -> None:
    session = start(load_settings(db_url=sqlite_url), clock=SkewedClock(TEN_MINUTES))
    try:
        reading = ClockSync(session.ctx.db, session.ctx.clock).sync()
        drift = session.ctx.clock.now() - datetime.now(UTC)
    finally:
        session.ctx.db.dispose()
    assert (reading.offset, reading.note) == (None, "")
    assert abs(drift - TEN_MINUTES) <= timedelta(seconds=1)
