"""The team benchmark runs end to end on a tiny desk (three workstations through PgBouncer on a
private cluster), so it cannot rot between `make bench` runs; its propagation arithmetic is
checked on made-up logs. Nothing here asserts a time."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.servers import ServerUnavailable
from bench.team_bench import Plan, run
from bench.team_outcome import propagation
from bench.team_station import StationLog, Write


def test_propagation_is_the_slowest_other_workstation_and_unseen_writes_are_counted() -> None:
    writer = StationLog(0, writes=[Write(0, 7, "version", 3, 100.0), Write(0, 8, "calls", 2, 50.0)])
    quick = StationLog(
        1, reads={7: [(99.0, 98.9, 2, 0), (100.2, 100.1, 3, 0)], 8: [(51.0, 50.9, 1, 2)]}
    )
    slow = StationLog(2, reads={7: [(101.5, 101.4, 4, 0)]})  # a later version counts; 8 never seen
    delays, unseen = propagation([writer, quick, slow])
    assert delays == [pytest.approx(1.5)]
    assert unseen == 1


@pytest.mark.postgres
@pytest.mark.slow
def test_a_tiny_desk_through_pgbouncer_reports_every_metric(tmp_path: Path) -> None:
    # A second idle and two of reads after the writes (4 and 6 in a real run): every metric is
    # still made from real samples and reads, and none is asserted on as a figure.
    plan = Plan("tiny", 3, through_pooler=True, seconds=3, write_every=(0.5, 1.0), incidents=5,
                processes=1, max_connections=20, settle_seconds=1.0, drain_seconds=2.0)  # fmt: skip
    try:
        results = {r.name.removeprefix("team tiny: "): r for r in run(plan, tmp_path)}
    except ServerUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"the team benchmark's servers are required in CI: {exc}")
        pytest.skip(str(exc))
    assert set(results) >= {
        "peak server connections",
        "server connections per idle workstation",
        "propagation p95",
        "errors",
        "lost writes",
    }
    assert results["lost writes"].value == 0
    assert 0 < results["peak server connections"].value <= 20
