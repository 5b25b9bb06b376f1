"""The name every Calmdesk connection gives the server (`application_name`), so that a DBA reading
`pg_stat_activity` sees which program, version, agent and workstation holds each connection.

PostgreSQL keeps at most 63 bytes of it and shows only printable ASCII, so the name is built to
fit: "Calmdesk 1.2.0 alice@WS-042". A long login or host name is shortened, never dropped.
"""

from __future__ import annotations

import getpass
import socket

from app import __version__

PRODUCT = "Calmdesk"
MAX_BYTES = 63  # NAMEDATALEN - 1: the server cuts anything longer


def application_name(login: str, host: str, version: str = __version__) -> str:
    """`Calmdesk <version> <login>@<host>`, in printable ASCII and at most 63 bytes."""
    prefix = f"{PRODUCT} {_ascii(version)[:16]} "
    room = MAX_BYTES - len(prefix) - 1  # the "@"
    user, where = _ascii(login) or "?", _ascii(host) or "?"
    if len(user) + len(where) > room:
        # Each gets half the room, and what one does not need goes to the other.
        half = room // 2
        if len(user) <= half:
            where = where[: room - len(user)]
        elif len(where) <= room - half:
            user = user[: room - len(where)]
        else:
            user, where = user[:half], where[: room - half]
    return f"{prefix}{user}@{where}"


def this_workstation() -> str:
    try:
        return socket.gethostname().split(".")[0] or "unknown-host"
    except OSError:
        return "unknown-host"


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in a container or service account
        return "calmdesk"


def _ascii(text: str) -> str:
    """Printable ASCII only (the server would turn anything else into '?' or escapes)."""
    return "".join(ch if " " < ch <= "~" else "?" for ch in text.strip())
