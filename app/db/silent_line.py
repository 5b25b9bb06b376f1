"""What a console remembers about a line that went silent, so it waits out a dead network once
instead of once per reader.

A connection attempt to a server that never answers takes the whole `connect_timeout` (5 s,
app/db/libpq_deadlines.py). On a silent line (Wi-Fi gone, a VPN dropping packets) the console's
readers (the change hub's poll, the war rooms, the drills, the call form's list of outages)
would each wait that long, one after the other, before the console could say "offline" and keep
the agent's work in the outbox. After one attempt times out, the attempts made during the next
`quiet_seconds` fail at once with the same error; the first one after that tries the network
again. An explicit "try now" (the outbox's reconnect, which `check_connection` serves) always
tries for real.

Only a timeout counts: a refused connection or a wrong password is answered at once anyway, and
must be seen as itself each time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# psycopg's ConnectionTimeout, and a timeout wrapped by anything else, by name: this module is
# loaded by the pool, which a console on a SQLite file imports without psycopg.
_TIMEOUT_NAMES = {"ConnectionTimeout", "TimeoutError"}


class SilentLine:
    """The memory of one pool's last timed-out connection attempt."""

    def __init__(self, quiet_seconds: float, now: Callable[[], float] = time.monotonic) -> None:
        self._quiet_seconds = quiet_seconds
        self._now = now
        self._lock = threading.Lock()
        self._failed_at: float | None = None
        self._error: BaseException | None = None

    def connect(self, attempt: Callable[[], T]) -> T:
        """`attempt()`, unless one timed out less than `quiet_seconds` ago: then that error
        again, at once, saying when the line was last tried."""
        with self._lock:
            failed_at, error = self._failed_at, self._error
        if failed_at is not None and error is not None:
            ago = self._now() - failed_at
            if ago < self._quiet_seconds:
                raise _again(error, ago, self._quiet_seconds - ago)
        try:
            result = attempt()
        except Exception as exc:
            if _timed_out(exc):
                with self._lock:
                    self._failed_at, self._error = self._now(), exc
            raise
        self.try_now()
        return result

    def try_now(self) -> None:
        """Forget the last timeout: the next attempt goes to the network."""
        with self._lock:
            self._failed_at, self._error = None, None


def _timed_out(exc: BaseException) -> bool:
    return any(kind.__name__ in _TIMEOUT_NAMES for kind in type(exc).__mro__)


def _again(error: BaseException, ago: float, left: float) -> BaseException:
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else "no answer"
    message = (
        f"{first_line} (the last attempt, {ago:.0f} s ago, had no answer; "
        f"the network is tried again in {max(left, 1):.0f} s)"
    )
    try:
        return type(error)(message)
    except TypeError:  # an error class that takes other arguments: keep its own words
        return error
