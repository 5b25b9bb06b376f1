"""The notification rules and the gate, driven by a moved ManualClock."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

from app.domain.clock import ManualClock
from app.domain.notification_gate import NotificationGate, NotificationPreferences
from app.domain.notification_rules import (
    CallbackFacts,
    Facts,
    IncidentFacts,
    Me,
    Notice,
    NoticeKind,
    NotificationLedger,
    SurgeFacts,
    VendorFacts,
    evaluate,
)
from app.domain.sla import SlaClockInput

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
ME = Me(agent_id=7, team_id=3)


def incident(
    id: int = 1,
    priority: int = 3,
    *,
    major: bool = False,
    assignee: int | None = None,
    team: int | None = None,
    opened: datetime = START,
    resolve_in: timedelta = timedelta(hours=4),
    next_update_due: datetime | None = None,
    commander: int | None = None,
    comms: int | None = None,
    is_open: bool = True,
) -> IncidentFacts:
    sla = SlaClockInput(
        opened_at=opened,
        respond_by=opened + timedelta(hours=8),
        resolve_by=opened + resolve_in,
        acknowledged_at=opened,
    )
    return IncidentFacts(
        id, f"INC{id:07d}", "Email outage", priority, is_open, major, assignee, team, sla,
        next_update_due, commander, comms,
    )  # fmt: skip


class Rules:
    """The ledger plus a clock: what an agent would be told at each moment."""

    def __init__(self) -> None:
        self.clock = ManualClock(START)
        self.ledger = NotificationLedger()
        self.ledger.fresh([])  # the first look at an empty queue

    def run(self, facts: Facts) -> list[NoticeKind]:
        return [n.kind for n in self.ledger.fresh(evaluate(facts, ME, self.clock.now()))]


def test_new_p1_fires_once_and_not_for_p3() -> None:
    rules = Rules()
    facts = Facts(incidents=[incident(1, 1), incident(2, 3)])
    assert rules.run(facts) == [NoticeKind.NEW_URGENT]
    assert rules.run(facts) == []


def test_incidents_already_open_at_start_are_not_news() -> None:
    ledger = NotificationLedger()
    notices = evaluate(Facts(incidents=[incident(1, 1, assignee=7)]), ME, START)
    assert ledger.fresh(notices) == []


def test_major_declared_fires_once() -> None:
    rules = Rules()
    rules.run(Facts(incidents=[incident(1, 3)]))
    assert rules.run(Facts(incidents=[incident(1, 3, major=True)])) == [NoticeKind.MAJOR_DECLARED]
    assert rules.run(Facts(incidents=[incident(1, 3, major=True)])) == []


def test_assigned_to_me_fires_again_when_given_back() -> None:
    rules = Rules()
    assert rules.run(Facts(incidents=[incident(1, assignee=7)])) == [NoticeKind.ASSIGNED_TO_ME]
    assert rules.run(Facts(incidents=[incident(1, assignee=7)])) == []
    assert rules.run(Facts(incidents=[incident(1, assignee=8)])) == []
    assert rules.run(Facts(incidents=[incident(1, assignee=7)])) == [NoticeKind.ASSIGNED_TO_ME]


def test_sla_at_risk_then_breached_for_my_team_once_each() -> None:
    rules = Rules()
    facts = Facts(incidents=[incident(1, team=3), incident(2, team=9)])  # 9: not my team
    assert rules.run(facts) == []
    rules.clock.advance(timedelta(hours=3, minutes=13))  # 47 min of 4 h left: under 20%
    assert rules.run(facts) == [NoticeKind.SLA_AT_RISK]
    assert rules.run(facts) == []
    rules.clock.advance(timedelta(hours=1))
    assert rules.run(facts) == [NoticeKind.SLA_BREACHED]
    assert rules.run(facts) == []


def test_update_due_soon_then_overdue_for_the_commander_only() -> None:
    rules = Rules()
    due = START + timedelta(minutes=30)
    mine = incident(1, 1, major=True, next_update_due=due, commander=7)
    theirs = incident(2, 1, major=True, next_update_due=due, commander=8, comms=9)
    rules.ledger = NotificationLedger()
    rules.run(Facts(incidents=[mine, theirs]))  # start-up look: both majors are history
    rules.clock.advance(timedelta(minutes=26))
    assert rules.run(Facts(incidents=[mine, theirs])) == [NoticeKind.UPDATE_DUE_SOON]
    rules.clock.advance(timedelta(minutes=5))
    kinds = rules.run(Facts(incidents=[mine, theirs]))
    assert kinds == [NoticeKind.UPDATE_OVERDUE]
    notice = evaluate(Facts(incidents=[mine]), ME, rules.clock.now())[-1]
    assert notice.title == "Update overdue: INC0000001 Email outage"
    assert notice.loud
    assert rules.run(Facts(incidents=[mine, theirs])) == []
    # The update went out; the next one is due later and is news again when overdue.
    later = incident(1, 1, major=True, next_update_due=due + timedelta(minutes=30), commander=7)
    rules.clock.advance(timedelta(minutes=30))
    assert rules.run(Facts(incidents=[later])) == [NoticeKind.UPDATE_OVERDUE]


def test_comms_lead_is_told_too() -> None:
    rules = Rules()
    due = START + timedelta(minutes=2)
    facts = Facts(incidents=[incident(1, 3, major=True, next_update_due=due, comms=7)])
    assert NoticeKind.UPDATE_DUE_SOON in rules.run(facts)


def test_vendor_eta_passed_once() -> None:
    rules = Rules()
    vendor = VendorFacts(5, 1, "INC0000001", "Contoso Mail", START + timedelta(hours=1), True)
    facts = Facts(incidents=[incident(1)], vendors=[vendor])
    assert rules.run(facts) == []
    rules.clock.advance(timedelta(hours=1, seconds=1))
    assert rules.run(facts) == [NoticeKind.VENDOR_ETA_PASSED]
    assert rules.run(facts) == []


def test_surge_once_per_surge() -> None:
    rules = Rules()
    surge = SurgeFacts(4, "Email", START, "Possible major incident: 7 calls about Email")
    assert rules.run(Facts(surges=[surge])) == [NoticeKind.SURGE]
    assert rules.run(Facts(surges=[surge])) == []


def test_callbacks_due_only_for_calls_i_logged_one_notice_per_incident() -> None:
    rules = Rules()
    calls = [CallbackFacts(n, 1, "INC0000001", "Email outage", f"Caller {n}", 7) for n in range(5)]
    others = [CallbackFacts(9, 2, "INC0000002", "VPN", "Someone", 8)]
    kinds = rules.run(Facts(callbacks=[*calls, *others]))
    assert kinds == [NoticeKind.CALLBACKS_DUE]
    notice = evaluate(Facts(callbacks=calls), ME, START)[0]
    assert "5 callbacks" in notice.body
    assert rules.run(Facts(callbacks=calls)) == []


# -- the gate ------------------------------------------------------------------------------------


def fresh_notices(count: int, at: datetime) -> list[Notice]:
    facts = Facts(incidents=[incident(n, 2, assignee=7) for n in range(1, count + 1)])
    return [n for n in evaluate(facts, ME, at) if n.kind == NoticeKind.ASSIGNED_TO_ME]


def test_a_bulk_load_is_one_summary_not_news_one_by_one() -> None:
    rules = Rules()
    loaded = [incident(n, 1 if n < 4 else 3, team=3, opened=START - timedelta(hours=9))
              for n in range(1, 18)]  # fmt: skip
    notices = rules.ledger.fresh(evaluate(Facts(incidents=loaded), ME, START))
    (summary,) = notices
    assert summary.kind == NoticeKind.MANY_AT_ONCE
    assert summary.title == "20 changes at once"
    assert "3 × New P1 or P2 incident" in summary.body
    assert "17 × SLA breached" in summary.body
    assert summary.incident_id is None
    assert not summary.loud
    assert rules.run(Facts(incidents=loaded)) == []  # recorded: never announced later


def test_news_after_a_bulk_load_is_news_again() -> None:
    rules = Rules()
    rules.run(Facts(incidents=[incident(n, 1) for n in range(1, 12)]))
    later = [incident(n, 1) for n in range(1, 13)]
    assert rules.run(Facts(incidents=later)) == [NoticeKind.NEW_URGENT]


def test_a_sample_loaded_in_a_trickle_is_one_summary_at_its_end() -> None:
    rules = Rules()
    rules.ledger.begin_bulk()
    for last in range(1, 5):  # the queue sees the load arrive a few rows at a time
        assert rules.run(Facts(incidents=[incident(n, 1) for n in range(1, last + 1)])) == []
    everything = Facts(incidents=[incident(n, 1) for n in range(1, 6)])
    (summary,) = rules.ledger.end_bulk(evaluate(everything, ME, rules.clock.now()))
    assert summary.kind == NoticeKind.MANY_AT_ONCE
    assert summary.title == "5 changes at once"
    assert rules.run(everything) == []
    assert rules.run(Facts(incidents=[incident(n, 1) for n in range(1, 7)])) == [
        NoticeKind.NEW_URGENT
    ]


def test_a_bulk_change_that_brought_nothing_says_nothing() -> None:
    rules = Rules()
    rules.ledger.begin_bulk()
    assert rules.ledger.end_bulk([]) == []


def test_up_to_the_limit_each_notice_is_its_own() -> None:
    rules = Rules()
    kinds = rules.run(Facts(incidents=[incident(n, 1) for n in range(1, 9)]))
    assert kinds == [NoticeKind.NEW_URGENT] * 8


def test_a_bulk_reassignment_of_40_makes_one_summary() -> None:
    gate = NotificationGate()
    popups = gate.offer(fresh_notices(40, START), NotificationPreferences(), START, START)
    assert len(popups) == 1
    assert popups[0].summary
    assert popups[0].title == "Calmdesk: 40 notifications"
    assert "40 × incident assigned to me" in popups[0].body


def test_a_trickle_over_the_limit_collapses_until_the_window_ends() -> None:
    gate, prefs, clock = NotificationGate(), NotificationPreferences(), ManualClock(START)
    notices = fresh_notices(40, START)
    shown = []
    for notice in notices:  # 40 linked calls in a minute: one every 1.5 s
        shown += gate.offer([notice], prefs, clock.now(), clock.now())
        clock.advance(timedelta(seconds=1.5))
    assert [p.summary for p in shown] == [False, False, False]  # 3 alone, then quiet
    clock.advance(timedelta(seconds=10))  # the 30 s timer runs after the window closed
    (summary,) = gate.offer([], prefs, clock.now(), clock.now())
    assert summary.title == "Calmdesk: 37 notifications"
    assert gate.offer([], prefs, clock.now(), clock.now()) == []


def test_rules_switched_off_or_below_minimum_priority_stay_quiet() -> None:
    prefs = NotificationPreferences(disabled=frozenset({NoticeKind.SURGE}), min_priority=1)
    gate = NotificationGate()
    surge = evaluate(Facts(surges=[SurgeFacts(1, "Email", START, "m")]), ME, START)
    p2 = fresh_notices(1, START)
    assert gate.offer([*surge, *p2], prefs, START, START) == []


def test_pause_holds_and_shows_afterwards() -> None:
    clock = ManualClock(START)
    prefs = NotificationPreferences().paused_for_an_hour(clock.now())
    gate = NotificationGate()
    assert gate.offer(fresh_notices(2, START), prefs, clock.now(), clock.now()) == []
    clock.advance(timedelta(minutes=59))
    assert gate.offer([], prefs, clock.now(), clock.now()) == []
    clock.advance(timedelta(minutes=1))
    shown = gate.offer([], prefs, clock.now(), clock.now())
    assert [p.incident_id for p in shown] == [1, 2]


def test_quiet_hours_cross_midnight_and_release_in_the_morning() -> None:
    prefs = NotificationPreferences(quiet_from=time(22, 0), quiet_until=time(7, 0))
    gate = NotificationGate()
    night = datetime(2026, 1, 5, 23, 30)
    assert prefs.quiet_at(night)
    assert gate.offer(fresh_notices(1, START), prefs, START, night) == []
    morning = datetime(2026, 1, 6, 7, 0)
    assert not prefs.quiet_at(morning)
    assert len(gate.offer([], prefs, START, morning)) == 1


def test_a_notice_about_a_drill_says_so_first() -> None:
    real = incident(1, major=True)
    drill = replace(incident(2, major=True), drill=True)
    notices = evaluate(Facts(incidents=(real, drill)), ME, START)
    titles = {n.incident_id: n.title for n in notices if n.kind == NoticeKind.MAJOR_DECLARED}
    assert titles == {
        1: "Major incident: INC0000001 Email outage",
        2: "DRILL · Major incident: INC0000002 Email outage",
    }
