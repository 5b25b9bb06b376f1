"""The war room's panels, laid out in three columns of splitters so everything essential is on
screen at once and every split can be dragged (and is remembered).

    What to tell callers | Status update composer | Call log (+ chart)
    Checklist            |                        | Vendor escalations
    Making it right      |                        |
    Child incidents      | Update history         | Timeline
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QWidget

from app.domain.clock import Clock
from app.services.war_room.dto import WarRoomSnapshot
from ui.editor.banners import MessageBanner
from ui.war_room.callers_panel import CallersPanel
from ui.war_room.calls_panel import CallsPanel
from ui.war_room.checklist_panel import ChecklistPanel
from ui.war_room.children_panel import ChildrenPanel
from ui.war_room.composer_panel import ComposerPanel
from ui.war_room.gestures_panel import GesturesPanel
from ui.war_room.history_panel import HistoryPanel
from ui.war_room.pending import NOTHING_WAITING, Waiting
from ui.war_room.timeline_panel import TimelinePanel
from ui.war_room.vendors_panel import VendorsPanel


def _splitter(orientation: Qt.Orientation, name: str, *widgets: QWidget) -> QSplitter:
    splitter = QSplitter(orientation)
    splitter.setObjectName(name)
    splitter.setChildrenCollapsible(False)
    splitter.setHandleWidth(6)
    for widget in widgets:
        splitter.addWidget(widget)
    return splitter


class WarRoomPanels:
    def __init__(self, clock: Clock, parent: QWidget) -> None:
        now = clock.now()
        self.banner = MessageBanner(parent)
        self.callers = CallersPanel(parent)
        self.checklist = ChecklistPanel(parent)
        self.children = ChildrenPanel(parent)
        self.gestures = GesturesPanel(parent)
        self.composer = ComposerPanel(clock, parent)
        self.history = HistoryPanel(parent)
        self.calls = CallsPanel(parent)
        self.vendors = VendorsPanel(now, parent)
        self.timeline = TimelinePanel(parent)
        self.left = _splitter(
            Qt.Orientation.Vertical,
            "left_column",
            self.callers,
            self.checklist,
            self.gestures,
            self.children,
        )
        self.middle = _splitter(
            Qt.Orientation.Vertical, "middle_column", self.composer, self.history
        )
        self.right = _splitter(
            Qt.Orientation.Vertical, "right_column", self.calls, self.vendors, self.timeline
        )
        self.columns = _splitter(
            Qt.Orientation.Horizontal, "columns", self.left, self.middle, self.right
        )
        # Designed for 1600x900: sizes are proportions, so other screens share them alike.
        self.columns.setSizes([470, 540, 590])
        self.left.setSizes([140, 280, 210, 130])
        self.middle.setSizes([560, 200])
        self.right.setSizes([250, 150, 360])
        for splitter in (self.left, self.middle, self.right):
            splitter.setStretchFactor(splitter.count() - 1, 1)

    @property
    def splitters(self) -> tuple[QSplitter, ...]:
        return (self.columns, self.left, self.middle, self.right)

    def show_snapshot(
        self, snapshot: WarRoomSnapshot, now: datetime, waiting: Waiting = NOTHING_WAITING
    ) -> None:
        """`waiting`: what was changed here while the database was unreachable, not yet sent."""
        self.callers.show_snapshot(snapshot)
        self.checklist.show_rows(snapshot.checklist, waiting.items)
        self.children.show_children(snapshot.children)
        self.gestures.show_gestures(snapshot.gestures, now)
        self.composer.show_snapshot(snapshot, now, waiting.rows)
        self.history.show_updates(snapshot.updates, waiting.rows)
        self.calls.show_calls(snapshot.calls, snapshot.call_windows, waiting.rows)
        self.vendors.show_vendors(snapshot.vendors, now)
        self.timeline.show_entries(snapshot.timeline, waiting.rows)

    def tick(self, now: datetime) -> None:
        self.vendors.tick(now)
        self.composer.tick(now)
