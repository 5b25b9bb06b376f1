"""The first screen from a team server, read by a child process while the console loads Qt.

On a team server the first screen waits for psycopg's import (about 120 ms on a quiet two-core
machine, most of its read) and for the server's answer, one after the other with loading Qt and
building the window, which take as long again. Python runs imports one at a time, a thread does
not help, but a second core does: the console forks before it imports Qt, the child reads the
first screen (read.py) and hands it over through a pipe, pickled, and the console takes it when
its window is built. What the child reads is exactly what the console would have read itself
(with the keyring's password when the server asks for one, as the full start sends), and
anything it could not vouch for, or not within ANSWER_SECONDS, is None: the full start decides.

Only where `os.fork` exists (Linux, macOS; before Qt or any thread is started) and only for a
team server: a local SQLite file is read in a few milliseconds, in the console's own process.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import time
from datetime import datetime

from app.db.postgres_address import postgres_address
from app.services.first_screen.read import FirstScreen, read_first_screen

# The longest the console waits for the child before starting the full way: the child's own
# connection wait (2 s, from_postgres.py) and a quick read. A server that answers slower, or a
# keyring that asks to be unlocked first, is the full start's to wait for, with its dialogs.
ANSWER_SECONDS = 3.0


class ReadAhead:
    """A first screen being read in a child process."""

    def __init__(self, db_url: str, pid: int, pipe: int) -> None:
        self.db_url = db_url  # what it was read from: the console checks it is still the one
        self.pid = pid
        self._pipe: int | None = pipe

    def result(self, within: float = ANSWER_SECONDS) -> FirstScreen | None:
        """The child's first screen (waits for it, `within` seconds at most), or None when it
        could not vouch for one in time: the full start, with its own deadlines, decides."""
        if self._pipe is None:
            return None
        chunks = []
        until = time.monotonic() + within
        while True:
            left = until - time.monotonic()
            if left <= 0 or not select.select([self._pipe], [], [], left)[0]:
                self.cancel()  # still connecting, or a keyring waiting to be unlocked
                return None
            chunk = os.read(self._pipe, 1 << 16)
            if not chunk:
                break
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
