"""The queue model: filters, search, sort and SLA colours over cached rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QPersistentModelIndex, Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from app.domain.clock import ManualClock
from app.domain.lifecycle import HoldReason, Status
from app.domain.sla import SlaState
from app.services.context import ServiceContext
from app.services.incidents.commands import IncidentCommands, IncidentDraft
from app.services.incidents.dto import IncidentRow
from app.services.incidents.queue_filters import COLUMNS, Column, QuickFilter, Viewer
from app.services.incidents.reads import IncidentReads
from tests.demo_sample import LoadDemo
from tests.helpers import add_agent, add_team, as_actor
from ui import theme
from ui.queue.queue_model import QueueModel
from ui.roles import Roles

SLA = COLUMNS.index(Column.SLA)


def _model(ctx: ServiceContext, clock: ManualClock, team_id: int | None = None) -> QueueModel:
    def viewer() -> Viewer:
        now = clock.now()
        return Viewer(ctx.actor.agent_id, team_id, now, now.replace(hour=0, minute=0))

    model = QueueModel(viewer)
    model.set_rows(IncidentReads(ctx).queue_rows(resolved_since=clock.now() - timedelta(days=1)))
    return model


def _numbers(model: QueueModel) -> list[str]:
    return [model.row_at(n).number for n in range(model.rowCount())]


def test_queue_model_is_a_well_behaved_qt_model(
    sqlite_ctx: ServiceContext,
    clock: ManualClock,
    qtmodeltester: ModelTester,
    demo: LoadDemo,
) -> None:
    demo(sqlite_ctx)
    model = _model(sqlite_ctx, clock)
    assert model.rowCount() > 100
    qtmodeltester.check(model)
    model.sort(COLUMNS.index(Column.TITLE), Qt.SortOrder.DescendingOrder)
    model.set_search("mail")
    qtmodeltester.check(model)


@pytest.fixture
def queue_world(sqlite_ctx: ServiceContext, clock: ManualClock) -> dict[str, IncidentRow]:
    """One incident for each quick filter, named by what makes it match."""
    team = add_team(sqlite_ctx.db, "Service Desk")
    other_team = add_team(sqlite_ctx.db, "Network")
    colleague = add_agent(sqlite_ctx.db, "bob", "Bob Colleague", team_id=other_team)
    commands = IncidentCommands(sqlite_ctx)
    me = sqlite_ctx.actor.agent_id

    def make(title: str, impact: int = 3, urgency: int = 3) -> int:
        return commands.open(IncidentDraft(title=title, impact=impact, urgency=urgency)).id

    mine = make("Mine: printer jam")
    i = IncidentReads(sqlite_ctx).detail(mine)
    commands.assign(mine, i.version, assignee_id=me, team_id=team)
    theirs = make("Theirs: VPN flaky")
    i = IncidentReads(sqlite_ctx).detail(theirs)
    IncidentCommands(as_actor(sqlite_ctx, colleague)).assign(
        theirs, i.version, assignee_id=colleague.agent_id
    )
    make("Unassigned: laptop slow")
    major = make("Major: email down", 1, 1)
    i = IncidentReads(sqlite_ctx).detail(major)
    commands.declare_major(major, i.version, commander_id=me)
    on_hold = make("On hold: waiting for caller")
    i = IncidentReads(sqlite_ctx).detail(on_hold)
    i = commands.transition(on_hold, i.version, Status.IN_PROGRESS)
    commands.transition(on_hold, i.version, Status.ON_HOLD, hold_reason=HoldReason.AWAITING_CALLER)
    resolved = make("Resolved: password reset")
    i = IncidentReads(sqlite_ctx).detail(resolved)
    i = commands.transition(resolved, i.version, Status.IN_PROGRESS)
    commands.transition(resolved, i.version, Status.RESOLVED, resolution="Reset it.")
    clock.advance(timedelta(hours=3, minutes=30))
    at_risk = make("At risk: P2 opened earlier", 1, 2)  # P2: 30 min to respond
    clock.advance(timedelta(minutes=25))  # 5 of 30 minutes left: 17%
    rows = IncidentReads(sqlite_ctx).queue_rows(resolved_since=clock.now() - timedelta(days=1))
    by_title = {row.title.split(":")[0]: row for row in rows}
    assert by_title["At risk"].id == at_risk
    return by_title


@pytest.mark.parametrize(
    ("quick", "expected"),
    [
        (QuickFilter.ALL_OPEN, {"Mine", "Theirs", "Unassigned", "Major", "On hold", "At risk"}),
        (QuickFilter.MINE, {"Mine"}),
        (QuickFilter.UNASSIGNED, {"Unassigned", "Major", "On hold", "At risk"}),
        (QuickFilter.MY_TEAM, {"Mine"}),
        (QuickFilter.MAJOR, {"Major"}),
        (
            QuickFilter.AT_RISK,
            {"At risk", "Major"},
        ),  # the P1 major's 15-minute response is long gone
        (QuickFilter.ON_HOLD, {"On hold"}),
        (QuickFilter.RESOLVED_TODAY, {"Resolved"}),
    ],
)
def test_each_quick_filter_shows_exactly_its_incidents(
    sqlite_ctx: ServiceContext,
    clock: ManualClock,
    queue_world: dict[str, IncidentRow],
    quick: QuickFilter,
    expected: set[str],
) -> None:
    team = queue_world["Mine"].team_id
    model = _model(sqlite_ctx, clock, team_id=team)
    model.set_quick_filter(quick)
    shown = {model.row_at(n).title.split(":")[0] for n in range(model.rowCount())}
    assert shown == expected


def test_search_matches_every_word_across_number_title_caller_service_and_assignee(
    sqlite_ctx: ServiceContext,
    clock: ManualClock,
    demo: LoadDemo,
) -> None:
    demo(sqlite_ctx)
    model = _model(sqlite_ctx, clock)
    model.set_search("email down")
    assert {model.row_at(n).number for n in range(model.rowCount())} == {"INC0000201"}
    model.set_search("inc0000201")
    assert _numbers(model) == ["INC0000201"]
    model.set_search("Jon Eriksen")  # the assignee of the outage, among others
    assert "INC0000201" in _numbers(model)
    assert all(model.row_at(n).assignee == "Jon Eriksen" for n in range(model.rowCount()))
    model.set_search("no such thing anywhere")
    assert model.rowCount() == 0
    model.set_search("")
    assert model.rowCount() > 100


def test_default_order_is_major_then_breached_then_priority_then_sla_left(
    sqlite_ctx: ServiceContext,
    clock: ManualClock,
    demo: LoadDemo,
) -> None:
    demo(sqlite_ctx)
    model = _model(sqlite_ctx, clock)
    rows = [model.row_at(n) for n in range(model.rowCount())]
    assert rows[0].major
    keys = [
        (
            not r.major,
            model.data(model.index(n, SLA)).endswith("over") is False,
            int(r.priority),
        )
        for n, r in enumerate(rows)
    ]
    assert keys == sorted(keys)


def test_every_column_sorts_both_ways(
    sqlite_ctx: ServiceContext, clock: ManualClock, demo: LoadDemo
) -> None:
    demo(sqlite_ctx)
    model = _model(sqlite_ctx, clock)
    for column in (Column.NUMBER, Column.PRIORITY, Column.CALLS, Column.AGE):
        model.sort(COLUMNS.index(column), Qt.SortOrder.AscendingOrder)
        ascending = _numbers(model)
        model.sort(COLUMNS.index(column), Qt.SortOrder.DescendingOrder)
        assert _numbers(model) != ascending, column
    model.sort(COLUMNS.index(Column.NUMBER), Qt.SortOrder.AscendingOrder)
    assert _numbers(model) == sorted(_numbers(model))
    model.sort(COLUMNS.index(Column.CALLS), Qt.SortOrder.DescendingOrder)
    assert model.row_at(0).number == "INC0000201"  # 30 calls


def test_sla_cell_turns_amber_then_red_as_the_clock_moves(
    sqlite_ctx: ServiceContext, clock: ManualClock
) -> None:
    IncidentCommands(sqlite_ctx).open(IncidentDraft(title="Payroll slow", impact=1, urgency=2))
    model = _model(sqlite_ctx, clock)  # P2: respond within 30 minutes
    index = model.index(0, SLA)
    assert model.data(index) == "respond 30m"
    assert model.data(index, Qt.ItemDataRole.ForegroundRole) is None
    clock.advance(timedelta(minutes=25))
    model.tick()
    assert model.data(index) == "respond 5m"
    assert model.data(index, Qt.ItemDataRole.ForegroundRole) == theme.sla_colour(SlaState.AT_RISK)
    clock.advance(timedelta(minutes=10))
    model.tick()
    assert model.data(index) == "5m over"
    assert model.data(index, Qt.ItemDataRole.ForegroundRole) == theme.sla_colour(SlaState.BREACHED)


def test_changed_rows_are_patched_in_place_and_keep_selection(
    sqlite_ctx: ServiceContext, clock: ManualClock
) -> None:
    commands = IncidentCommands(sqlite_ctx)
    first = commands.open(IncidentDraft(title="Alpha", impact=3, urgency=3))
    second = commands.open(IncidentDraft(title="Beta", impact=3, urgency=3))
    model = _model(sqlite_ctx, clock)
    held = QPersistentModelIndex(model.index(model.position_of(second.id) or 0, 0))
    assert held.data(Roles.ID) == second.id
    commands.edit(first.id, first.version, {"impact": 1, "urgency": 1})  # now P1: moves to the top
    model.apply_changes(IncidentReads(sqlite_ctx).rows([first.id]))
    assert model.row_at(0).id == first.id
    assert held.isValid()
    assert held.data(Roles.ID) == second.id


def _fresh_load_of(model: QueueModel) -> QueueModel:
    """A new model loaded with `model`'s rows in the same cache order (so ties fall alike)."""
    fresh = QueueModel(model._viewer)
    fresh.set_rows(model.cached_rows())
    return fresh


def _assert_every_sort_alike(model: QueueModel, fresh: QueueModel, *context: object) -> None:
    """Every column, both ways: `model` shows the rows in the order `fresh` does."""
    for column in [-1, *range(len(COLUMNS))]:
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            model.sort(column, order)
            fresh.sort(column, order)
            assert _numbers(model) == _numbers(fresh), (*context, column, order)


def test_live_changes_keep_every_sort_exactly_as_a_fresh_load_would(
    qtbot: QtBot,
    sqlite_ctx: ServiceContext,
    clock: ManualClock,
    demo: LoadDemo,
) -> None:
    demo(sqlite_ctx)
    model = _model(sqlite_ctx, clock)
    model.prepare_sorts()  # every column's ranks made: the changes below move rows within them
    commands, reads = IncidentCommands(sqlite_ctx), IncidentReads(sqlite_ctx)
    rows = reads.queue_rows(resolved_since=clock.now() - timedelta(days=1))
    fresh_one = next(row for row in rows if row.status == Status.NEW)
    changed = [rows[3], rows[10], fresh_one]
    commands.edit(changed[0].id, changed[0].version, {"impact": 1, "urgency": 1})
    commands.edit(changed[1].id, changed[1].version, {"title": "Aardvark printer on fire"})
    commands.transition(changed[2].id, changed[2].version, Status.IN_PROGRESS)
    new = commands.open(IncidentDraft(title="Brand new", impact=2, urgency=1))
    model.apply_changes(reads.rows([row.id for row in changed] + [new.id]), gone=[rows[5].id])
    fresh = _fresh_load_of(model)
    _assert_every_sort_alike(model, fresh)
    assert new.number in _numbers(model)
    assert rows[5].number not in _numbers(model)


def test_rows_leaving_coming_back_and_changing_in_bulk_sort_and_filter_as_a_fresh_load(
    qtbot: QtBot,
    sqlite_ctx: ServiceContext,
    clock: ManualClock,
    demo: LoadDemo,
) -> None:
    # Rows are kept by slot (their place in the cache) and ranked by slot: a row that leaves
    # leaves a gap, one that comes back takes a new slot at the end, and batches big enough to
    # be looked up through a map (more than 32 rows) or dropped in one pass (more than 16) must
    # give exactly what a fresh load of the same rows gives, for every sort and quick filter.
    demo(sqlite_ctx)
    model = _model(sqlite_ctx, clock)
    model.prepare_sorts()
    rows = model.cached_rows()
    assert len(rows) > 60
    leaving = [row.id for row in rows[:20]]
    model.apply_changes([], gone=leaving)
    back = [row._replace(title=f"Back {row.title}") for row in rows[:3]]
    renamed = [row._replace(title=f"{n:03d} renamed") for n, row in enumerate(rows[25:60])]
    model.apply_changes(back + renamed, gone=[rows[61].id])
    clock.advance(timedelta(minutes=45))  # the SLA moment moves: clock orders ranked again
    model.apply_changes([rows[62]._replace(priority=rows[63].priority)])
    fresh = _fresh_load_of(model)
    assert fresh.cached_count == model.cached_count == len(rows) - 18
    for quick in QuickFilter:
        model.set_quick_filter(quick)
        fresh.set_quick_filter(quick)
        _assert_every_sort_alike(model, fresh, quick)
    model.set_quick_filter(QuickFilter.ALL_OPEN)
    model.set_search("back")
    assert sorted(_numbers(model)) == sorted(row.number for row in back if row.status.is_open)


def test_live_changes_under_each_quick_filter_show_what_a_fresh_load_shows(
    qtbot: QtBot, sqlite_ctx: ServiceContext, clock: ManualClock, demo: LoadDemo
) -> None:
    # A change from the feed tests only the changed rows against the filter already applied:
    # rows must join, stay and leave it exactly as a fresh load under that filter says.
    demo(sqlite_ctx)
    model = _model(sqlite_ctx, clock)
    rows = model.cached_rows()
    for n, quick in enumerate(QuickFilter):
        model.set_quick_filter(quick)
        one, two, three = rows[3 * n], rows[3 * n + 1], rows[3 * n + 2]
        model.apply_changes(
            [
                one._replace(assignee_id=None, assignee="", major=not one.major),
                two._replace(status=Status.ON_HOLD, hold_reason=HoldReason.AWAITING_CALLER),
                three._replace(assignee_id=model._viewer().agent_id, team_id=None),
            ],
            gone=[rows[-1 - n].id],
        )
        fresh = QueueModel(model._viewer)
        fresh.set_rows(model.cached_rows())
        fresh.set_quick_filter(quick)
        assert _numbers(model) == _numbers(fresh), quick
