from datetime import timedelta

import pytest

from app.domain.reconnect import reconnect_delay


def test_retries_start_soon_then_double_up_to_half_a_minute() -> None:
    delays = [reconnect_delay(n).total_seconds() for n in range(7)]
    assert delays == [2, 4, 8, 16, 30, 30, 30]


def test_a_long_outage_keeps_trying_every_half_minute() -> None:
    assert reconnect_delay(10_000) == timedelta(seconds=30)


def test_the_spread_adds_at_most_a_fifth() -> None:
    assert reconnect_delay(0, 0.5) == timedelta(seconds=2.2)
    assert reconnect_delay(9, 0.999).total_seconds() < 36


@pytest.mark.parametrize(("attempt", "spread"), [(-1, 0.0), (0, 1.0), (0, -0.1)])
def test_nonsense_is_refused(attempt: int, spread: float) -> None:
    with pytest.raises(ValueError, match=r"attempt|spread"):
        reconnect_delay(attempt, spread)
