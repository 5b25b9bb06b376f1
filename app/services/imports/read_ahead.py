"""Reading a file ahead of writing it: the next batches are read, parsed and folded on a thread
of their own while the database writes the current one. Where there is a fork, the reading runs
in a child process instead (`read_in_child.py`), its Python on the other core; this is the way
where there is none (Windows).

The database does much of its part without Python's lock (SQLite's statements, PostgreSQL's
server working through a COPY), so on two cores the import takes about the longer of the two
rather than their sum. At most `depth` batches wait, so memory stays bounded. What the reading
raises (a damaged file, a bad row that fails the whole import) is raised where the batches are
taken, in the writing thread; closing early (a cancel, a failed write) stops the reading.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice
from typing import TypeVar

T = TypeVar("T")

_POLL_SECONDS = 0.1


class _End:
    """What the reading thread puts last: nothing more, or the exception it stopped on."""

    def __init__(self, error: BaseException | None = None) -> None:
        self.error = error


@contextmanager
def read_ahead(items: Iterator[T], size: int, depth: int = 2) -> Iterator[Iterator[list[T]]]:
    """Batches of `size` items of `items`, read on a thread of their own."""
    ready: queue.Queue[list[T] | _End] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(batch: list[T] | _End) -> bool:
        while not stop.is_set():
            try:
                ready.put(batch, timeout=_POLL_SECONDS)
            except queue.Full:
                continue
            return True
        return False

    def read() -> None:
        try:
            while batch := list(islice(items, size)):
                if not put(batch):
                    return
        except BaseException as exc:  # handed to the writing thread, which raises it
            put(_End(exc))
            return
        put(_End())

    def batches() -> Iterator[list[T]]:
        while True:
            batch = ready.get()
            if isinstance(batch, _End):
                if batch.error is not None:
                    raise batch.error
                return
            yield batch

    reader = threading.Thread(target=read, name="import-read-ahead", daemon=True)
    reader.start()
    try:
        yield batches()
    finally:
        stop.set()
        reader.join()
