"""When to read the change feed: a watcher wakes the console's reader ("poll now") whenever
another console commits, and says whether it is live. It never says what changed; the feed does.

The watchers themselves live with the database (app.db.live: LISTEN/NOTIFY on PostgreSQL,
`data_version` on a shared SQLite file); the UI reaches them through this module only."""

from __future__ import annotations

from app.db.live import ChangeWatcher, watcher_for
from app.db.live_mode import LiveMode
from app.services.context import ServiceContext

__all__ = ["ChangeWatcher", "LiveMode", "change_watcher"]


def change_watcher(ctx: ServiceContext, mode: LiveMode = LiveMode.AUTO) -> ChangeWatcher | None:
    """The watcher that suits the context's database, or None when nothing else can write to it
    (an in-memory SQLite). `mode` (the team settings' live_updates) says whether a PostgreSQL
    watcher LISTENs, reads the change log every second (behind a pooler), or decides itself."""
    return watcher_for(ctx.db, mode)
