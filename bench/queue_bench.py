"""Queue speed over 25,000 open incidents: search keystrokes and sorts in the queue model,
against a stock QSortFilterProxyModel over the same rows (the baseline DESIGN.md warns about).

Run: QT_QPA_PLATFORM=offscreen python -m bench.queue_bench
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QApplication

from app.db.engine import open_database
from app.db.migrate import upgrade
from app.domain.clock import ManualClock
from app.services.context import ServiceContext
from app.services.directory import sign_in
from app.services.incident_reads import IncidentReads
from app.services.queue_view import COLUMNS, Viewer
from bench.scale_data import generate
from ui.queue.queue_model import QueueModel

ROWS = 25_000
KEYSTROKES = ("p", "pr", "pri", "prin", "print", "printe", "printer")


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


def run() -> list[dict[str, object]]:
    app = QApplication.instance() or QApplication([])
    now = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    folder = Path(tempfile.mkdtemp(prefix="calmdesk-bench-"))
    db = open_database(f"sqlite:///{folder / 'bench.sqlite3'}")
    upgrade(db)
    generate(db, ROWS, now)
    ctx = ServiceContext(db, ManualClock(now), sign_in(db, "bench"))
    started = time.perf_counter()
    rows = IncidentReads(ctx).queue_rows()
    load = time.perf_counter() - started

    model = QueueModel(lambda: Viewer(ctx.actor.agent_id, None, now, now))
    started = time.perf_counter()
    model.set_rows(rows)
    first_order = time.perf_counter() - started

    ours_search = []
    for text in KEYSTROKES * 3:
        started = time.perf_counter()
        model.set_search(text)
        ours_search.append(time.perf_counter() - started)
    model.set_search("")
    ours_sort = []
    for column in range(len(COLUMNS)):
        started = time.perf_counter()
        model.sort(column, Qt.SortOrder.DescendingOrder)
        ours_sort.append(time.perf_counter() - started)

    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setFilterKeyColumn(-1)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    stock_search = []
    for text in KEYSTROKES[:4]:
        started = time.perf_counter()
        proxy.setFilterFixedString(text)
        stock_search.append(time.perf_counter() - started)
    proxy.setFilterFixedString("")
    stock_sort = []
    for column in (0, 2, 8):
        started = time.perf_counter()
        proxy.sort(column, Qt.SortOrder.DescendingOrder)
        stock_sort.append(time.perf_counter() - started)
    db.dispose()
    del app
    return [
        {"metric": "queue load (service call)", "value": _ms(load), "unit": "ms", "rows": len(rows)},
        {"metric": "first triage order", "value": _ms(first_order), "unit": "ms"},
        {"metric": "search keystroke p95", "value": _ms(_p95(ours_search)), "unit": "ms",
         "baseline": _ms(statistics.median(stock_search)), "target": 20},
        {"metric": "sort any column (max)", "value": _ms(max(ours_sort)), "unit": "ms",
         "baseline": _ms(statistics.median(stock_sort)), "target": 50},
    ]  # fmt: skip


def main() -> None:
    for result in run():
        extra = "".join(
            f"  {key} {result[key]}" for key in ("baseline", "target", "rows") if key in result
        )
        print(f"{result['metric']:<28} {result['value']:>8} {result['unit']}{extra}")


if __name__ == "__main__":
    main()
