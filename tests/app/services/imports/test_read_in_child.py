"""Reading in a child process: the same messages in the same order (plain values and others),
the reading's error raised where the messages are taken, a child that dies said so, a stop early
ends the child, and the same on a thread where the platform does not fork (Windows, macOS)."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from app.adapters.import_files import ImportFileError
from app.services.imports.read_in_child import ReadingStopped, read_in_child

BOTH = pytest.mark.parametrize("fork", [True, False], ids=["child process", "thread"])
MOMENT = datetime(2016, 2, 29, 1, 16, tzinfo=UTC)


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@BOTH
def test_every_message_comes_in_order_plain_or_not(fork: bool) -> None:
    def work() -> Iterator[Any]:
        yield ("batch", [("INC1", None, "Agent 1", "Group 2")], 10)
        yield ("moment", MOMENT)  # not a plain value: pickled
        yield ("tally", 3, [(4, "INC9: unknown incident_state 'x'")])

    with read_in_child(work, fork=fork) as messages:
        assert list(messages) == [
            ("batch", [("INC1", None, "Agent 1", "Group 2")], 10),
            ("moment", MOMENT),
            ("tally", 3, [(4, "INC9: unknown incident_state 'x'")]),
        ]


@BOTH
def test_the_readings_error_is_raised_where_the_messages_are_taken(fork: bool) -> None:
    def work() -> Iterator[int]:
        yield 1
        raise ImportFileError("log.csv, line 16: the compressed file is damaged")

    taken: list[int] = []
    with (
        pytest.raises(ImportFileError, match="line 16: the compressed file is damaged"),
        read_in_child(work, fork=fork) as messages,
    ):
        taken.extend(messages)
    assert taken == [1]


class _Awkward(Exception):
    """An exception whose class cannot be rebuilt from its args."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(f"{column}: {reason}")


def test_an_error_that_cannot_travel_arrives_as_its_text() -> None:
    def work() -> Iterator[int]:
        raise _Awkward("opened_at", "not a date")
        yield 0

    with (
        pytest.raises(ReadingStopped, match="_Awkward: opened_at: not a date"),
        read_in_child(work, fork=True) as messages,
    ):
        list(messages)


def test_a_child_that_dies_midway_is_said_so() -> None:
    def work() -> Iterator[int]:
        yield 1
        os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would
        yield 2

    taken: list[int] = []
    with (
        pytest.raises(ReadingStopped, match="stopped before it finished"),
        read_in_child(work, fork=True) as messages,
    ):
        taken.extend(messages)
    assert taken == [1]


def test_stopping_early_ends_the_child() -> None:
    def work() -> Iterator[Any]:
        yield os.getpid()
        for n in range(10_000_000):  # far more than the pipe holds: it waits to send
            yield ("row", n, "x" * 100)

    with read_in_child(work, fork=True) as messages:
        pid = next(messages)
        assert next(messages) == ("row", 0, "x" * 100)
        assert not _gone(pid)
    assert _gone(pid)  # killed and reaped, not left behind as a zombie


def test_by_default_linux_reads_in_a_child_and_other_platforms_on_a_thread() -> None:
    def work() -> Iterator[int]:
        yield os.getpid()

    with read_in_child(work) as messages:
        reader = next(messages)
    assert (reader != os.getpid()) == sys.platform.startswith("linux")
