"""Keeps the queue current: the first load, the change hub's batches, and the ticking clock.

Every write anywhere (this window, another window, another workstation) lands in the change
log; the console's change hub (ui/live/change_hub.py) reads it and hands each batch here, and
only the rows it names are read again and patched in. Reads run on the task runner, never on
the UI thread.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

from PySide6.QtCore import QObject, QTimer, Signal

from app.domain.errors import CalmdeskError
from app.services.feed.dto import ChangeBatch
from app.services.incidents.dto import IncidentRow
from app.services.incidents.queue_filters import Viewer
from ui.console_context import ConsoleContext
from ui.queue.queue_day import FIRST_PAGE_ROWS, local_midnight_utc, resolved_since
from ui.queue.queue_model import QueueModel

BULK_ENTITIES = frozenset({"imports"})
TICK_MS = 15_000


class QueueController(QObject):
    # Each load emits `page_loaded` once its first rows are shown (the first screenful read in
    # triage order, or the whole queue when it comes first), then `loaded` once all are in.
    page_loaded = Signal(int)  # rows shown first
    loaded = Signal(int)  # rows in the cache, after the first load and each full reload
    changes_applied = Signal(object)  # frozenset of the incident ids whose rows were patched in
    connection_changed = Signal(bool, str)  # healthy?, message
    error = Signal(str)

    def __init__(
        self,
        context: ConsoleContext,
        team_id: int | None,
        parent: QObject | None = None,
        model: QueueModel | None = None,
    ) -> None:
        """`model`: the window's own, when it showed the queue's first screen before this
        controller existed (ui/main_window.py); else a new one."""
        super().__init__(parent)
        self._ctx = context
        self._team_id = team_id
        self._changes = context.hub.subscription(self, self._on_changes)
        self._generation = 0  # bumps on every full reload: older answers are dropped
        self._loading = False
        self._load_failed = False  # the last whole read failed: read again once polls answer
        self._page_shown = False  # the window showed the first page itself (start)
        self._fetching = False
        self._unread_ids: set[int] = set()  # incidents the feed named whose rows are not read yet
        self._healthy = True
        self._poll_problem = ""
        self._live_problem = ""
        self._last_message = ""
        self.model = model if model is not None else QueueModel(self.viewer, self)
        hub = context.hub
        hub.polled.connect(self._on_hub_polled)
        hub.poll_failed.connect(self._on_hub_poll_failed)
        hub.live_changed.connect(self._on_hub_live_changed)
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

    def start(self, first_page_shown: bool = False) -> None:
        """Start reading: the first page then the rest, or (`first_page_shown`: the model holds
        the first screen already) the whole queue, swapped in under the rows on screen."""
        self._changes.start()
        self._page_shown = first_page_shown
        self._load(first_page=not first_page_shown)
        self._tick_timer.start()

    def stop(self) -> None:
        self._changes.stop()
        self._tick_timer.stop()

    def reload(self) -> None:
        """Read every row again (Refresh, after an import): the queue on screen stays until the
        new rows replace it."""
        self._load(first_page=False)

    def _load(self, first_page: bool) -> None:
        """Read the queue: with `first_page`, its first screenful first (painted at once), then
        the rest. Changes the feed names meanwhile wait in `_unread_ids` and are read once the
        whole queue is in, so none is lost and none lands on rows a later read replaces."""
        reads = self._ctx.reads
        since = resolved_since(self._ctx.services.clock.now())
        self._generation += 1
        self._loading = True
        self._load_failed = False
        self._unread_ids.clear()  # the reload reads them too
        generation = self._generation
        if not first_page:
            self._read_all(generation, since)
            return
        limit = FIRST_PAGE_ROWS
        self._ctx.hub.load(
            lambda: reads.first_page(limit, resolved_since=since),
            partial(self._on_page, generation, since, limit),
            partial(self._on_load_failed, generation),
        )

    def _read_all(self, generation: int, since: datetime) -> None:
        reads = self._ctx.reads
        self._ctx.hub.load(
            lambda: reads.queue_rows(resolved_since=since),
            partial(self._on_loaded, generation),
            partial(self._on_load_failed, generation),
        )

    def _on_page(
        self, generation: int, since: datetime, limit: int, rows: list[IncidentRow]
    ) -> None:
        if generation != self._generation:
            return  # a later reload is on its way
        if len(rows) < limit:  # the page holds the whole queue: no second read
            self._on_loaded(generation, rows)
            return
        self.model.set_rows(rows, complete=False)
        self._set_healthy(True, "")
        self.page_loaded.emit(len(rows))
        self._read_all(generation, since)

    def _on_loaded(self, generation: int, rows: list[IncidentRow]) -> None:
        if generation != self._generation:
            return  # a later reload is on its way
        self._loading = False
        # No page shown for this load (by this controller or, the first time, by the window):
        # these rows come first.
        first = self.model.complete and not self._page_shown
        self._page_shown = False
        self.model.complete_rows(rows)
        del rows  # the model holds the rows now; the read's list goes (memory, 25k rows)
        self._set_healthy(True, "")
        count = self.model.cached_count
        if first:
            self.page_loaded.emit(count)
        self.loaded.emit(count)
        self._read_changed_rows()

    def _on_load_failed(self, generation: int, exc: Exception) -> None:
        if generation == self._generation:
            self._loading = False
            self._load_failed = True
            self._on_error(exc)

    def _on_changes(self, batch: ChangeBatch) -> None:
        if BULK_ENTITIES & batch.other_entities:
            self.reload()  # an import touched thousands of rows: read them all again
            return
        self._unread_ids |= batch.incident_ids
        self._read_changed_rows()

    def _read_changed_rows(self) -> None:
        """Read the rows the feed named, one read at a time so an older answer never lands on
        a newer one; what arrives meanwhile is read right after."""
        if self._loading or self._fetching or not self._unread_ids:
            return
        ids, self._unread_ids = frozenset(self._unread_ids), set()
        self._fetching = True
        reads = self._ctx.reads
        self._ctx.runner.submit(
            lambda: reads.rows(ids),
            partial(self._on_rows, self._generation, ids),
            partial(self._on_rows_failed, ids),
        )

    def _on_rows(self, generation: int, ids: frozenset[int], rows: list[IncidentRow]) -> None:
        self._fetching = False
        if generation == self._generation:  # else a reload read them after this did
            fresh_ids = {row.id for row in rows}
            self.model.apply_changes(rows, [i for i in ids if i not in fresh_ids])
            self.changes_applied.emit(ids)
        self._read_changed_rows()

    def _on_rows_failed(self, ids: frozenset[int], exc: Exception) -> None:
        self._fetching = False
        self._unread_ids |= ids  # read again after the next poll that answers
        self._on_error(exc)

    def _on_hub_polled(self, _batch: ChangeBatch) -> None:
        if self._changes.active:
            self._set_healthy(True, "")
            if self._load_failed:  # the database is back: the queue it could not read, now
                self.reload()
            else:
                self._read_changed_rows()  # rows a failed read left behind

    def _on_hub_poll_failed(self, exc: Exception) -> None:
        if self._changes.active:
            self._on_error(exc)

    @property
    def status_text(self) -> str:
        """One short line for the status bar: connected, live or stale, and why. It never says
        "Connected" while something says the connection was lost."""
        if self._poll_problem:
            return f"● Connection problem: {self._poll_problem}"
        if self._live_problem:
            return f"◐ Updates paused: {self._live_problem}"
        if self._ctx.hub.live:
            return "● Connected, live"
        return "● Connected"

    def _on_hub_live_changed(self, live: bool, message: str) -> None:
        self._live_problem = "" if live else (message or "live updates paused")
        self._emit_health(force=True)  # "live" itself is news for the indicator

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
