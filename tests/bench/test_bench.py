"""The benchmark code runs end to end on tiny data sets, so it cannot rot between `make bench`
runs. Nothing here asserts a time: only that each metric is produced, named and shaped."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from app.db.engine import open_database
from bench import import_bench, intake_bench, queue_bench, reports_bench, scale_bench
from bench.__main__ import _startup, write_results
from bench.common import Result
from bench.data import history_set, import_servicenow_into, scale_set, sqlite_url

SERVICENOW_SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "servicenow_first50.csv"


def test_the_history_set_holds_open_incidents_behind_closed_history(db_url: str) -> None:
    """On a SQLite file (executemany) and on PostgreSQL (COPY) alike."""
    history_set(db_url, history=300, open_rows=20)
    database = open_database(db_url)
    try:
        with database.read() as session:
            statuses = dict(
                session.execute(text("SELECT status, count(*) FROM incidents GROUP BY 1")).all()
            )
            calls = session.scalar(text("SELECT count(*) FROM calls"))
            numbers = session.scalar(text("SELECT count(DISTINCT number) FROM incidents"))
            counter = session.scalar(
                text("SELECT value FROM counters WHERE name = 'incident_number'")
            )
            linked = session.scalar(
                text("SELECT count(*) FROM calls JOIN incidents ON incidents.id = incident_id")
            )
    finally:
        database.dispose()
    assert statuses.get("closed", 0) + statuses.get("resolved", 0) == 300
    assert statuses.get("resolved", 0) > 0  # the newest are not closed yet
    assert sum(statuses.values()) == 320
    assert calls == linked == 75  # one for every 4th historical incident
    assert numbers == 320
    assert counter == 320


def test_the_queue_and_scale_metrics_come_out_of_tiny_sets(qtbot: QtBot, tmp_path: Path) -> None:
    base, history = tmp_path / "scale.sqlite3", tmp_path / "history.sqlite3"
    scale_set(sqlite_url(base), 60)
    history_set(sqlite_url(history), history=200, open_rows=15)
    queue = {r.name: r for r in queue_bench.run(base)}
    assert {"sort any column (max), 25k", "search keystroke p95, 25k"} <= set(queue)
    assert all(r.value >= 0 for r in queue.values())
    base_load, history_load = scale_bench.queue_loads(base, history, repeat=2)
    assert len(base_load) == len(history_load) == 2


@pytest.mark.postgres
def test_the_scale_start_up_runs_the_console_on_both_sets_and_on_the_server(
    tmp_path: Path, postgres_url: str
) -> None:
    base, history = tmp_path / "scale.sqlite3", tmp_path / "history.sqlite3"
    scale_set(sqlite_url(base), 30)
    history_set(sqlite_url(history), history=100, open_rows=10)
    history_set(postgres_url, history=100, open_rows=10)
    results = scale_bench.run(
        base, history, tmp_path / "home", made_seconds=0.5, repeat=1,
        server_history=(postgres_url, 0.7), warm_up=False,
    )  # fmt: skip
    on_server, made_there = results[0], results[1]
    assert on_server.name.endswith("open, PostgreSQL)")
    assert (on_server.target_kind, on_server.target) == ("ratio", 3.0)
    assert on_server.baseline is not None
    assert on_server.value > 0
    assert "incidents in the queue" in on_server.note
    assert (made_there.value, made_there.target_kind) == (0.7, "info")
    from_spawn, against_base = results[2], results[3]
    assert from_spawn.name.startswith("scale: start-up, spawn to first line")
    assert (from_spawn.target_kind, from_spawn.target) == ("ratio", 3.0)
    assert from_spawn.baseline is not None  # the bare window, run in the same rounds
    assert "spread" in from_spawn.note
    assert (against_base.target_kind, against_base.target) == ("ratio", 1.5)
    assert "incidents in the queue" in against_base.note  # the open ones, and any resolved lately


@pytest.mark.postgres
def test_the_start_up_group_times_each_data_set_against_the_bare_window(
    tmp_path: Path, postgres_url: str
) -> None:
    """The same harness for all: spawn to first line, interleaved, medians and spread."""
    scale = sqlite_url(tmp_path / "scale.sqlite3")
    scale_set(scale, 30)
    scale_set(postgres_url, 30)
    urls = {"25k open, SQLite": scale, "25k open, PostgreSQL": postgres_url}
    results = {r.name: r for r in _startup(urls, tmp_path / "home", repeat=1, warm_up=False)}
    timed = [f"start-up, spawn to first line ({name})" for name in urls]
    assert set(timed) <= set(results)
    for name in timed:
        assert results[name].baseline is not None
        assert results[name].baseline > 0
        assert (results[name].target_kind, results[name].target) == ("ratio", 3.0)
        assert "spread" in results[name].note
    assert "30 incidents in the queue" in results[timed[0]].note
    assert "30 incidents in the queue" in results[timed[1]].note
    memory = results["memory (peak RSS), 25k open queue loaded"]
    assert memory.value > 0
    assert memory.target == 150


def test_the_report_metrics_come_out_of_a_small_servicenow_import(
    qtbot: QtBot, tmp_path: Path
) -> None:
    url = sqlite_url(tmp_path / "servicenow.sqlite3")
    import_servicenow_into(url, SERVICENOW_SAMPLE)
    results = reports_bench.run(url, "SQLite", tmp_path / "home", repeat=1)
    assert [r.name for r in results] == [
        "reports, whole log, all teams (SQLite)",
        "reports, whole log, busiest team (SQLite)",
        "reports window, Show to painted, all teams (SQLite)",
    ]
    assert all(r.target == 2000 and r.value >= 0 for r in results)
    assert "resolved over" in results[0].note


def test_a_partial_run_keeps_the_other_metrics(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    write_results([Result("a", 1, "ms"), Result("b", 2, "ms")], path)
    write_results([Result("b", 3, "ms")], path, partial=True)
    metrics = {m["name"]: m["value"] for m in json.loads(path.read_text())["metrics"]}
    assert metrics == {"a": 1, "b": 3}


@pytest.mark.postgres
def test_the_intake_metric_comes_out_of_a_few_alerts(postgres_url: str) -> None:
    rate, missing = intake_bench.run(postgres_url, per_sender=5)

    assert rate.name == "intake: accepted alerts/s (PostgreSQL)"
    assert rate.value > 0
    assert "20 alerts from 4 senders" in rate.note
    assert (missing.value, missing.met) == (0, True)


def test_the_import_metrics_come_out_of_a_small_log_against_csv_reader(tmp_path: Path) -> None:
    first, again = import_bench.measure(
        "SQLite", sqlite_url(tmp_path / "import.sqlite3"), SERVICENOW_SAMPLE
    )
    assert first.name == "import ServiceNow log (SQLite)"
    assert (first.target, first.target_kind) == (import_bench.SQLITE_RATIO, "ratio")
    assert first.value > 0
    assert first.baseline is not None
    assert first.baseline > 0
    assert "50 incidents created" in first.note
    assert "events/s" in first.note
    assert again.name == "import ServiceNow log (SQLite, re-import)"
    assert "0 incidents created, 50 updated, 0 events added" in again.note
