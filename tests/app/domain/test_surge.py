"""The surge rule: N calls about one service within the window, with no major incident covering
it, suggest declaring a major incident. Time is moved by hand; the edges are exact."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from app.domain.clock import ManualClock
from app.domain.errors import RuleViolation
from app.domain.surge import AlertSignal, CallSignal, SurgeRule, detect_surges, surge_message
from tests.helpers import MONDAY_MORNING

EMAIL, VPN = 1, 2


def _calls(
    clock: ManualClock, count: int, service: int = EMAIL, every: timedelta = timedelta(minutes=1)
) -> list[CallSignal]:
    calls = []
    for n in range(count):
        calls.append(CallSignal(call_id=service * 100 + n, service_id=service, at=clock.now()))
        if n < count - 1:
            clock.advance(every)
    return calls


def test_defaults_are_five_calls_in_ten_minutes() -> None:
    rule = SurgeRule()
    assert (rule.threshold, rule.window) == (5, timedelta(minutes=10))


def test_exactly_the_threshold_fires_and_one_fewer_does_not() -> None:
    clock = ManualClock(MONDAY_MORNING)
    four = _calls(clock, 4)
    assert detect_surges(four, set(), clock.now()) == []
    clock.advance(timedelta(minutes=1))
    five = [*four, CallSignal(999, EMAIL, clock.now())]
    [surge] = detect_surges(five, set(), clock.now())
    assert surge.service_id == EMAIL
    assert surge.count == 5
    assert surge.call_ids[-1] == 999
    assert surge.first_at == MONDAY_MORNING


def test_a_call_exactly_window_old_still_counts_a_second_older_does_not() -> None:
    clock = ManualClock(MONDAY_MORNING)
    calls = _calls(clock, 5, every=timedelta(minutes=2, seconds=30))  # spans exactly 10 min
    assert clock.now() - calls[0].at == timedelta(minutes=10)
    assert [s.count for s in detect_surges(calls, set(), clock.now())] == [5]
    clock.advance(timedelta(seconds=1))
    assert detect_surges(calls, set(), clock.now()) == []


def test_the_window_slides_with_the_clock() -> None:
    clock = ManualClock(MONDAY_MORNING)
    calls = _calls(clock, 6, every=timedelta(minutes=3))  # 0, 3, ..., 15 min
    # At 15 min the window is [5, 15]: the calls at 6, 9, 12, 15 -> 4: no surge.
    assert detect_surges(calls, set(), clock.now()) == []
    # Back at 12 min the window is [2, 12]: 3, 6, 9, 12 -> still 4.
    assert detect_surges(calls, set(), MONDAY_MORNING + timedelta(minutes=12)) == []
    # With a 15-minute window, all six count.
    wide = SurgeRule(window=timedelta(minutes=15))
    assert [s.count for s in detect_surges(calls, set(), clock.now(), wide)] == [6]


def test_a_service_already_covered_by_a_major_incident_never_surges() -> None:
    clock = ManualClock(MONDAY_MORNING)
    calls = _calls(clock, 7)
    assert detect_surges(calls, {EMAIL}, clock.now()) == []
    assert detect_surges(calls, {VPN}, clock.now()) != []


def test_calls_already_on_a_major_incident_or_without_a_service_do_not_count() -> None:
    clock = ManualClock(MONDAY_MORNING)
    on_major = [CallSignal(n, EMAIL, clock.now(), on_major=True) for n in range(10)]
    no_service = [CallSignal(100 + n, None, clock.now()) for n in range(10)]
    mixed = [*on_major, *no_service, *(CallSignal(200 + n, EMAIL, clock.now()) for n in range(4))]
    assert detect_surges(mixed, set(), clock.now()) == []


def test_each_service_is_counted_on_its_own_and_the_biggest_comes_first() -> None:
    clock = ManualClock(MONDAY_MORNING)
    email = [CallSignal(n, EMAIL, clock.now()) for n in range(5)]
    vpn = [CallSignal(100 + n, VPN, clock.now()) for n in range(8)]
    mixed_four = [CallSignal(200 + n, 3 + n % 2, clock.now()) for n in range(8)]  # 4 and 4
    surges = detect_surges([*email, *vpn, *mixed_four], set(), clock.now())
    assert [(s.service_id, s.count) for s in surges] == [(VPN, 8), (EMAIL, 5)]


def test_future_calls_are_not_counted_yet() -> None:
    clock = ManualClock(MONDAY_MORNING)
    later = [CallSignal(n, EMAIL, clock.now() + timedelta(minutes=1)) for n in range(5)]
    assert detect_surges(later, set(), clock.now()) == []


def test_the_rule_is_configurable_and_refuses_nonsense() -> None:
    clock = ManualClock(MONDAY_MORNING)
    calls = _calls(clock, 3)
    assert detect_surges(calls, set(), clock.now(), SurgeRule(threshold=3)) != []
    with pytest.raises(RuleViolation, match="at least 2"):
        SurgeRule(threshold=1)
    with pytest.raises(RuleViolation, match="longer than zero"):
        SurgeRule(window=timedelta())


def test_the_message_reads_like_the_banner() -> None:
    assert (
        surge_message("Email", 7, SurgeRule())
        == "Possible major incident: 7 calls about Email in the last 10 min"
    )


def _alert(
    service: int, *, firing: bool = True, minutes_ago: int = 0, major: bool = False
) -> AlertSignal:
    return AlertSignal(
        group_id=service * 100,
        service_id=service,
        last_firing_at=MONDAY_MORNING - timedelta(minutes=minutes_ago),
        firing=firing,
        on_major=major,
    )


def test_a_firing_monitoring_alert_weighs_as_two_calls() -> None:
    three = [CallSignal(n, EMAIL, MONDAY_MORNING - timedelta(minutes=n)) for n in range(3)]

    assert detect_surges(three, set(), MONDAY_MORNING) == []
    [surge] = detect_surges(three, set(), MONDAY_MORNING, alerts=[_alert(EMAIL)])
    assert (surge.count, surge.alert_ids, surge.weight(SurgeRule())) == (3, (EMAIL * 100,), 5)
    assert (
        surge_message("Email", surge.count, SurgeRule(), len(surge.alert_ids))
        == "Possible major incident: 3 calls and 1 monitoring alert about Email in the last 10 min"
    )


def test_an_alert_counts_only_while_firing_or_fired_within_the_window_and_not_on_a_major() -> None:
    three = [CallSignal(n, EMAIL, MONDAY_MORNING - timedelta(minutes=n)) for n in range(3)]
    recovered_lately = _alert(EMAIL, firing=False, minutes_ago=9)
    recovered_long_ago = _alert(EMAIL, firing=False, minutes_ago=11)
    still_firing_long_ago = _alert(EMAIL, minutes_ago=120)

    assert detect_surges(three, set(), MONDAY_MORNING, alerts=[recovered_lately]) != []
    assert detect_surges(three, set(), MONDAY_MORNING, alerts=[recovered_long_ago]) == []
    assert detect_surges(three, set(), MONDAY_MORNING, alerts=[still_firing_long_ago]) != []
    assert detect_surges(three, set(), MONDAY_MORNING, alerts=[_alert(EMAIL, major=True)]) == []
    assert detect_surges(three, set(), MONDAY_MORNING, alerts=[_alert(VPN)]) == []


def test_alerts_without_calls_are_no_surge() -> None:
    alerts = [_alert(EMAIL), replace(_alert(EMAIL), group_id=7), replace(_alert(EMAIL), group_id=8)]

    assert detect_surges([], set(), MONDAY_MORNING, alerts=alerts) == []
