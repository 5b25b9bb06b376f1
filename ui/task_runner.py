"""Run service calls off the UI thread and call back on it, so a slow database never freezes a
window. Tests switch it to synchronous mode to run each call inline.

A window closed while its read was still running is gone when the answer arrives: a callback
that is a method of a deleted Qt object is dropped, not called into a dead object."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from app.db.engine import DatabaseUnavailable
from app.domain.errors import CalmdeskError

log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[Exception], None]


class UnexpectedError(CalmdeskError):
    """A bug, not the user's doing: its details went to the log file."""


def _live(callback: Callable[[Any], None] | None) -> Callable[[Any], None] | None:
    """`callback`, unless it is a method of a Qt object that has been deleted since (directly or
    through functools.partial)."""
    owner = getattr(getattr(callback, "func", callback), "__self__", None)
    if isinstance(owner, QObject) and not shiboken6.isValid(owner):
        log.debug("Dropped the answer for %s: it was closed meanwhile", type(owner).__name__)
        return None
    return callback


class _Job(QRunnable):
    def __init__(self, runner: TaskRunner, token: int, fn: Callable[[], Any]) -> None:
        super().__init__()
        self._runner, self._token, self._fn = runner, token, fn

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:  # delivered to the caller's on_error on the UI thread
            self._runner._job_finished.emit(self._token, None, exc)
        else:
            self._runner._job_finished.emit(self._token, result, None)


class TaskRunner(QObject):
    """`submit(fn, on_done, on_error)`: fn runs on a worker thread, the callbacks on the UI one."""

    task_finished = Signal()  # after any task's callback ran: tests wait on it
    database_unavailable = Signal(str)  # a task found the database unreachable: why
    unexpected_error = Signal(object)  # a bug in a task (the exception): the crash reporter
    busy_changed = Signal(bool)
    _job_finished = Signal(int, object, object)

    def __init__(self, parent: QObject | None = None, *, synchronous: bool = False) -> None:
        super().__init__(parent)
        self._synchronous = synchronous
        self._pool = QThreadPool(self)
        # A few threads: enough that a slow write never queues behind a slow read, few enough
        # that SQLite writers do not pile up.
        self._pool.setMaxThreadCount(4)
        self._pending: dict[int, tuple[Done | None, Failed | None]] = {}
        self._tokens = itertools.count(1)
        self._job_finished.connect(self._on_job_finished)

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def submit(
        self, fn: Callable[[], Any], on_done: Done | None = None, on_error: Failed | None = None
    ) -> None:
        token = next(self._tokens)
        was_busy = self.busy
        self._pending[token] = (on_done, on_error)
        if not was_busy:
            self.busy_changed.emit(True)
        if self._synchronous:
            try:
                result = fn()
            except Exception as exc:
                self._on_job_finished(token, None, exc)
            else:
                self._on_job_finished(token, result, None)
            return
        self._pool.start(_Job(self, token, fn))

    def wait_for_idle(self, msecs: int = 30_000) -> bool:
        """Block until every job ran (for shutdown); callbacks still run on the event loop."""
        return self._pool.waitForDone(msecs)

    @Slot(int, object, object)
    def _on_job_finished(self, token: int, result: object, error: object) -> None:
        done, failed = self._pending.pop(token, (None, None))
        on_done, on_error = _live(done), _live(failed)
        try:
            if error is None:
                if on_done is not None:
                    on_done(result)
            else:
                assert isinstance(error, Exception)
                if isinstance(error, DatabaseUnavailable):
                    self.database_unavailable.emit(str(error))
                if not isinstance(error, CalmdeskError):
                    log.error("Unexpected error in a background task", exc_info=error)
                    self.unexpected_error.emit(error)
                    error = UnexpectedError(
                        "Something went wrong inside Calmdesk; nothing you typed was lost. "
                        "The details are in the log file."
                    )
                if on_error is not None:
                    on_error(error)
                else:
                    log.warning("Unhandled task error: %s", error)
        finally:
            if not self._pending:
                self.busy_changed.emit(False)
            self.task_finished.emit()
