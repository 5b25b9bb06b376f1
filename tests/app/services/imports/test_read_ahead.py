"""Reading ahead on a thread of its own: the same batches in the same order, the reading's error
raised where the batches are taken, and a stop early reads little more than was taken."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.services.imports.read_ahead import read_ahead


def test_every_item_comes_in_order_in_batches_of_the_size_asked() -> None:
    with read_ahead(iter(range(25)), 10) as batches:
        assert list(batches) == [list(range(10)), list(range(10, 20)), list(range(20, 25))]


def test_an_error_in_the_reading_is_raised_where_the_batches_are_taken() -> None:
    def items() -> Iterator[int]:
        yield from range(15)
        raise ValueError("line 16: the file ends in the middle of a row")

    taken: list[list[int]] = []
    with pytest.raises(ValueError, match="line 16"), read_ahead(items(), 10) as batches:
        taken.extend(batches)
    assert taken == [list(range(10))]


def test_stopping_after_one_batch_stops_the_reading() -> None:
    read: list[int] = []

    def items() -> Iterator[int]:
        for n in range(10_000):
            read.append(n)
            yield n

    with read_ahead(items(), 10, depth=2) as batches:
        first = next(batches)
    assert first == list(range(10))
    # The batch taken, the two waiting and the one being read when told to stop, at most.
    assert len(read) <= 40
