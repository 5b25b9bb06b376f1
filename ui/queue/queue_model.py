"""The queue's Qt model: incident ids in display order over a cache of frozen rows.

Filtering and sorting happen in Python over the cache with precomputed keys (a stock
QSortFilterProxyModel calls data() per cell and takes ~1 s to sort 25,000 rows; see DESIGN.md).
Rows changed elsewhere are patched in place, with persistent indexes moved so selection and
scroll position survive. What a cell shows is ui/queue/queue_cells.py's.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont

from app.services.incidents.dto import IncidentRow
from app.services.incidents.queue_filters import (
    COLUMNS,
    Column,
    QuickFilter,
    Viewer,
    order_key,
    quick_filter,
    reads_clock,
    search_text,
    sla,
)
from ui import theme
from ui.frozen_rows_model import FrozenRowsModel
from ui.model_index import ModelIndex
from ui.queue.queue_cells import HEADER_TIPS, breached, cell_text, cell_tooltip
from ui.queue.sort_ranks import SortRanks
from ui.roles import Roles

TICKING = (COLUMNS.index(Column.AGE), COLUMNS.index(Column.SLA))
# Orderings within this of each other read the SLA clock at the same moment: typing and sorting
# stay instant, and a row's place under the SLA and triage orders stays put between them.
SLA_MOMENT_MAX_AGE = timedelta(seconds=30)
# After a full load, the sort ranks of every column are made in the idle time that follows, one
# column per timer slice, so the first click on a header is as quick as the next ones.
WARM_SORTS_AFTER_MS = 300


class QueueModel(FrozenRowsModel[IncidentRow]):
    """Columns: Number, P, Title, Service, Status, Assignee, Team, Age, SLA, Calls, Updated."""

    counts_changed = Signal(int, int)  # visible rows, all cached rows
    completed = Signal()  # the whole queue was swapped in under its first page

    def __init__(self, viewer: Callable[[], Viewer], parent: QObject | None = None) -> None:
        super().__init__(_incident_id, parent)
        self._viewer = viewer
        # Each row's search text, by slot ("" in a gap): a list, not a dict by id (-1.1 MB).
        # (Not UTF-8 bytes, which would take ~0.4 MB less: `in` on bytes is ~5x slower.)
        self._haystacks: list[str] = []
        self._complete = True  # False while only the queue's first page is here
        self._base: list[int] = []  # slots, after the quick filter and the sort
        self._shown_slots: list[int] = []  # slots, after the search too: the order's rows
        self._base_ids: list[int] | None = None  # the base's ids, made when first shown
        # Each cached row has a slot, its place in these two (in cache order; a row that leaves
        # leaves a gap, None and -1, until the next load): the sort ranks are lists by slot.
        self._slot_rows: list[IncidentRow | None] = []
        self._slot_ids: list[int] = []  # the rows' own id objects (no int made per row); -1: gap
        # The slots themselves, made once per load: every list of slots shares these ints.
        self._slots: list[int] = []
        # The moment orderings read the SLA clock at. No reading is kept per row (25,000 of them
        # held ~5 MB): a sort key or the "at risk" filter reads a row's clock when it needs to.
        self._sla_moment: datetime | None = None
        self._filter_cache: tuple[tuple[Any, ...], list[int]] | None = None  # slots
        # Per sort column (None: the triage order), each cached row's rank among all cached rows,
        # by slot, and the SLA moment it was computed at (for the columns that read the clock).
        self._ranks: dict[Column | None, tuple[datetime | None, SortRanks]] = {}
        self._quick = QuickFilter.ALL_OPEN
        self._query = ""
        self._sort_column: Column | None = None  # None: the default triage order
        self._descending = False
        self._bold = QFont()
        self._bold.setBold(True)
        self._unwarmed: list[Column] = []
        self._warm_timer = QTimer(self)
        self._warm_timer.setSingleShot(True)
        self._warm_timer.timeout.connect(self._on_warm_timer_timeout)

    # -- loading and patching ------------------------------------------------------------------

    def set_rows(self, rows: Iterable[IncidentRow], complete: bool = True) -> None:
        """Show these rows, from scratch. `complete=False`: they are the queue's first page
        (ui/queue/queue_controller.py); `complete_rows` brings the rest."""
        self.beginResetModel()
        self._take(rows, complete)
        self._shown_slots = self._search(self._base, self._query)
        self._order = self._ids_shown(self._shown_slots)
        self.endResetModel()
        self._after_load()

    def complete_rows(self, rows: Iterable[IncidentRow]) -> None:
        """The whole queue, arriving under its first page: swapped in as a layout change, so
        the selection and the current row stay on their incidents, and the search, the filter
        and the sort stay as they are. `completed` then tells the view (to keep its scroll)."""
        if self._complete:
            self.set_rows(rows)
            return

        def swap() -> list[int]:
            self._take(rows, complete=True)
            self._shown_slots = self._search(self._base, self._query)
            return self._ids_shown(self._shown_slots)

        self._reorder(swap)
        self._after_load()
        self.completed.emit()

    @property
    def complete(self) -> bool:
        """False while the model holds only the queue's first page."""
        return self._complete

    def _take(self, rows: Iterable[IncidentRow], complete: bool) -> None:
        self._rows = {row.id: row for row in rows}
        self._slot_rows = list(self._rows.values())
        self._slot_ids = list(self._rows)
        self._slots = list(range(len(self._slot_rows)))
        self._complete = complete
        self._sla_moment = None
        self._filter_cache = None
        self._ranks = {}
        self._haystacks = []
        self._set_base(self._compute_base())
        # After the order: the triage ranks' passing keys are gone by then, and the search text
        # takes their memory instead of adding to the load's peak.
        self._haystacks = [_haystack(row) for row in self._rows.values()]

    def _after_load(self) -> None:
        self._emit_counts()
        # Every column's ranks are made in the idle time after the whole queue is in; a first
        # page is too small to need them (a click ranks its few hundred rows at once).
        self._unwarmed = list(COLUMNS) if self._complete else []
        self._warm_timer.start(WARM_SORTS_AFTER_MS)

    def prepare_sorts(self) -> None:
        """Make every column's sort ranks now (the idle-time warm-up does the same in slices)."""
        moment = self._moment(self._viewer().now)
        for column in COLUMNS:
            self._ranks_for(column, moment)
        self._unwarmed = []

    def _on_warm_timer_timeout(self) -> None:
        if not self._unwarmed:
            return
        self._ranks_for(self._unwarmed.pop(0), self._moment(self._viewer().now))
        if self._unwarmed:
            self._warm_timer.start(0)

    def apply_changes(self, fresh: Iterable[IncidentRow], gone: Iterable[int] = ()) -> None:
        """Patch rows that changed elsewhere, keeping selection and scroll position."""
        fresh = list({row.id: row for row in fresh}.values())
        gone = [i for i in set(gone) if i in self._rows]
        slot_of = self._slot_finder([row.id for row in fresh if row.id in self._rows] + gone)
        changed = []
        for row in fresh:
            if row.id in self._rows:  # the same place in the cache, and the same slot
                slot = slot_of(row.id)
                self._slot_rows[slot] = row
                self._haystacks[slot] = _haystack(row)
            else:  # a new row: at the end of the cache, in a new slot
                slot = len(self._slot_rows)
                self._slot_rows.append(row)
                self._slot_ids.append(row.id)
                self._slots.append(slot)
                self._haystacks.append(_haystack(row))
            changed.append(slot)
            self._rows[row.id] = row
        left = []
        for incident_id in gone:
            slot = slot_of(incident_id)
            self._slot_rows[slot] = None
            self._slot_ids[slot] = -1
            self._haystacks[slot] = ""
            left.append(slot)
            del self._rows[incident_id]
        self._refilter(changed, left)
        self._rerank(changed, left)
        self._set_base(self._compute_base())
        shown = self._search(self._base, self._query)
        new_order = self._ids_shown(shown)
        if new_order == self._order:
            self._shown_slots = shown
            position = {incident_id: n for n, incident_id in enumerate(self._order)}
            for row in fresh:
                if row.id in position:
                    n = position[row.id]
                    self.dataChanged.emit(self.index(n, 0), self.index(n, len(COLUMNS) - 1))
            return
        self._relayout(shown)

    def _refilter(self, changed: list[int], gone: list[int]) -> None:
        """Test again only the rows that changed or left (by slot) against the quick filter
        already applied, rather than all 25,000; the filter is made again when next used if
        the viewer or the SLA moment it depends on has moved."""
        cached = self._filter_cache
        if cached is None:
            return
        viewer = self._viewer()
        moment = self._moment(viewer.now)
        if cached[0] != self._filter_token(viewer, moment):
            self._filter_cache = None
            return
        test, slots = quick_filter(self._quick, viewer), cached[1]  # slots: ascending
        for slot in [*gone, *changed]:
            i = bisect_left(slots, slot)
            listed = i < len(slots) and slots[i] == slot
            row = self._slot_rows[slot]
            passes = row is not None and test(row, moment)
            if listed and not passes:
                del slots[i]
            elif passes and not listed:
                slots.insert(i, self._slots[slot])

    def _slot_finder(self, incident_ids: list[int]) -> Callable[[int], int]:
        """Where these cached rows are: a search of the id list per row for a few, one map
        for many."""
        if len(incident_ids) <= 32:
            return self._slot_ids.index
        return {i: slot for slot, i in enumerate(self._slot_ids) if i >= 0}.__getitem__

    def _rerank(self, changed: list[int], gone: list[int]) -> None:
        """Move the changed rows (by slot) within every column's ranks already made; a column
        whose ranks cannot take them (or whose SLA moment has passed) is made again when next
        used."""
        now = self._moment(self._viewer().now)
        for column, (moment, ranked) in list(self._ranks.items()):
            if reads_clock(column) and moment != now:
                del self._ranks[column]
                continue
            ranked.discard(gone)
            if not ranked.update(changed):
                del self._ranks[column]

    def _relayout(self, shown: list[int]) -> None:
        """Show the rows at these slots, in this order."""
        self._shown_slots = shown
        self._reorder(self._ids_shown(shown))
        self._emit_counts()

    def tick(self) -> None:
        """Time moved: repaint the Age and SLA cells without reloading anything. The order is
        left alone (rows jumping under the pointer every few seconds would be worse); it is
        recomputed on the next change, filter or sort."""
        if self._order:
            for column in TICKING:
                self.dataChanged.emit(
                    self.index(0, column),
                    self.index(len(self._order) - 1, column),
                    [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole],
                )

    # -- filtering and sorting -----------------------------------------------------------------

    def set_quick_filter(self, quick: QuickFilter) -> None:
        """Apply `quick` (again: re-applying refreshes a filter that depends on time or team)."""
        self._quick = quick
        self._set_base(self._compute_base())
        self._relayout(self._search(self._base, self._query))

    @property
    def quick_filter(self) -> QuickFilter:
        return self._quick

    def set_search(self, text: str) -> None:
        text = text.strip().lower()
        if text == self._query:
            return
        # Typing one more letter can only narrow the list: filter what is shown, not everything.
        narrowing = bool(self._query) and text.startswith(self._query)
        source = self._shown_slots if narrowing else self._base
        self._query = text
        self._relayout(self._search(source, text))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort_column = COLUMNS[column] if 0 <= column < len(COLUMNS) else None
        self._descending = order == Qt.SortOrder.DescendingOrder
        self._set_base(self._compute_base())
        self._relayout(self._search(self._base, self._query))

    def reset_sort(self) -> None:
        self.sort(-1)

    def _moment(self, now: datetime) -> datetime:
        """The moment orderings read the SLA clock at: `now`, or the one before when it is
        within SLA_MOMENT_MAX_AGE (then the SLA and triage ranks made at it still hold)."""
        if self._sla_moment is None or abs(now - self._sla_moment) > SLA_MOMENT_MAX_AGE:
            self._sla_moment = now
        return self._sla_moment

    def _compute_base(self) -> list[int]:
        """The quick filter and the sort, before search."""
        viewer = self._viewer()
        moment = self._moment(viewer.now)
        slots = self._filtered(viewer, moment)
        column = self._sort_column
        descending = self._descending and column is not None
        # Sorting by a cached integer rank (C-level dict lookups, no key objects made) keeps a
        # sort of 25,000 rows at a few ms, and allocates nothing the garbage collector must
        # then walk: the tuple keys it replaced set off full collections mid-sort.
        ranks = self._ranks_for(column, moment)
        return sorted(slots, key=ranks.__getitem__, reverse=descending)

    def _set_base(self, slots: list[int]) -> None:
        self._base = slots
        self._base_ids = None

    def _ids_shown(self, slots: list[int]) -> list[int]:
        """`_ids`, kept for the base itself: clearing the search shows it again at no cost."""
        if slots is not self._base:
            return self._ids(slots)
        if self._base_ids is None:
            self._base_ids = self._ids(slots)
        return self._base_ids

    def _ids(self, slots: list[int]) -> list[int]:
        """The incident ids of the rows at these slots (the rows' own int objects)."""
        return list(map(self._slot_ids.__getitem__, slots))

    def _ranks_for(self, column: Column | None, moment: datetime) -> list[float]:
        """Every cached row's rank under `column`'s key (see SortRanks). Made once per column
        and then kept up to date row by row; the clock-reading orders (SLA, triage) are made
        again when the SLA moment moves."""
        at = moment if reads_clock(column) else None
        cached = self._ranks.get(column)
        if cached is not None and cached[0] == at:
            return cached[1].ranks
        rows, key = self._slot_rows, order_key(column, moment)
        slots = self._slots
        if len(self._rows) < len(rows):  # gaps, where rows left
            slots = [slot for slot, row in zip(slots, rows, strict=True) if row is not None]
        keys = [key(row) for row in rows if row is not None]
        # A ranked slot always holds a row (a row that leaves is discarded from every ranking).
        ranked = SortRanks(slots, keys, lambda slot: key(rows[slot]))  # type: ignore[arg-type]
        del slots, keys
        self._ranks[column] = (at, ranked)
        return ranked.ranks

    def _filtered(self, viewer: Viewer, moment: datetime) -> list[int]:
        """The slots of the rows under the quick filter, in cache order; kept until the rows,
        the filter, the viewer or (for "at risk") the SLA moment change, so a sort does not
        re-filter."""
        token = self._filter_token(viewer, moment)
        if self._filter_cache is None or self._filter_cache[0] != token:
            test = quick_filter(self._quick, viewer)
            rows = self._slot_rows
            slots = [
                s
                for s, row in zip(self._slots, rows, strict=True)
                if row is not None and test(row, moment)
            ]
            self._filter_cache = (token, slots)
        return self._filter_cache[1]

    def _filter_token(self, viewer: Viewer, moment: datetime) -> tuple[Any, ...]:
        """What the quick filter's answer depends on."""
        at_risk = self._quick == QuickFilter.AT_RISK
        return (
            self._quick,
            viewer.agent_id,
            viewer.team_id,
            viewer.today_start,
            moment if at_risk else None,
        )

    def _search(self, slots: list[int], query: str) -> list[int]:
        """The slots among these whose row's search text holds every word of `query` (as
        `queue_filters.search_matches` says), in the same order."""
        if not query:
            return slots  # no copy: no list of slots is ever changed in place
        haystacks = self._haystacks
        words = query.split()
        if len(words) == 1:
            word = words[0]
            return [s for s in slots if word in haystacks[s]]
        return [s for s in slots if all(word in haystacks[s] for word in words)]

    def _emit_counts(self) -> None:
        self.counts_changed.emit(len(self._order), len(self._rows))

    # -- reading -------------------------------------------------------------------------------

    @property
    def cached_count(self) -> int:
        return len(self._rows)

    def cached_ids(self) -> set[int]:
        return set(self._rows)

    def cached_rows(self) -> list[IncidentRow]:
        """Every cached row, in cache order (shown or filtered out)."""
        return list(self._rows.values())

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].value
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS.get(COLUMNS[section])
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._order):
            return None
        row = self._rows[self._order[index.row()]]
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(row, column, self._viewer().now)
        if role == Roles.ID:
            return row.id
        if role == Roles.ROW:
            return row
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == Column.SLA:
                return theme.sla_colour(sla(row, self._viewer().now).state)
            if column == Column.PRIORITY:
                return theme.PRIORITY_TEXT[row.priority]
            return None
        if role == Qt.ItemDataRole.BackgroundRole and column == Column.PRIORITY:
            return theme.PRIORITY_COLOURS[row.priority]
        if role == Qt.ItemDataRole.BackgroundRole and row.drill:
            return theme.drill_row_colour()
        if role == Qt.ItemDataRole.FontRole and (
            row.major or (column == Column.SLA and breached(row, self._viewer().now))
        ):
            return self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (Column.PRIORITY, Column.CALLS):
            return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.ToolTipRole:
            return cell_tooltip(row, column, self._viewer().now)
        return None


def _incident_id(row: IncidentRow) -> int:
    return row.id


def _haystack(row: IncidentRow) -> str:
    return search_text(row)
