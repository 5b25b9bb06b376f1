"""Queue speed over 25,000 open incidents: the load behind the queue against a raw fetch of the
same columns, and search keystrokes and sorts in the queue model against a stock
QSortFilterProxyModel over the same rows (the baseline DESIGN.md warns about).

Run alone: QT_QPA_PLATFORM=offscreen python -m bench.queue_bench
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path
from time import perf_counter

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy.dialects import sqlite as sqlite_dialect

from app.domain.priority import Priority
from app.services.context import ServiceContext
from app.services.incidents.dto import IncidentRow
from app.services.incidents.queue_filters import COLUMNS, Viewer
from app.services.incidents.reads import IncidentReads, queue_query
from bench.common import Result, median, ms, p95, timed
from bench.data import NOW, open_ctx, scale_set, sqlite_url
from ui.queue.queue_model import QueueModel

KEYSTROKES = ("p", "pr", "pri", "prin", "print", "printe", "printer")


def raw_fetch(path: str) -> int:
    """The queue's query, compiled to SQL and fetched through the bare sqlite3 driver."""
    sql = str(
        queue_query(None).compile(
            dialect=sqlite_dialect.dialect(), compile_kwargs={"literal_binds": True}
        )
    )
    connection = sqlite3.connect(path)
    try:
        return len(connection.execute(sql).fetchall())
    finally:
        connection.close()


def queue_load(ctx: ServiceContext, path: str, repeat: int = 7) -> Result:
    reads = IncidentReads(ctx)
    reads.queue_rows()
    raw_fetch(path)  # warm both caches
    ours, raw = [], []
    for _ in range(repeat):  # interleaved, so both see the same machine load
        raw += timed(lambda: raw_fetch(path), 1)
        ours += timed(reads.queue_rows, 1)
    return Result(
        "queue load, 25k open (SQLite)",
        ms(median(ours)),
        "ms",
        ms(median(raw)),
        2.0,
        "ratio",
        "IncidentReads.queue_rows vs sqlite3 fetchall of the same SQL",
    )


def search_and_sort(ctx: ServiceContext) -> list[Result]:
    app = QApplication.instance() or QApplication([])
    rows = IncidentReads(ctx).queue_rows()
    model = QueueModel(lambda: Viewer(ctx.actor.agent_id, None, NOW, NOW))
    started = perf_counter()
    model.set_rows(rows)
    first_order = perf_counter() - started

    ours_search = []
    for _ in range(3):
        for text in KEYSTROKES:
            started = perf_counter()
            model.set_search(text)
            ours_search.append(perf_counter() - started)
        model.set_search("")
    # Right after a load each column's first sort makes its ranks (cold); the console makes
    # them in the idle time after the first paint (prepare_sorts), so a click finds them ready.
    model.set_rows(rows)
    cold_sort = _sorts(model)
    model.set_rows(rows)
    model.prepare_sorts()
    ours_sort = _sorts(model) + _sorts(model)
    model.reset_sort()
    live = _live_changes(model, rows)

    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setFilterKeyColumn(-1)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    stock_search = []
    for text in KEYSTROKES[:4]:
        started = perf_counter()
        proxy.setFilterFixedString(text)
        stock_search.append(perf_counter() - started)
    proxy.setFilterFixedString("")
    stock_sort = []
    for column in (0, 2, 8):
        started = perf_counter()
        proxy.sort(column, Qt.SortOrder.DescendingOrder)
        stock_sort.append(perf_counter() - started)
    del proxy, app
    return [
        Result("first triage order, 25k (set_rows)", ms(first_order), "ms", None, None, "info"),
        Result(
            "search keystroke p95, 25k",
            ms(p95(ours_search)),
            "ms",
            ms(p95(stock_search)),
            20,
            note="stock QSortFilterProxyModel p95",
        ),
        Result(
            "sort any column (max), 25k",
            ms(max(ours_sort)),
            "ms",
            ms(median(stock_sort)),
            50,
            note="every column both ways, twice, after the idle warm-up; stock proxy median",
        ),
        Result(
            "sort, first click per column right after a load (max), 25k",
            ms(max(cold_sort)),
            "ms",
            ms(median(stock_sort)),
            None,
            "info",
            "before the idle warm-up has run: the column's ranks are made by the click",
        ),
        Result(
            "live change applied (p95), 25k",
            ms(p95(live)),
            "ms",
            ms(first_order),
            None,
            "info",
            "one changed row from the feed, triage order, every column ranked; baseline set_rows",
        ),
    ]


def _live_changes(model: QueueModel, rows: list[IncidentRow], count: int = 60) -> list[float]:
    """Seconds per change from the feed: one row at a time gets a new priority, title or
    assignee (what a colleague's edit looks like), with every column's ranks made."""
    model.prepare_sorts()
    times = []
    for n in range(count):
        row = rows[(n * 397) % len(rows)]
        changed = (
            row._replace(priority=Priority((int(row.priority) % 5) + 1)),
            row._replace(title=f"Changed {n} {row.title}"),
            row._replace(assignee=f"Agent {n}", assignee_id=None),
        )[n % 3]
        started = perf_counter()
        model.apply_changes([changed])
        times.append(perf_counter() - started)
    return times


def _sorts(model: QueueModel) -> list[float]:
    """Seconds per sort: every column, descending then ascending."""
    times = []
    for column in range(len(COLUMNS)):
        for order in (Qt.SortOrder.DescendingOrder, Qt.SortOrder.AscendingOrder):
            started = perf_counter()
            model.sort(column, order)
            times.append(perf_counter() - started)
    return times


def run(path: Path) -> list[Result]:
    ctx = open_ctx(sqlite_url(path))
    try:
        return [queue_load(ctx, str(path)), *search_and_sort(ctx)]
    finally:
        ctx.db.dispose()


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="calmdesk-bench-"))
    path = folder / "scale.sqlite3"
    scale_set(sqlite_url(path))
    for result in run(path):
        print(result.as_dict())


if __name__ == "__main__":
    main()
