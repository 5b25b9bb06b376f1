"""Every cached row's rank under one sort key, kept up to date one row at a time.

Sorting 25,000 ids by an integer or float rank is a few ms of C-level dict lookups; sorting them
by tuple keys was ~100 ms and set off garbage collections mid-sort. Equal keys share a rank, so
`sorted(ids, key=ranks.__getitem__)` is exactly the stable sort by key.

A row that changes gets the rank of an equal key, or one halfway between its new neighbours'
ranks: a bisect and an insert instead of re-keying every row, so a colleague's edit arriving
through the change feed costs microseconds, not the ~60 ms of a full rebuild. When halving runs
out of float precision (dozens of inserts into one gap), `update` says so and the owner rebuilds.

The keys themselves are not kept (a column of 25,000 distinct tuple or string keys held 2-4 MB,
the ranks of every column ~22 MB): the rows are kept in key order in a compact array of ids, and
the bisect asks the owner's `key_of` for the few keys it compares, ~15 per row placed.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable
from typing import Any

KeyOf = Callable[[int], Any]  # a ranked row's current key, by id
# More rows than this leaving at once: the id array is filtered once instead of searched per row.
_SCAN_LIMIT = 16


class SortRanks:
    def __init__(self, ids: Iterable[int], keys: Iterable[Any], key_of: KeyOf) -> None:
        """`ids` and their sort `keys` (comparable, hashable), in the same order; `key_of` gives
        a ranked row's key whenever a later `update` needs one to compare with."""
        ids = list(ids)
        keys = list(keys)
        self._key_of = key_of
        distinct = sorted(set(keys))
        rank_of = dict(zip(distinct, map(float, range(len(distinct))), strict=True))
        del distinct
        self.ranks: dict[int, float] = dict(zip(ids, map(rank_of.__getitem__, keys), strict=True))
        del rank_of, keys
        # Every ranked id, ascending by rank (and so by key): what `update` bisects.
        self._order = array("q", sorted(ids, key=self.ranks.__getitem__))

    def update(self, row_ids: Collection[int]) -> bool:
        """Rank these rows (new or changed) under their current keys (`key_of`). False when a
        gap between neighbouring ranks has no room left: the caller must build a new SortRanks
        (the rows not placed are not ranked)."""
        self.discard(row_ids)  # first all of them: the bisect must not meet a changed key
        return all(self._place(row_id) for row_id in row_ids)

    def _place(self, row_id: int) -> bool:
        order, ranks, key_of = self._order, self.ranks, self._key_of
        key = key_of(row_id)
        i = bisect_left(order, key, key=key_of)
        if i < len(order) and key_of(order[i]) == key:
            ranks[row_id] = ranks[order[i]]
            order.insert(i, row_id)
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
        order.insert(i, row_id)
        ranks[row_id] = rank
        return True

    def discard(self, row_ids: Collection[int]) -> None:
        """Forget these rows (they left the cache, or are about to be placed again)."""
        ranks = self.ranks
        leaving = [row_id for row_id in row_ids if ranks.pop(row_id, None) is not None]
        if not leaving:
            return
        if len(leaving) > _SCAN_LIMIT:
            gone = set(leaving)
            self._order = array("q", [i for i in self._order if i not in gone])
            return
        order = self._order
        for row_id in leaving:
            order.remove(row_id)
