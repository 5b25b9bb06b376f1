"""The webhook readers: the README's payloads are accepted as shown, times as Go writes them are
read, and a body of the wrong shape is refused saying where."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.adapters.alert_mapping import parse_mapping
from app.adapters.alert_payloads import (
    PayloadError,
    alertmanager_notice,
    generic_notice,
    grafana_notice,
)
from app.domain.alerts import AlertStatus
from app.domain.priority import Impact, Urgency

README = Path(__file__).resolve().parents[3] / "README.md"


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    return text.split("## Monitoring alerts\n", 1)[1].split("\n## ", 1)[0]


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", _section(), flags=re.S)


def test_the_readmes_alertmanager_and_generic_payloads_are_accepted_as_shown() -> None:
    _answer, alertmanager, generic = _blocks("json")

    am = alertmanager_notice(alertmanager.encode())
    other = generic_notice(generic.encode())

    assert (am.name, am.status, am.firing) == ("HighErrorRate", AlertStatus.FIRING, 1)
    assert am.source_key == '{}:{alertname="HighErrorRate"}'
    assert am.summary == "5xx above 5% for 5 minutes"
    assert am.started_at == datetime(2026, 1, 5, 8, 58, tzinfo=UTC)
    assert am.source_url.startswith("http://prometheus.example.com:9090/graph")
    assert (other.name, other.source_key) == ("DiskFull", "optional: your own group key")
    assert other.labels == {
        "host": "fs-2",
        "alertname": "DiskFull",
        "service": "fileserver",
        "severity": "warning",
    }


def test_the_readmes_mapping_is_a_working_mapping() -> None:
    [toml] = _blocks("toml")
    mapping = parse_mapping(toml, "README.md")

    route = mapping.route({"severity": "critical", "service": "mail"})
    assert (route.service, route.impact, route.urgency) == ("Email", Impact.HIGH, Urgency.HIGH)


def test_nanosecond_times_and_gos_zero_time_are_read() -> None:
    body = {
        "version": "4",
        "status": "resolved",
        "alerts": [
            {"status": "resolved", "startsAt": "2026-01-05T08:58:00.123456789+01:00"},
            {"status": "resolved", "startsAt": "0001-01-01T00:00:00Z"},
        ],
    }

    notice = alertmanager_notice(json.dumps(body).encode())

    assert notice.started_at == datetime(2026, 1, 5, 7, 58, 0, 123456, tzinfo=UTC)
    assert (notice.name, notice.firing) == ("Alert", 0)


def test_grafanas_panel_link_comes_first_and_any_version_is_accepted() -> None:
    body = {
        "version": "1",
        "status": "firing",
        "title": "[FIRING:1] CPU",
        "externalURL": "https://grafana.example.com/",
        "alerts": [
            {
                "status": "firing",
                "labels": {"alertname": "CPU"},
                "dashboardURL": "https://grafana.example.com/d/x",
                "panelURL": "https://grafana.example.com/d/x?viewPanel=3",
            }
        ],
    }

    notice = grafana_notice(json.dumps(body).encode())

    assert (notice.source, notice.name) == ("grafana", "CPU")
    assert notice.source_url == "https://grafana.example.com/d/x?viewPanel=3"


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"version": "4", "status": "firing", "alerts": [{"status": "on"}]}, '"alerts"[0].status'),
        ({"version": "4", "status": "firing", "alerts": ["x"]}, '"alerts"[0] must be'),
        (
            {
                "version": "4",
                "status": "firing",
                "commonLabels": {"a": 1},
                "alerts": [{"status": "firing"}],
            },
            '"commonLabels" must be an object of text values',
        ),
        (
            {
                "version": "4",
                "status": "firing",
                "alerts": [{"status": "firing", "startsAt": "09:00"}],
            },
            "not an ISO 8601 time",
        ),
        (
            {
                "version": "4",
                "status": "firing",
                "alerts": [{"status": "firing", "startsAt": "2026-01-05T09:00:00"}],
            },
            "has no time zone",
        ),
    ],
)
def test_a_wrong_shape_is_refused_saying_where(body: dict[str, object], says: str) -> None:
    with pytest.raises(PayloadError) as refused:
        alertmanager_notice(json.dumps(body).encode())

    assert says in str(refused.value)
