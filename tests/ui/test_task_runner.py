"""The task runner: answers come back on the UI thread, and an answer for a window that was
closed meanwhile is dropped instead of being delivered into a deleted Qt object."""

from __future__ import annotations

import threading
from functools import partial

from PySide6.QtCore import QCoreApplication, QEvent, QObject
from pytestqt.qtbot import QtBot

from app.services.errors import NotFound
from ui.task_runner import TaskRunner


def _not_found() -> None:
    raise NotFound("That incident no longer exists.")


class Receiver(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.got: list[object] = []

    def on_done(self, result: object) -> None:
        self.got.append(result)

    def on_error(self, error: Exception) -> None:
        self.got.append(error)

    def on_tagged(self, tag: str, result: object) -> None:
        self.got.append((tag, result))


def test_an_answer_arrives_on_the_ui_thread(qtbot: QtBot) -> None:
    runner = TaskRunner()
    receiver = Receiver()
    with qtbot.waitSignal(runner.task_finished):
        runner.submit(lambda: threading.current_thread().name, receiver.on_done)
    assert receiver.got
    assert receiver.got[0] != threading.current_thread().name  # it ran on a worker
    assert runner.wait_for_idle()


def test_an_answer_for_a_receiver_deleted_meanwhile_is_dropped(qtbot: QtBot) -> None:
    runner = TaskRunner()
    release = threading.Event()
    receiver = Receiver()
    runner.submit(lambda: release.wait(10), receiver.on_done, receiver.on_error)
    runner.submit(lambda: release.wait(10), partial(receiver.on_tagged, "token 7"))
    receiver.deleteLater()  # the window closes while its read is still running
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    with qtbot.waitSignal(runner.busy_changed):  # both answers are back, and nothing raised
        release.set()
    assert receiver.got == []  # not delivered into the deleted object
    assert not runner.busy
    other = Receiver()
    with qtbot.waitSignal(runner.task_finished):  # a living receiver still hears of errors
        runner.submit(_not_found, other.on_done, other.on_error)
    assert [str(e) for e in other.got] == ["That incident no longer exists."]
    assert runner.wait_for_idle()
