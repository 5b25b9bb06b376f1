"""Keeps the queue current: the first load, the change feed, and the ticking clock.

Every write anywhere (this window, another window, another workstation) lands in the change
log; `refresh_changes` asks the feed what changed since the last cursor and patches only those
rows. Reads run on the task runner, never on the UI thread.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QObject, QTimer, Signal

from app.domain.errors import CalmdeskError
from app.services.feed.dto import ChangeBatch, FeedCursor
from app.services.incidents.dto import IncidentRow
from app.services.incidents.queue_filters import Viewer
from ui.console_context import ConsoleContext
from ui.queue.queue_model import QueueModel

BULK_ENTITIES = frozenset({"imports"})
FEED_POLL_MS = 2_000
TICK_MS = 15_000


def local_midnight_utc(now: datetime) -> datetime:
    local = now.astimezone()
    return local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(now.tzinfo)


class QueueController(QObject):
    loaded = Signal(int)  # rows in the cache, after the first load and each full reload
    changes_applied = Signal(object)  # the ChangeBatch, after its rows were patched in
    connection_changed = Signal(bool, str)  # healthy?, message
    error = Signal(str)

    def __init__(
        self, context: ConsoleContext, team_id: int | None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = context
        self._team_id = team_id
        self._cursor: FeedCursor | None = None  # set by the first load
        self._polling = False
        self._again = False  # a wake-up arrived mid-poll: poll once more when it ends
        self._healthy = True
        self._poll_problem = ""
        self._live_problem = ""
        self._last_message = ""
        self.model = QueueModel(self.viewer, self)
        # Another workstation committed: read the feed now instead of at the next timer tick.
        context.live.woke.connect(self.refresh_changes)
        context.live.state_changed.connect(self._on_live_state_changed)
        self._feed_timer = QTimer(self)
        self._feed_timer.setInterval(FEED_POLL_MS)
        self._feed_timer.timeout.connect(self.refresh_changes)
        self._tick_timer = QTimer(self)
        self._tick_timer.setInterval(TICK_MS)
        self._tick_timer.timeout.connect(self.model.tick)

    def viewer(self) -> Viewer:
        now = self._ctx.services.clock.now()
        return Viewer(
            agent_id=self._ctx.services.actor.agent_id,
            team_id=self._team_id,
            now=now,
            today_start=local_midnight_utc(now),
        )

    def set_team(self, team_id: int | None) -> None:
        self._team_id = team_id

    def start(self) -> None:
        self.reload()
        self._feed_timer.start()
        self._tick_timer.start()
        self._ctx.live.start()

    def stop(self) -> None:
        self._ctx.live.stop()
        self._feed_timer.stop()
        self._tick_timer.stop()

    def reload(self) -> None:
        reads, feed = self._ctx.reads, self._ctx.feed
        since = local_midnight_utc(self._ctx.services.clock.now()) - timedelta(days=1)

        def load() -> tuple[FeedCursor, list[IncidentRow]]:
            cursor = feed.head()  # read first: a change racing the load is fetched again later
            return cursor, reads.queue_rows(resolved_since=since)

        self._ctx.runner.submit(load, self._on_loaded, self._on_error)

    def refresh_changes(self) -> None:
        """Ask the change feed what changed and patch those rows. Safe to call any time."""
        if self._cursor is None:
            return
        if self._polling:
            self._again = True
            return
        self._polling = True
        feed, reads, cursor = self._ctx.feed, self._ctx.reads, self._cursor

        def fetch() -> tuple[ChangeBatch, list[IncidentRow]]:
            batch = feed.since(cursor)
            return batch, reads.rows(batch.incident_ids)

        self._ctx.runner.submit(fetch, self._on_changes, self._on_poll_error)

    def _on_loaded(self, result: tuple[FeedCursor, list[IncidentRow]]) -> None:
        self._cursor, rows = result
        self.model.set_rows(rows)
        self._set_healthy(True, "")
        self.loaded.emit(len(rows))

    def _on_changes(self, result: tuple[ChangeBatch, list[IncidentRow]]) -> None:
        self._polling = False
        batch, rows = result
        self._set_healthy(True, "")
        self._cursor = batch.cursor
        if BULK_ENTITIES & batch.other_entities:
            self.reload()  # an import touched thousands of rows: read them all again
            return
        if not batch.empty:
            fresh_ids = {row.id for row in rows}
            gone = [i for i in batch.incident_ids if i not in fresh_ids]
            self.model.apply_changes(rows, gone)
            self.changes_applied.emit(batch)
        self._poll_again_if_woken()

    def _on_poll_error(self, exc: Exception) -> None:
        self._polling = False
        self._on_error(exc)
        self._poll_again_if_woken()

    def _poll_again_if_woken(self) -> None:
        if self._again:
            self._again = False
            self.refresh_changes()

    @property
    def status_text(self) -> str:
        """One short line for the status bar: connected, live or stale, and why. It never says
        "Connected" while something says the connection was lost."""
        if self._poll_problem:
            return f"● Connection problem: {self._poll_problem}"
        if self._live_problem:
            return f"◐ Updates paused: {self._live_problem}"
        if self._ctx.live.live:
            return "● Connected, live"
        return "● Connected"

    def _on_live_state_changed(self, live: bool, message: str) -> None:
        self._live_problem = "" if live else (message or "live updates paused")
        self._emit_health(force=True)  # "live" itself is news for the indicator
        if live:
            self.refresh_changes()  # catch up on what was committed while we were not listening

    def _on_error(self, exc: Exception) -> None:
        message = str(exc) if isinstance(exc, CalmdeskError) else "Cannot read the queue."
        self._set_healthy(False, message)
        self.error.emit(message)

    def _set_healthy(self, healthy: bool, message: str) -> None:
        self._poll_problem = "" if healthy else message
        self._emit_health()

    def _emit_health(self, force: bool = False) -> None:
        healthy = not self._poll_problem and not self._live_problem
        message = self._poll_problem or self._live_problem
        if force or healthy != self._healthy or message != self._last_message:
            self._healthy = healthy
            self._last_message = message
            self.connection_changed.emit(healthy, message)
