"""How a console on PostgreSQL learns of other consoles' changes: a setting (app/settings.py),
apart from the watchers themselves (live.py) so reading the settings needs no database code."""

from __future__ import annotations

from enum import StrEnum


class LiveMode(StrEnum):
    """How a console on PostgreSQL learns of other consoles' changes (the team settings)."""

    AUTO = "auto"  # LISTEN, unless a pooler is noticed in between: then POLL
    LISTEN = "listen"  # LISTEN/NOTIFY: a direct connection to the server
    POLL = "poll"  # read the change log once a second: through a pooler in transaction mode
