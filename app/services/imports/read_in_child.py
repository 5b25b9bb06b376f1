"""Reading a file in a child process while this one writes what it read.

An import's reading (CSV, folding rows into incidents, making them into the database's rows) and
its writing are both mostly Python, and Python runs one thread's Python at a time: on a thread of
its own the reading only overlaps the database's own part of the writing. A child process runs
its Python on the other core. It is forked, so it has its own copy of everything `work` uses (the
open file, the reader, the batch maker with its look-ups) and imports nothing; what it makes
comes back through a pipe, a message at a time, in `marshal`'s form when the message is made of
plain values (quick both ways) and pickled otherwise.

The pipe holds little, so the child waits while this process is busy writing: memory stays
bounded. What `work` raises is raised here, where the messages are taken; a child that dies
without saying so (killed, out of memory) raises `ReadingStopped`. Leaving early (a cancel, a
failed write) kills the child. Forking is Linux's only: Windows has no fork, and on macOS the
system frameworks Qt loads are not safe to use in a child forked from a process with threads
(Python's multiprocessing spawns there for the same reason); there `work` runs on a thread
(`read_ahead`) instead, with the same messages.
"""

from __future__ import annotations

import contextlib
import gc
import marshal
import os
import pickle
import signal
import struct
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import chain
from typing import Any, BinaryIO

from app.domain.errors import CalmdeskError
from app.services.imports.read_ahead import read_ahead

# A message's head: its kind and the length of what follows.
_HEAD = struct.Struct("<cQ")
_MARSHAL, _PICKLE, _RAISED, _END = b"m", b"p", b"r", b"."


class ReadingStopped(CalmdeskError):
    """The process reading the file ended without finishing or saying why."""


@contextmanager
def read_in_child(
    work: Callable[[], Iterator[Any]], *, fork: bool = sys.platform.startswith("linux")
) -> Iterator[Iterator[Any]]:
    """The messages `work()` yields, made in a child process (a thread where `fork` is False)."""
    if not fork:
        with read_ahead(work(), 1) as ahead:
            yield chain.from_iterable(ahead)
        return
    reading, writing = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12+ warns of forking a process with threads (the console has Qt's): the child
        # only runs `work` and leaves with os._exit, taking no lock another thread could hold.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:
        _child(work, reading, writing)  # never returns
    os.close(writing)
    messages = _Messages(open(reading, "rb"))  # noqa: SIM115 (closed below)
    try:
        yield iter(messages)
    finally:
        messages.pipe.close()
        if not messages.finished:
            with contextlib.suppress(ProcessLookupError):  # it had ended
                os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


class _Messages:
    """The child's messages, read off the pipe until its last one."""

    def __init__(self, pipe: BinaryIO) -> None:
        self.pipe = pipe
        self.finished = False

    def __iter__(self) -> Iterator[Any]:
        pipe = self.pipe
        while True:
            head = pipe.read(_HEAD.size)
            kind, size = _HEAD.unpack(head) if len(head) == _HEAD.size else (None, 0)
            if kind == _END:
                self.finished = True
                return
            body = pipe.read(size)
            if kind is None or len(body) < size:
                raise ReadingStopped(
                    "The process reading the file stopped before it finished (was it killed, "
                    "or out of memory?). Nothing was imported; import the file again."
                )
            if kind == _MARSHAL:
                yield marshal.loads(body)
            elif kind == _PICKLE:
                yield pickle.loads(body)
            else:
                self.finished = True  # it has said why it stopped, and is leaving
                raise _raised(body)


def _raised(body: bytes) -> BaseException:
    """The exception the child's `work` raised, or a ReadingStopped with its text."""
    pickled, text = marshal.loads(body)
    try:
        error = pickle.loads(pickled) if pickled is not None else None
    except Exception:  # an exception that cannot be rebuilt here (its class takes other args)
        error = None
    if isinstance(error, BaseException):
        return error
    return ReadingStopped(f"Reading the file failed: {text}")


def _child(work: Callable[[], Iterator[Any]], reading: int, writing: int) -> None:
    """Run `work`, send its messages, and leave without running the parent's clean-ups."""
    status = 1
    try:
        os.close(reading)
        # The parent's objects are the child's too: its collections need not walk them.
        gc.freeze()
        with open(writing, "wb") as pipe:
            try:
                for message in work():
                    _send(pipe, message)
            except Exception as exc:
                _send_raised(pipe, exc)
            else:
                pipe.write(_HEAD.pack(_END, 0))
        status = 0
    finally:
        os._exit(status)


def _send(pipe: BinaryIO, message: Any) -> None:
    try:
        kind, body = _MARSHAL, marshal.dumps(message)
    except ValueError:  # not plain values only (datetimes, say)
        kind, body = _PICKLE, pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    pipe.write(_HEAD.pack(kind, len(body)))
    pipe.write(body)
    pipe.flush()  # this one is the parent's to take now


def _send_raised(pipe: BinaryIO, exc: Exception) -> None:
    """The exception pickled (None if it cannot be) and its text, for `_raised`."""
    try:
        pickled: bytes | None = pickle.dumps(exc, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        pickled = None
    body = marshal.dumps((pickled, f"{type(exc).__name__}: {exc}"))
    pipe.write(_HEAD.pack(_RAISED, len(body)))
    pipe.write(body)
