"""SortRanks: ranks kept up to date row by row always sort exactly as a fresh sort by key.

Rows are known by their slot (a small integer); the tests' dicts map each ranked slot to its key."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ui.queue.sort_ranks import SortRanks

# Few distinct keys, so equal keys (which must share a rank) are common.
KEYS = st.tuples(st.booleans(), st.integers(min_value=0, max_value=5))
START = st.dictionaries(st.integers(min_value=0, max_value=60), KEYS, max_size=40)
# (The owner's slots have no gaps after a load; these do, as after rows left.)
# Each step: a row (new or known) gets a key, or a row leaves.
STEPS = st.lists(st.tuples(st.integers(min_value=0, max_value=80), st.none() | KEYS), max_size=60)


def _by_key(keys: dict[int, tuple[bool, int]]) -> list[int]:
    return sorted(keys, key=keys.__getitem__)  # stable: equal keys keep the dict's order


def _by_rank(keys: dict[int, tuple[bool, int]], ranked: SortRanks) -> list[int]:
    return sorted(keys, key=ranked.ranks.__getitem__)


def _ranked(keys: dict[int, Any]) -> SortRanks:
    # The keys are asked again through `key_of` (the dict, as it is at the time of asking).
    slots = sorted(keys)
    return SortRanks(slots, [keys[slot] for slot in slots], keys.__getitem__)


def _ranked_exactly(keys: dict[int, Any], ranked: SortRanks) -> bool:
    return all(slot in ranked for slot in keys) and not any(
        slot in ranked for slot in range(100) if slot not in keys
    )


@given(START, STEPS)
def test_ranks_kept_up_to_date_sort_as_a_fresh_sort_by_key(
    start: dict[int, tuple[bool, int]], steps: list[tuple[int, tuple[bool, int] | None]]
) -> None:
    keys = dict(start)
    ranked = _ranked(keys)
    assert _by_rank(keys, ranked) == _by_key(keys)
    for row_id, key in steps:
        if key is None:
            keys.pop(row_id, None)
            ranked.discard([row_id])
        else:
            keys[row_id] = key
            assert ranked.update([row_id])
        assert _by_rank(keys, ranked) == _by_key(keys)
        assert _ranked_exactly(keys, ranked)


# Batches of rows changing at once (as one poll of the change feed brings them), some leaving.
BATCHES = st.lists(
    st.tuples(st.dictionaries(st.integers(min_value=0, max_value=80), KEYS, max_size=25),
              st.lists(st.integers(min_value=0, max_value=80), max_size=25)),
    max_size=12,
)  # fmt: skip


@given(START, BATCHES)
def test_batches_of_changed_and_leaving_rows_sort_as_a_fresh_sort_by_key(
    start: dict[int, tuple[bool, int]],
    batches: list[tuple[dict[int, tuple[bool, int]], list[int]]],
) -> None:
    keys = dict(start)
    ranked = _ranked(keys)
    for changed, leaving in batches:
        keys.update(changed)  # the rows hold their new keys before they are placed again
        gone = [row_id for row_id in leaving if row_id not in changed]
        for row_id in gone:
            keys.pop(row_id, None)
        ranked.discard(gone)
        assert ranked.update(list(changed))
        assert _by_rank(keys, ranked) == _by_key(keys)
        assert _ranked_exactly(keys, ranked)


def test_equal_keys_share_a_rank_and_a_new_key_lands_between_its_neighbours() -> None:
    keys = {1: "b", 2: "d", 3: "b"}
    ranked = _ranked(keys)
    assert ranked.ranks[1] == ranked.ranks[3] < ranked.ranks[2]
    keys[4] = "c"
    assert ranked.update([4])
    assert ranked.ranks[1] < ranked.ranks[4] < ranked.ranks[2]
    keys.update({5: "a", 6: "z", 7: "d"})
    assert ranked.update([5, 6, 7])
    assert ranked.ranks[5] < ranked.ranks[1]
    assert ranked.ranks[6] > ranked.ranks[2]
    assert ranked.ranks[7] == ranked.ranks[2]


def test_update_says_so_when_one_gap_has_no_room_left() -> None:
    # Keys ever closer to 2**200 go between the ranks 1.0 and 2.0, halving the gap each time:
    # float precision runs out after about fifty.
    keys = {1: 0, 2: 2**200, 3: 2**201}
    ranked = _ranked(keys)
    n = 1
    keys[101] = 2**200 + 2**199
    while ranked.update([100 + n]):
        n += 1
        keys[100 + n] = 2**200 + 2 ** (200 - n)
        assert n < 200, "never ran out of room"
    assert n > 40  # dozens of inserts into one gap before that
    assert 100 + n not in ranked  # the row it could not place is not ranked wrongly


def test_ranks_are_one_list_by_slot_equal_keys_share_a_float_and_new_slots_grow_it() -> None:
    keys = {0: "b", 1: "a", 2: "b"}
    ranked = _ranked(keys)
    assert ranked.ranks == [1.0, 0.0, 1.0]
    assert ranked.ranks[0] is ranked.ranks[2]  # one object for the rows of one key
    keys[7] = "c"  # a new row, past the end
    assert ranked.update([7])
    assert len(ranked.ranks) == 8
    assert ranked.ranks[7] > ranked.ranks[0]
