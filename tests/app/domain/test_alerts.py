"""The alert rules: where the mapping sends a group, and what each notification does to it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.alerts import (
    Action,
    AlertMapping,
    AlertNotice,
    AlertStatus,
    Flapping,
    GroupFacts,
    GroupState,
    MappingRule,
    group_key,
    next_step,
)
from app.domain.errors import RuleViolation
from app.domain.priority import Impact, Urgency

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
FIRING, RESOLVED = AlertStatus.FIRING, AlertStatus.RESOLVED
MAPPING = AlertMapping(
    services={"mail": "Email"},
    rules=(
        MappingRule(when={"severity": "critical"}, impact=Impact.HIGH, urgency=Urgency.HIGH),
        MappingRule(when={"team": "net"}, service="Network", urgency=Urgency.LOW),
        MappingRule(when={"severity": "info"}, resolve_on_recovery=True),
    ),
    reopen_window=timedelta(minutes=30),
    flap_changes=4,
)


def _group(
    state: GroupState = GroupState.FIRING,
    recovered_ago: timedelta | None = None,
    changes_ago: tuple[int, ...] = (),
    *,
    flapping: bool = False,
    closed: bool = False,
) -> GroupFacts:
    return GroupFacts(
        state=state,
        recovered_at=NOW - recovered_ago if recovered_ago is not None else None,
        recent_changes=tuple(NOW - timedelta(minutes=m) for m in changes_ago),
        flapping=flapping,
        incident_closed=closed,
    )


def test_critical_maps_to_high_impact_and_urgency_on_the_labelled_service() -> None:
    route = MAPPING.route({"severity": "critical", "service": "mail"})

    assert (route.service, route.impact, route.urgency) == ("Email", Impact.HIGH, Urgency.HIGH)
    assert route.resolve_on_recovery is False


def test_later_rules_fill_in_what_the_first_match_left_out() -> None:
    route = MAPPING.route({"severity": "critical", "team": "net", "service": "mail"})

    assert (route.service, route.impact, route.urgency) == ("Network", Impact.HIGH, Urgency.HIGH)


def test_no_rule_means_the_defaults_and_an_unmapped_label_is_the_service_name() -> None:
    route = MAPPING.route({"service": "Payroll"})

    assert (route.service, route.impact, route.urgency) == (
        "Payroll",
        Impact.MEDIUM,
        Urgency.MEDIUM,
    )
    assert MAPPING.route({}).service is None


def test_the_group_key_is_the_sources_own_or_the_name_and_service() -> None:
    notice = AlertNotice("generic", "DiskFull", FIRING, {}, 1)
    keyed = AlertNotice("alertmanager", "DiskFull", FIRING, {}, 1, source_key='{}:{a="b"}')

    assert group_key(notice, "Email") == "generic:DiskFull|Email"
    assert group_key(notice, "VPN") != group_key(notice, "Email")
    assert group_key(keyed, "Email") == 'alertmanager:{}:{a="b"}'


@pytest.mark.parametrize(
    ("group", "status", "action"),
    [
        (None, FIRING, Action.OPEN),
        (None, RESOLVED, Action.IGNORE),
        (_group(), FIRING, Action.REPEAT),
        (_group(), RESOLVED, Action.RECOVERED),
        (_group(GroupState.RECOVERED, timedelta(minutes=30)), FIRING, Action.REFIRED),
        (_group(GroupState.RECOVERED, timedelta(minutes=31)), FIRING, Action.OPEN),
        (_group(GroupState.RECOVERED, timedelta(minutes=5)), RESOLVED, Action.IGNORE),
        (_group(closed=True), FIRING, Action.OPEN),
    ],
)
def test_what_a_notification_does(
    group: GroupFacts | None, status: AlertStatus, action: Action
) -> None:
    assert next_step(group, status, NOW, MAPPING).action == action


def test_the_fourth_change_in_an_hour_starts_flapping_and_older_ones_do_not_count() -> None:
    three_recent = _group(changes_ago=(50, 30, 10))
    two_recent_one_old = _group(changes_ago=(61, 30, 10))

    started = next_step(three_recent, RESOLVED, NOW, MAPPING)
    calm = next_step(two_recent_one_old, RESOLVED, NOW, MAPPING)

    assert started.flapping == Flapping.STARTED
    assert started.recent_changes[-1] == NOW
    assert calm.flapping is None
    assert len(calm.recent_changes) == 3  # the 61-minute-old change is forgotten


def test_while_flapping_changes_are_quiet_and_it_stops_once_the_hour_calms() -> None:
    flapping = _group(changes_ago=(40, 30, 20, 10), flapping=True)
    calmed = _group(changes_ago=(70, 65, 62, 61), flapping=True)

    assert next_step(flapping, RESOLVED, NOW, MAPPING).quiet
    assert next_step(calmed, FIRING, NOW, MAPPING).flapping == Flapping.STOPPED


def test_a_mapping_refuses_a_negative_window_and_too_low_a_flapping_threshold() -> None:
    with pytest.raises(RuleViolation, match="reopen window"):
        AlertMapping(reopen_window=timedelta(minutes=-1))
    with pytest.raises(RuleViolation, match="at least 2"):
        AlertMapping(flap_changes=1)
