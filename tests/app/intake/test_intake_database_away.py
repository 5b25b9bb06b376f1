"""The database goes away under the running service: alerts are answered 503 (the sender keeps
them and sends again), the health check says so, and once it is back the next delivery is
recorded once. A 2xx is only ever sent for a committed alert."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app.db.models import AlertGroup
from tests.app.intake.intake_server import alertmanager, running
from tests.helpers import CutLine


@pytest.mark.postgres
def test_with_the_database_away_alerts_get_503_and_are_recorded_once_it_is_back(
    pg_through_proxy: CutLine, tmp_path: Path
) -> None:
    body = alertmanager("WhileTheDatabaseWasAway")
    with running(pg_through_proxy.url, tmp_path) as server:
        pg_through_proxy.proxy.cut()

        refused = server.post("/alerts/alertmanager", body)
        health = server.client.get("/healthz")

        assert refused.status_code == 503
        assert "send it again later" in refused.json()["error"]
        assert (health.status_code, health.json()) == (503, {"database": "unavailable"})

        pg_through_proxy.proxy.restore()
        accepted = server.post("/alerts/alertmanager", body)

        assert accepted.status_code == 200
        assert accepted.json()["action"] == "open"
        assert server.client.get("/healthz").status_code == 200
    with pg_through_proxy.direct.read() as session:
        counts = session.scalars(select(AlertGroup.alert_count)).all()
    assert counts == [1]
