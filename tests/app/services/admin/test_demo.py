"""The sample data: a morning with a live Email outage and about two hundred ordinary incidents.

Loading it is ~1,000 transactions (2 s on SQLite, 4 s on PostgreSQL). The tests that only read
what one load made share one loaded database per backend and module (`loaded`); the others load
into a database of their own (`ctx`)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.db.engine import open_database
from app.db.migrate import upgrade
from app.db.models import (
    Call,
    ChecklistItem,
    Incident,
    Service,
    StatusUpdate,
    TimelineEvent,
    VendorEscalation,
)
from app.domain.clock import ManualClock
from app.domain.lifecycle import OPEN_STATUSES
from app.domain.roles import PermissionDenied, Role
from app.services.admin.demo import DemoRefused, load_demo
from app.services.context import ServiceContext
from app.services.directory.reads import sign_in
from app.services.incidents.reads import IncidentReads
from tests.helpers import (
    MONDAY_MORNING,
    POSTGRES,
    add_agent,
    as_actor,
    open_incident,
    throwaway_postgres_database,
)


@pytest.fixture(scope="module", params=["sqlite", POSTGRES])
def loaded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[ServiceContext, int]]:
    """A new database, as `ctx` gives, with the sample loaded by `load_demo`; and what it
    returned. For tests that only read it."""
    urls: Iterator[str] | None = None
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("sample") / "calmdesk.sqlite3"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite_file"), Path(path))
        url = f"sqlite:///{path.as_posix()}"
    else:
        urls = throwaway_postgres_database(request, migrated=True)
        url = next(urls)
    database = open_database(url)
    try:
        upgrade(database)  # finds it at head
        ctx = ServiceContext(
            db=database,
            clock=ManualClock(MONDAY_MORNING),
            actor=sign_in(database, "admin.alice", "Alice Admin"),
        )
        yield ctx, load_demo(ctx)
    finally:
        database.dispose()
        if urls is not None:
            next(urls, None)  # takes the database back


def test_the_sample_holds_one_live_major_outage_among_two_hundred_incidents(
    loaded: tuple[ServiceContext, int],
) -> None:
    ctx, created = loaded
    assert created == IncidentReads(ctx).count() == 204
    with ctx.db.read() as session:
        majors = session.scalars(select(Incident).where(Incident.major.is_(True))).all()
        assert len(majors) == 1
        [outage] = majors
        assert outage.status in {s.value for s in OPEN_STATUSES}
        assert outage.priority == 1
        assert outage.commander_id is not None
        assert outage.next_update_due is not None
        linked = {
            column.class_.__tablename__: session.scalar(
                select(func.count()).where(column == outage.id)
            )
            for column in (
                Call.incident_id,
                Incident.parent_id,
                StatusUpdate.incident_id,
                VendorEscalation.incident_id,
            )
        }
        assert linked == {
            "calls": 30,
            "incidents": 3,  # duplicate incidents linked as children
            "status_updates": 2,
            "vendor_escalations": 1,
        }
        assert session.scalar(select(func.count(StatusUpdate.id))) == 2
        assert session.scalar(select(func.count(VendorEscalation.id))) == 1
        items = session.scalars(
            select(ChecklistItem).where(ChecklistItem.incident_id == outage.id)
        ).all()
        done = [item for item in items if item.done_at is not None]
        assert 0 < len(done) < len(items)  # half-done: the war room is mid-flight
        assert all(item.done_by_id is not None for item in done)
        email = session.scalar(select(Service).where(Service.name == "Email"))
        assert email is not None
        assert email.state == "major_outage"


def test_the_sample_looks_like_a_real_morning(loaded: tuple[ServiceContext, int]) -> None:
    ctx, _ = loaded
    with ctx.db.read() as session:
        statuses = set(session.scalars(select(Incident.status).distinct()))
        priorities = set(session.scalars(select(Incident.priority).distinct()))
        unassigned = session.scalar(
            select(func.count(Incident.id)).where(Incident.assignee_id.is_(None))
        )
        without_history = session.scalar(
            select(func.count(Incident.id)).where(
                ~select(TimelineEvent.id)
                .where(TimelineEvent.incident_id == Incident.id, TimelineEvent.kind == "created")
                .exists()
            )
        )
        from_the_future = session.scalar(
            select(func.count(Incident.id)).where(Incident.opened_at > ctx.clock.now())
        )
    assert {"new", "in_progress", "on_hold", "resolved", "closed"} <= statuses
    assert {1, 2, 3, 4, 5} <= priorities
    assert unassigned
    assert without_history == 0  # made through the real use cases, so every one has a timeline
    assert from_the_future == 0


def test_loading_the_sample_twice_is_refused_without_force(
    loaded: tuple[ServiceContext, int],
) -> None:
    ctx, _ = loaded
    with pytest.raises(DemoRefused, match="already holds 204 incidents") as refused:
        load_demo(ctx)
    assert "--force" in str(refused.value)
    assert IncidentReads(ctx).count() == 204


def test_the_sample_refuses_to_mix_with_real_incidents(ctx: ServiceContext) -> None:
    open_incident(ctx, "A real one")
    with pytest.raises(DemoRefused, match="already holds 1 incidents"):
        load_demo(ctx)


def test_force_adds_the_sample_again(ctx: ServiceContext) -> None:
    load_demo(ctx)
    assert load_demo(ctx, force=True) == 204
    assert IncidentReads(ctx).count() == 408
    with ctx.db.read() as session:
        numbers = session.scalars(select(Incident.number)).all()
    assert len(set(numbers)) == 408


def test_only_an_admin_may_load_the_sample(ctx: ServiceContext) -> None:
    supervisor = add_agent(ctx.db, "sam", "Sam Okafor", Role.SUPERVISOR)
    with pytest.raises(PermissionDenied, match="load the sample data"):
        load_demo(as_actor(ctx, supervisor))
    assert IncidentReads(ctx).count() == 0
