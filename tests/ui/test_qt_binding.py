"""Guards against known-bad Qt bindings: a console runs for a whole shift."""

import sys

from PySide6.QtCore import QObject, Signal


class _Source(QObject):
    happened = Signal(int)


def test_emitting_signals_does_not_leak_references_to_true() -> None:
    # PySide6 6.12.0 lost one reference to True per emit and aborted the interpreter after a
    # few thousand (see pyproject.toml); this fails fast if such a build is installed again.
    source = _Source()
    before = sys.getrefcount(True)
    for _ in range(1000):
        source.happened.emit(1)
    assert before - sys.getrefcount(True) < 10
