"""Python's cycle collector, run on the UI thread only.

CPython collects reference cycles in whichever thread happens to allocate when a threshold is
crossed. When that is a worker thread (a database read on the task runner) and a cycle holds a
closed dialog or one of its timers, Qt destroys that object from the wrong thread ("Timers cannot
be stopped from another thread") and may crash. So the console turns automatic collection off and
collects here instead, from a timer on the UI thread, once the same thresholds are crossed: the
same amount of collecting, always on the thread that owns the widgets."""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_EVERY_MS = 500


class UiThreadCollector(QObject):
    """Automatic cycle collection off while it lives; `collect_if_due` does what the automatic
    collector would have done by now. Stop it to give collection back to Python."""

    def __init__(self, parent: QObject | None = None, *, every_ms: int = CHECK_EVERY_MS) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect_if_due)
        self._timer.start(every_ms)

    def collect_if_due(self) -> int | None:
        """Collect the oldest generation whose count passed its threshold (and every younger
        one with it); the number of objects found unreachable, or None when none was due."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            threshold = self._thresholds[generation]
            if threshold and counts[generation] >= threshold:
                return gc.collect(generation)
        return None

    def stop(self) -> None:
        self._timer.stop()
        if self._was_enabled:
            gc.enable()
