"""The libpq parameters that give every connection to PostgreSQL its deadlines (deadlines.py says
why each): apart, free of SQLAlchemy, so the console's first screen connects with the same ones
through the driver alone."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

CONNECT_TIMEOUT_SECONDS = 5  # libpq counts whole seconds (at least 2)
STATEMENT_TIMEOUT_MS = 60_000
IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000
KEEPALIVES = {
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 2,
}
TCP_USER_TIMEOUT_MS = 9_000


def libpq_deadlines(given: Collection[str]) -> dict[str, Any]:
    """The parameters, except those named in `given` (the URL's own: its values win)."""
    wanted: dict[str, Any] = {
        "connect_timeout": CONNECT_TIMEOUT_SECONDS,
        **KEEPALIVES,
        "tcp_user_timeout": TCP_USER_TIMEOUT_MS,
        "options": (
            f"-c statement_timeout={STATEMENT_TIMEOUT_MS} "
            f"-c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_TIMEOUT_MS}"
        ),
    }
    return {key: value for key, value in wanted.items() if key not in given}
