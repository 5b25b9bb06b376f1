"""After a connection attempt times out, the next ones fail at once for a while with the same
error, then the network is tried again; "try now" always tries. On a real silent line, see
tests/app/db/test_deadlines.py."""

from __future__ import annotations

import pytest

from app.db.silent_line import SilentLine


class ConnectionTimeout(Exception):
    """Named as psycopg names it: the kind of error that makes a line silent."""


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Network:
    """Counts the attempts that reached it; answers, or times out, or refuses."""

    def __init__(self) -> None:
        self.attempts = 0
        self.answer: Exception | None = None

    def connect(self) -> str:
        self.attempts += 1
        if self.answer is not None:
            raise self.answer
        return "connection"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def line(clock: Clock) -> SilentLine:
    return SilentLine(quiet_seconds=5, now=clock)


def timed_out_once(line: SilentLine) -> Network:
    """A network that did not answer `line`'s first attempt, and still does not."""
    network = Network()
    network.answer = ConnectionTimeout("connection timeout expired")
    with pytest.raises(ConnectionTimeout):
        line.connect(network.connect)
    return network


def test_after_a_timeout_the_next_attempts_fail_at_once_with_the_same_kind_of_error(
    line: SilentLine, clock: Clock
) -> None:
    network = timed_out_once(line)
    clock.now += 2
    with pytest.raises(ConnectionTimeout) as again:
        line.connect(network.connect)
    assert network.attempts == 1
    assert str(again.value) == (
        "connection timeout expired (the last attempt, 2 s ago, had no answer; "
        "the network is tried again in 3 s)"
    )


def test_once_the_quiet_time_is_over_the_network_is_tried_again(
    line: SilentLine, clock: Clock
) -> None:
    network = timed_out_once(line)
    clock.now += 5
    network.answer = None
    assert line.connect(network.connect) == "connection"
    assert network.attempts == 2
    network.answer = ConnectionTimeout("connection timeout expired")
    with pytest.raises(ConnectionTimeout):  # a new silence is waited out once more
        line.connect(network.connect)
    assert network.attempts == 3


def test_try_now_goes_to_the_network_even_within_the_quiet_time(
    line: SilentLine, clock: Clock
) -> None:
    network = timed_out_once(line)
    network.answer = None
    line.try_now()
    assert line.connect(network.connect) == "connection"
    assert network.attempts == 2


def test_a_refusal_is_not_a_silence_and_is_asked_each_time(line: SilentLine) -> None:
    network = Network()
    network.answer = ConnectionRefusedError("connection refused")
    for _ in range(3):
        with pytest.raises(ConnectionRefusedError):
            line.connect(network.connect)
    assert network.attempts == 3
