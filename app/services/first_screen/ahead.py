"""The first screen from a team server, read by a child process while the console loads Qt.

On a team server the first screen waits for psycopg's import (about 120 ms on a quiet two-core
machine, most of its read) and for the server's answer, one after the other with loading Qt and
building the window, which take as long again. Python runs imports one at a time, a thread does
not help, but a second core does: the console forks before it imports Qt, the child reads the
first screen (read.py) and hands it over through a pipe, pickled, and the console takes it when
its window is built. What the child reads is exactly what the console would have read itself,
and anything it could not vouch for is None all the same: the full start decides.

Only where `os.fork` exists (Linux, macOS; before Qt or any thread is started) and only for a
team server: a local SQLite file is read in a few milliseconds, in the console's own process.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
from datetime import datetime

from app.db.postgres_address import postgres_address
from app.services.first_screen.read import FirstScreen, read_first_screen


class ReadAhead:
    """A first screen being read in a child process."""

    def __init__(self, db_url: str, pid: int, pipe: int) -> None:
        self.db_url = db_url  # what it was read from: the console checks it is still the one
        self.pid = pid
        self._pipe: int | None = pipe

    def result(self) -> FirstScreen | None:
        """The child's first screen (waits for it), or None when it could not vouch for one."""
        if self._pipe is None:
            return None
        chunks = []
        while chunk := os.read(self._pipe, 1 << 16):
            chunks.append(chunk)
        self._finish()
        try:
            screen = pickle.loads(b"".join(chunks)) if chunks else None
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
            return None  # a child cut short: as if it had found nothing
        return screen if isinstance(screen, FirstScreen) else None

    def cancel(self) -> None:
        """Not needed after all: end the child and let it go."""
        if self._pipe is not None:
            with contextlib.suppress(ProcessLookupError):  # it had finished
                os.kill(self.pid, signal.SIGKILL)
            self._finish()

    def _finish(self) -> None:
        assert self._pipe is not None
        os.close(self._pipe)
        self._pipe = None
        os.waitpid(self.pid, 0)


def read_ahead(
    db_url: str, now: datetime, resolved_since: datetime, limit: int
) -> ReadAhead | None:
    """Start reading the first screen of the team server at `db_url` in a child process; None
    where there is no fork or the URL is not a team server's (read it in-process then)."""
    if not hasattr(os, "fork") or postgres_address(db_url) is None:
        return None
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: read, hand over, and leave without running the parent's clean-ups
        status = 1
        try:
            os.close(reading)
            screen = read_first_screen(db_url, now, resolved_since, limit)
            payload = memoryview(pickle.dumps(screen, protocol=pickle.HIGHEST_PROTOCOL))
            while payload:
                payload = payload[os.write(writing, payload) :]
            status = 0
        finally:
            os._exit(status)
    os.close(writing)
    return ReadAhead(db_url, pid, reading)
