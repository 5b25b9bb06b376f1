"""Run service calls off the UI thread and call back on it, so a slow database never freezes a
window. Tests switch it to synchronous mode to run each call inline.

`submit` is generic in the call's result: the callback that receives it is checked against what
the service returns, so the data path from a click to the service is typed end to end. Errors
reach `on_error` as a CalmdeskError (a bug becomes an UnexpectedError whose details are logged).

A window closed while its read was still running is gone when the answer arrives: a callback
that is a method of a deleted Qt object is dropped, not called into a dead object."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from app.domain.errors import CalmdeskError, DatabaseUnavailable

log = logging.getLogger(__name__)

T = TypeVar("T")
Failed = Callable[[CalmdeskError], None]


class UnexpectedError(CalmdeskError):
    """A bug, not the user's doing: its details went to the log file."""


def _live(callback: Callable[[T], None] | None) -> Callable[[T], None] | None:
    """`callback`, unless it is a method of a Qt object that has been deleted since (directly or
    through functools.partial)."""
    owner = getattr(getattr(callback, "func", callback), "__self__", None)
    if isinstance(owner, QObject) and not shiboken6.isValid(owner):
        log.debug("Dropped the answer for %s: it was closed meanwhile", type(owner).__name__)
        return None
    return callback


class _Task(Generic[T]):
    """One call and its callbacks: `run` calls it (on a worker), then the runner, on the UI
    thread, reads `error` and calls `succeed` or `fail`."""

    def __init__(
        self, fn: Callable[[], T], on_done: Callable[[T], None] | None, on_error: Failed | None
    ) -> None:
        self._fn, self._on_done, self._on_error = fn, on_done, on_error
        self._result: tuple[T] | None = None  # a 1-tuple once the call returned (T may be None)
        self.error: Exception | None = None

    def run(self) -> None:
        try:
            self._result = (self._fn(),)
        except Exception as exc:  # delivered to the caller's on_error on the UI thread
            self.error = exc

    def succeed(self) -> None:
        assert self._result is not None
        on_done = _live(self._on_done)
        if on_done is not None:
            on_done(self._result[0])

    def fail(self, error: CalmdeskError) -> None:
        on_error = _live(self._on_error)
        if on_error is not None:
            on_error(error)
        else:
            log.warning("Unhandled task error: %s", error)


class _Job(QRunnable):
    def __init__(self, runner: TaskRunner, token: int, task: _Task[Any]) -> None:
        super().__init__()
        self._runner, self._token, self._task = runner, token, task

    def run(self) -> None:
        self._task.run()
        self._runner._job_finished.emit(self._token)


class TaskRunner(QObject):
    """`submit(fn, on_done, on_error)`: fn runs on a worker thread, the callbacks on the UI one."""

    task_finished = Signal()  # after any task's callback ran: tests wait on it
    database_unavailable = Signal(str)  # a task found the database unreachable: why
    unexpected_error = Signal(object)  # a bug in a task (the exception): the crash reporter
    busy_changed = Signal(bool)
    _job_finished = Signal(int)  # the token of a task whose call returned or raised

    def __init__(self, parent: QObject | None = None, *, synchronous: bool = False) -> None:
        super().__init__(parent)
        self._synchronous = synchronous
        self._pool = QThreadPool(self)
        # A few threads: enough that a slow write never queues behind a slow read, few enough
        # that SQLite writers do not pile up.
        self._pool.setMaxThreadCount(4)
        # Tasks of every result type wait here; each was checked against its callback in submit.
        self._pending: dict[int, _Task[Any]] = {}
        self._tokens = itertools.count(1)
        self._job_finished.connect(self._on_job_finished)

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def submit(
        self,
        fn: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Failed | None = None,
    ) -> None:
        token = next(self._tokens)
        task = _Task(fn, on_done, on_error)
        was_busy = self.busy
        self._pending[token] = task
        if not was_busy:
            self.busy_changed.emit(True)
        if self._synchronous:
            task.run()
            self._on_job_finished(token)
            return
        self._pool.start(_Job(self, token, task))

    def wait_for_idle(self, msecs: int = 30_000) -> bool:
        """Block until every job ran (for shutdown); callbacks still run on the event loop."""
        return self._pool.waitForDone(msecs)

    @Slot(int)
    def _on_job_finished(self, token: int) -> None:
        task = self._pending.pop(token)
        try:
            error = task.error
            if error is None:
                task.succeed()
                return
            if isinstance(error, DatabaseUnavailable):
                self.database_unavailable.emit(str(error))
            if not isinstance(error, CalmdeskError):
                log.error("Unexpected error in a background task", exc_info=error)
                self.unexpected_error.emit(error)
                error = UnexpectedError(
                    "Something went wrong inside Calmdesk; nothing you typed was lost. "
                    "The details are in the log file."
                )
            task.fail(error)
        finally:
            if not self._pending:
                self.busy_changed.emit(False)
            self.task_finished.emit()
