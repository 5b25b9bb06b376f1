"""The supervisor wallboard: a full-screen, read-only view of the whole desk for a wall TV.

It is live like the queue: when the console's change hub reports a change the wall shows
(incidents, calls, teams, services), the snapshot is read again on the task runner; changes that
arrive while a read is out make one more read when it ends. The clock alone moves some numbers
(breached, at risk, calls in the last hour), so the snapshot is also read once a minute. Between
reads, the clock, the elapsed times and the update countdowns tick every second from the injected
clock, without touching the database.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QResizeEvent, QScreen
from PySide6.QtWidgets import QHBoxLayout, QLayout, QVBoxLayout, QWidget

from app.domain.errors import CalmdeskError, DatabaseUnavailable
from app.domain.priority import Priority
from app.services.feed.dto import ChangeBatch
from app.services.reports.wallboard import WallboardReads, WallboardSnapshot
from ui.console_context import ConsoleContext
from ui.wallboard.majors import MajorsPanel
from ui.wallboard.style import LayoutScaler, scale_for, set_tone, style_sheet
from ui.wallboard.teams import TeamLoadPanel
from ui.wallboard.tiles import NOT_LOADED, PriorityTile, StatTile
from ui.wallboard.widgets import ElidedLabel, make_label

# What the wall counts: a change to any of these reads the snapshot again.
WALL_ENTITIES = frozenset({"calls", "teams", "agents", "services", "status_updates", "imports"})
TIME_REFRESH_MS = 60_000
TICK_MS = 1_000
# Neither a snapshot nor an answer from the change feed for this long: the numbers on the wall
# may be lying, so the wall says so.
STALE_AFTER = timedelta(seconds=45)


def _local(moment: datetime, pattern: str) -> str:
    return moment.astimezone().strftime(pattern)


class Wallboard(QWidget):
    snapshot_applied = Signal(object)  # the WallboardSnapshot, once it is on screen
    refresh_failed = Signal(str)  # a readable reason; the last numbers stay up

    def __init__(self, context: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self._ctx = context
        self._reads = WallboardReads(context.services)
        self.snapshot: WallboardSnapshot | None = None
        self._current_at: datetime | None = None  # the snapshot was known to be current then
        self._changes = context.hub.subscription(self, self._on_changes)
        self._loading = False
        self._again = False  # a change arrived while a read was out: read once more
        self._closed = False
        self._error = ""
        self._away_since: datetime | None = None  # the database has not answered since then
        self._scale = 0.0
        self.setObjectName("Wallboard")
        self.setAccessibleName("Wallboard")
        self.setWindowTitle("Calmdesk wallboard")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._build()
        self._layouts = LayoutScaler(self)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setInterval(TIME_REFRESH_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        context.hub.polled.connect(self._on_hub_polled)
        self._tick_timer = QTimer(self)
        self._tick_timer.setInterval(TICK_MS)
        self._tick_timer.timeout.connect(self.tick)
        self._apply_scale(1.0)
        self.resize(1600, 900)

    def _build(self) -> None:
        self.total_open = make_label(NOT_LOADED, "clock", "All open incidents")
        self.total_breached = make_label("", "value", "All breached incidents", "muted")
        self.total_at_risk = make_label("", "value", "All incidents at risk", "muted")
        self.status = ElidedLabel("", "caption", "Wallboard data status")
        self.warning = make_label("", "caption", "Wallboard data warning", "alarm")
        self.warning.setWordWrap(True)
        self.warning.hide()
        self.status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.clock = make_label("", "clock", "Time now")
        header = QHBoxLayout()
        header.setSpacing(36)
        header.addWidget(self.total_open, 0, Qt.AlignmentFlag.AlignBaseline)
        header.addWidget(self.total_breached, 0, Qt.AlignmentFlag.AlignBaseline)
        header.addWidget(self.total_at_risk, 0, Qt.AlignmentFlag.AlignBaseline)
        header.addWidget(self.status, 1)
        header.addWidget(self.clock)

        self.priority_tiles = {p: PriorityTile(p) for p in Priority}
        tiles = QHBoxLayout()
        tiles.setSpacing(16)
        for tile in self.priority_tiles.values():
            tiles.addWidget(tile, 1)

        self.majors = MajorsPanel()
        self.calls = StatTile("calls in the last hour", "Calls in the last hour")
        self.unassigned = StatTile("unassigned", "Unassigned open incidents")
        self.teams = TeamLoadPanel()
        bottom = QHBoxLayout()
        bottom.setSpacing(16)
        bottom.addWidget(self.calls, 5)
        bottom.addWidget(self.unassigned, 4)
        bottom.addWidget(self.teams, 11)

        layout = QVBoxLayout(self)
        # The wall decides the size, never the content: no minimum size pushed onto the window
        # (which would grow it, and with it the type, past the screen).
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        layout.setContentsMargins(32, 16, 32, 20)
        layout.setSpacing(16)
        layout.addLayout(header)
        layout.addWidget(self.warning)
        layout.addLayout(tiles)
        layout.addWidget(self.majors, 1)
        layout.addLayout(bottom)

    # -- running ------------------------------------------------------------------------

    def start(self) -> None:
        """Read the first snapshot now, then follow the changes and keep ticking."""
        self._closed = False
        self._changes.start()
        self.tick()
        self.refresh()
        self._refresh_timer.start()
        self._tick_timer.start()

    def stop(self) -> None:
        self._changes.stop()
        self._refresh_timer.stop()
        self._tick_timer.stop()

    def refresh(self) -> None:
        """Read the snapshot again; asked while a read is out, once more when it ends."""
        if self._closed:
            return
        if self._loading:
            self._again = True
            return
        self._loading = True
        self._ctx.hub.load(self._reads.snapshot, self._on_snapshot, self._on_refresh_error)

    def _on_changes(self, batch: ChangeBatch) -> None:
        if batch.incident_ids or WALL_ENTITIES & batch.other_entities:
            self.refresh()

    def _on_hub_polled(self, _batch: ChangeBatch) -> None:
        """The change feed answered: the numbers are current unless a read is out or failed (the
        database answers again: read them now)."""
        if not self._changes.active or self._loading:
            return
        if self._error:
            self.refresh()
        elif self.snapshot is not None:
            self._current_at = self._ctx.services.clock.now()

    def tick(self) -> None:
        """The once-a-second update: clock, elapsed times, countdowns, freshness. No DB read."""
        now = self._ctx.services.clock.now()
        self.clock.setText(_local(now, "%H:%M"))
        self.majors.tick(now)
        self._show_status(now)

    def _on_snapshot(self, snapshot: WallboardSnapshot) -> None:
        self._loading = False
        if self._closed:
            return
        self.snapshot = snapshot
        self._current_at = snapshot.taken_at
        self._error = ""
        self._away_since = None
        now = self._ctx.services.clock.now()
        breached, at_risk = snapshot.breached_total, snapshot.at_risk_total
        self.total_open.setText(f"{snapshot.open_total} open")
        self.total_breached.setText(f"{breached} breached")
        self.total_at_risk.setText(f"{at_risk} at risk")
        set_tone(self.total_breached, "breached" if breached else "muted")
        set_tone(self.total_at_risk, "risk" if at_risk else "muted")
        for priority, tile in self.priority_tiles.items():
            tile.show_priority(snapshot.load(priority))
        self.majors.show_majors(snapshot.majors, now)
        self.calls.show_value(snapshot.calls_last_hour)
        self.unassigned.show_value(snapshot.unassigned)
        self.teams.show_teams(snapshot.teams)
        self.tick()
        self.snapshot_applied.emit(snapshot)
        self._refresh_again_if_asked()

    def _on_refresh_error(self, exc: Exception) -> None:
        self._loading = False
        if self._closed:
            return
        self._error = self._wall_text(exc)
        self.tick()
        self.refresh_failed.emit(self._error)
        self._refresh_again_if_asked()

    def _wall_text(self, exc: Exception) -> str:
        """What the wall says of a failed read: a calm line for a room to read when the database
        is away (since when, kept across retries), not the driver's text."""
        if isinstance(exc, DatabaseUnavailable):
            if self._away_since is None:
                self._away_since = self._ctx.services.clock.now()
            since = _local(self._away_since, "%H:%M")
            return f"The database cannot be reached since {since}: the numbers come back with it."
        return str(exc) if isinstance(exc, CalmdeskError) else "Cannot read the numbers."

    def _refresh_again_if_asked(self) -> None:
        if self._again:
            self._again = False
            self.refresh()

    def _show_status(self, now: datetime) -> None:
        """'Updated 09:14:30', or, when the numbers may be wrong, say so in red across the wall."""
        warning = ""
        if self.snapshot is None:
            text, tone = ("Cannot load the numbers", "breached") if self._error else ("", "")
            warning = self._error
        else:
            current = self._current_at or self.snapshot.taken_at
            taken = _local(current, "%H:%M:%S")
            stale = now - current > STALE_AFTER
            if self._error or stale:
                text, tone = f"Not refreshed since {taken}", "breached"
                warning = self._error or "The numbers below may be out of date."
            else:
                text, tone = f"Updated {taken}", "muted"
        self.status.setText(text)
        set_tone(self.status, tone)
        self.warning.setText(warning)
        self.warning.setVisible(bool(warning))

    # -- window -------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()
        elif event.key() == Qt.Key.Key_F11:
            if self.isFullScreen():
                self.showNormal()
            else:
                self.showFullScreen()
        else:
            super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._apply_scale(scale_for(event.size().width(), event.size().height()))

    def _apply_scale(self, scale: float) -> None:
        if abs(scale - self._scale) < 0.02:
            return
        self._scale = scale
        self.setStyleSheet(style_sheet(scale))
        self._layouts.apply(scale)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._closed = True
        self.stop()
        super().closeEvent(event)


def open_wallboard(
    context: ConsoleContext, parent: QWidget | None = None, screen: QScreen | None = None
) -> Wallboard:
    """Open the wallboard full screen (on `screen`, else the parent's) and start it.

    It is a window of its own that deletes itself when closed (Escape); F11 toggles full screen.
    With no parent the caller must keep a reference to it.
    """
    board = Wallboard(context, parent)
    board.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    target = screen or (parent.screen() if parent is not None else None)
    if target is not None:
        board.setScreen(target)
        board.setGeometry(target.geometry())
    board.showFullScreen()
    board.start()
    return board
