"""Every cached row's rank under one sort key, kept up to date one row at a time.

Rows are known by their slot: their place in the owner's row list, 0 to n - 1 (ui/queue/
queue_model.py). The ranks are one list of floats indexed by slot, so sorting 25,000 slots by
rank is a few ms of C-level lookups that make no object (sorting by tuple keys was ~100 ms and
set off garbage collections mid-sort), and a column's ranks take 8 bytes a row, plus a float per
distinct key (rows with equal keys share one): a dict of ranks by incident id took ~1.3-2 MB a
column, ~20 MB once every column was ranked. Equal keys share a rank, so
`sorted(slots, key=ranks.__getitem__)` is exactly the stable sort by key.

A row that changes gets the rank of an equal key, or one halfway between its new neighbours'
ranks: a bisect and an insert instead of re-keying every row, so a colleague's edit arriving
through the change feed costs microseconds, not the ~60 ms of a full rebuild. When halving runs
out of float precision (dozens of inserts into one gap), `update` says so and the owner rebuilds.
The keys themselves are not kept: the slots are kept in key order in a second array, and the
bisect asks the owner's `key_of` for the few keys it compares, ~15 per row placed.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Sequence
from typing import Any

KeyOf = Callable[[int], Any]  # a ranked row's current key, by slot
# More rows than this leaving at once: the slot array is filtered once instead of searched per row.
_SCAN_LIMIT = 16


class SortRanks:
    def __init__(self, slots: Sequence[int], keys: Sequence[Any], key_of: KeyOf) -> None:
        """The rows at `slots` (ascending, no repeats) and their sort `keys` (comparable,
        hashable), in the same order; `key_of` gives a ranked row's key whenever a later
        `update` needs one to compare with."""
        self._key_of = key_of
        size = slots[-1] + 1 if slots else 0
        self.ranks: list[float] = [0.0] * size
        # Every ranked slot, ascending by rank (and so by key): what `update` bisects.
        self._order = array("i", bytes(4 * len(slots)))
        # One sort of the keys, then one pass: equal neighbours share a rank. (A set and a map
        # of the distinct keys did the same with ~2 MB more held at once, at the load's peak.)
        # Equal keys share one float object.
        ranks, order = self.ranks, self._order
        rank, previous = -1.0, None
        for n, position in enumerate(sorted(range(len(keys)), key=keys.__getitem__)):
            key = keys[position]
            if n == 0 or key != previous:
                rank += 1.0
                previous = key
            slot = slots[position]
            ranks[slot] = rank
            order[n] = slot

    def __contains__(self, slot: object) -> bool:
        return isinstance(slot, int) and self._position(slot) is not None

    def _position(self, slot: int) -> int | None:
        """Where `slot` is in the order, found by its rank (a bisect, then a look among the
        slots of equal rank), not by a scan of every slot; None when it is not ranked."""
        if not 0 <= slot < len(self.ranks):
            return None
        order, rank_at = self._order, self.ranks.__getitem__
        rank = rank_at(slot)
        low = bisect_left(order, rank, key=rank_at)
        high = bisect_right(order, rank, lo=low, key=rank_at)
        try:
            return order.index(slot, low, high)
        except ValueError:  # a slot discarded earlier: its old rank is still in the array
            return None

    def update(self, slots: Collection[int]) -> bool:
        """Rank these rows (new or changed) under their current keys (`key_of`). False when a
        gap between neighbouring ranks has no room left: the caller must build a new SortRanks
        (the rows not placed are not ranked)."""
        self.discard(slots)  # first all of them: the bisect must not meet a changed key
        if slots and max(slots) >= len(self.ranks):
            self.ranks.extend([0.0] * (max(slots) + 1 - len(self.ranks)))
        return all(self._place(slot) for slot in slots)

    def _place(self, slot: int) -> bool:
        order, ranks, key_of = self._order, self.ranks, self._key_of
        key = key_of(slot)
        i = bisect_left(order, key, key=key_of)
        if i < len(order) and key_of(order[i]) == key:
            ranks[slot] = ranks[order[i]]
            order.insert(i, slot)
            return True
        if not order:
            low, high = -1.0, 1.0
        elif i == 0:
            low, high = ranks[order[0]] - 2.0, ranks[order[0]]
        elif i == len(order):
            low, high = ranks[order[-1]], ranks[order[-1]] + 2.0
        else:
            low, high = ranks[order[i - 1]], ranks[order[i]]
        rank = (low + high) / 2
        if not low < rank < high:
            return False
        order.insert(i, slot)
        ranks[slot] = rank
        return True

    def discard(self, slots: Collection[int]) -> None:
        """Forget these rows (they left the cache, or are about to be placed again); their
        slots' ranks are no longer asked for until they are placed again."""
        if len(slots) > _SCAN_LIMIT:
            leaving = set(slots)
            self._order = array("i", [s for s in self._order if s not in leaving])
            return
        for slot in slots:
            position = self._position(slot)
            if position is not None:
                del self._order[position]
