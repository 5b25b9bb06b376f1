"""Reference cycles are collected on the UI thread, however much a worker thread allocates."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from ui.ui_thread_collector import UiThreadCollector


class _Cycle:
    """An object in a reference cycle that notes which thread destroyed it."""

    def __init__(self, died_on: list[str]) -> None:
        self.me = self
        self._died_on = died_on

    def __del__(self) -> None:
        self._died_on.append(threading.current_thread().name)


@pytest.fixture
def collector(qtbot: QtBot) -> Iterator[UiThreadCollector]:
    """A collector of its own that checks often, beside the run-wide one."""
    made = UiThreadCollector(every_ms=20)
    gc.collect()  # every count back to zero
    yield made
    made.stop()


def test_a_cycle_left_over_is_destroyed_on_the_ui_thread_when_a_worker_allocates(
    qtbot: QtBot, collector: UiThreadCollector
) -> None:
    died_on: list[str] = []
    _Cycle(died_on)  # unreachable at once, but only the cycle collector can free it

    kept: list[list[int]] = []

    def allocate() -> None:  # far past the threshold: automatic collection would run here
        kept.extend([i] for i in range(50_000))

    worker = threading.Thread(target=allocate, name="worker")
    worker.start()
    worker.join()
    assert died_on == []  # the worker did not collect it
    qtbot.waitUntil(lambda: died_on != [])
    assert died_on == [threading.main_thread().name]


def test_nothing_is_collected_before_a_threshold_is_crossed(collector: UiThreadCollector) -> None:
    died_on: list[str] = []
    gc.collect()
    _Cycle(died_on)
    assert collector.collect_if_due() is None
    assert died_on == []
    for _ in range(gc.get_threshold()[0]):
        _Cycle(died_on)
    assert collector.collect_if_due() is not None
    assert len(died_on) == gc.get_threshold()[0] + 1


def test_stopping_gives_collection_back_to_python() -> None:
    was_enabled = gc.isenabled()
    gc.enable()
    made = UiThreadCollector()
    assert not gc.isenabled()
    made.stop()
    assert gc.isenabled()
    if not was_enabled:
        gc.disable()
