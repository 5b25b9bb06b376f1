"""The intake service end to end: the real `calmdesk intake serve` process, real HTTP, on a real
SQLite file and a real PostgreSQL database. Each test sends its own alert names."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from app.db.models import AlertGroup, Incident, Service, TimelineEvent
from tests.app.intake.conftest import Intake
from tests.app.intake.intake_server import alertmanager, written

AM = "/alerts/alertmanager"


def _incident(intake: Intake, number: str) -> Incident:
    with intake.db.read() as session:
        incident = session.scalar(select(Incident).where(Incident.number == number))
        assert incident is not None
        return incident


def _group(intake: Intake, number: str) -> AlertGroup:
    with intake.db.read() as session:
        group = session.scalar(select(AlertGroup).join(Incident).where(Incident.number == number))
        assert group is not None
        return group


def _alert_lines(intake: Intake, number: str) -> list[str]:
    with intake.db.read() as session:
        return list(
            session.scalars(
                select(TimelineEvent.summary)
                .join(Incident)
                .where(Incident.number == number, TimelineEvent.kind == "alert")
                .order_by(TimelineEvent.id)
            )
        )


def _send(intake: Intake, body: dict[str, Any], path: str = AM) -> dict[str, Any]:
    response = intake.server.post(path, body)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def test_an_alert_group_opens_one_incident_and_repeats_add_to_it(intake: Intake) -> None:
    first = _send(intake, alertmanager("MailQueueStuck"))
    again = _send(intake, alertmanager("MailQueueStuck", instances=("web-1", "web-2")))

    assert first["action"] == "open"
    assert again["action"] == "repeat"
    assert again["incident"] == first["incident"]
    assert again["alert_count"] == 3
    incident = _incident(intake, first["incident"])
    with intake.db.read() as session:
        email = session.scalar(select(Service.id).where(Service.name == "Email"))
        groups = session.scalars(
            select(AlertGroup).where(AlertGroup.alert_name == "MailQueueStuck")
        ).all()
    assert incident.channel == "monitoring"
    assert (incident.priority, incident.service_id) == (1, email)  # critical -> P1 on Email
    assert len(groups) == 1
    assert groups[0].labels["severity"] == "critical"
    assert groups[0].source_url.startswith("http://prometheus.example.com")
    assert groups[0].first_firing_at.isoformat().startswith("2026-01-05T08:58:00.123456")
    lines = _alert_lines(intake, first["incident"])
    assert len(lines) == 2
    assert "still firing (2 alerts in this notification, 3 so far)" in lines[1]


def test_another_alert_name_is_another_group_and_incident(intake: Intake) -> None:
    one = _send(intake, alertmanager("DiskAlmostFull"))
    other = _send(intake, alertmanager("CertificateExpiring"))

    assert one["incident"] != other["incident"]
    assert {one["action"], other["action"]} == {"open"}


def test_a_recovery_is_recorded_and_resolves_only_when_the_mapping_says_so(
    intake: Intake,
) -> None:
    kept = _send(intake, alertmanager("SmtpLatency"))
    _send(intake, alertmanager("SmtpLatency", "resolved"))
    resolved = _send(intake, alertmanager("BackupLate", severity="info"))
    answer = _send(intake, alertmanager("BackupLate", "resolved", severity="info"))

    assert answer["action"] == "recovered"
    assert _incident(intake, kept["incident"]).status == "new"  # critical: a person resolves it
    assert _alert_lines(intake, kept["incident"])[-1] == "Monitoring reports recovered: SmtpLatency"
    done = _incident(intake, resolved["incident"])
    assert done.status == "resolved"  # info: resolve_on_recovery = true
    assert done.resolution == "Monitoring reports recovered: BackupLate."
    assert _group(intake, resolved["incident"]).state == "recovered"


def test_firing_again_after_recovery_reopens_the_same_incident(intake: Intake) -> None:
    opened = _send(intake, alertmanager("NightlyExportFailed", severity="info"))
    _send(intake, alertmanager("NightlyExportFailed", "resolved", severity="info"))
    assert _incident(intake, opened["incident"]).status == "resolved"

    again = _send(intake, alertmanager("NightlyExportFailed", severity="info"))

    assert (again["action"], again["incident"]) == ("refired", opened["incident"])
    assert _incident(intake, opened["incident"]).status == "in_progress"
    assert "firing again, 0 min after it recovered" in _alert_lines(intake, opened["incident"])[-1]
    assert _group(intake, opened["incident"]).alert_count == 2


def test_a_flapping_alert_is_summarised_not_written_change_by_change(intake: Intake) -> None:
    opened = _send(intake, alertmanager("LinkFlaps"))
    for n in range(10):  # ten changes; the test mapping calls four an hour flapping
        _send(intake, alertmanager("LinkFlaps", "resolved" if n % 2 == 0 else "firing"))

    lines = _alert_lines(intake, opened["incident"])
    flapping = [line for line in lines if "is flapping" in line]
    assert len(flapping) == 1
    assert "4 changes between firing and recovered in the last hour" in flapping[0]
    assert len(lines) == 5  # opened, three changes, then the flapping line: not eleven lines
    group = _group(intake, opened["incident"])
    assert group.flapping_since is not None
    assert group.flap_changes == 10
    assert _incident(intake, opened["incident"]).status == "new"


def test_the_generic_shape_groups_by_name_and_service(intake: Intake) -> None:
    body = {"name": "VpnTunnelDown", "status": "firing", "service": "mail", "severity": "info"}
    first = _send(intake, body, "/alerts/generic")
    second = _send(intake, {**body, "summary": "tunnel 2 too"}, "/alerts/generic")
    elsewhere = _send(intake, {**body, "service": "vpn"}, "/alerts/generic")

    assert second["incident"] == first["incident"]
    assert elsewhere["incident"] != first["incident"]
    assert _incident(intake, first["incident"]).priority == 5  # info: low x low


def test_grafana_alerts_are_grouped_by_their_group_key(intake: Intake) -> None:
    body = alertmanager("GrafanaCpuHigh", group_key='{}/{__grafana_autogenerated__="true"}:{}')
    body.update(version="1", orgId=1, title="[FIRING:1] GrafanaCpuHigh", state="alerting")
    body["alerts"][0]["panelURL"] = "https://grafana.example.com/d/abc?viewPanel=2"
    first = _send(intake, body, "/alerts/grafana")
    second = _send(intake, body, "/alerts/grafana")

    assert (second["action"], second["incident"]) == ("repeat", first["incident"])
    group = _group(intake, first["incident"])
    assert (group.source, group.source_url) == (
        "grafana",
        "https://grafana.example.com/d/abc?viewPanel=2",
    )


REFUSED = [
    pytest.param(AM, alertmanager("Refused"), None, 401, "Bearer", id="no-token"),
    pytest.param(AM, alertmanager("Refused"), "wrong-token", 401, "Bearer", id="wrong-token"),
    pytest.param(AM, b'{"version": "4", "status": ', "ok", 400, "not valid JSON", id="malformed"),
    pytest.param(AM, b"\xff\xfe", "ok", 400, "not UTF-8", id="not-utf8"),
    pytest.param(AM, [1, 2], "ok", 400, "must be a JSON object", id="a-list"),
    pytest.param(
        AM, {**alertmanager("Refused"), "version": "3"}, "ok", 400, 'version "4"', id="old-version"
    ),
    pytest.param(
        AM, {**alertmanager("Refused"), "alerts": []}, "ok", 400, '"alerts"', id="no-alerts"
    ),
    pytest.param(
        AM, {**alertmanager("Refused"), "status": "burning"}, "ok", 400, "firing", id="status"
    ),
    pytest.param(
        AM,
        alertmanager("Refused", instances=tuple(f"web-{n}" for n in range(40))),
        "ok",
        413,
        "larger than 4096 bytes",
        id="too-large",
    ),
    pytest.param(
        "/alerts/generic", {"status": "firing"}, "ok", 400, '"name" is required', id="no-name"
    ),
    pytest.param(
        "/alerts/generic",
        {"name": "X", "status": "firing", "colour": "red"},
        "ok",
        400,
        "Unknown field 'colour'",
        id="unknown-field",
    ),
]


@pytest.mark.parametrize(("path", "body", "token", "status", "says"), REFUSED)
def test_a_refused_request_is_answered_clearly_and_writes_nothing(
    intake: Intake, path: str, body: Any, token: str | None, status: int, says: str
) -> None:
    before = written(intake.db)
    if token == "ok":
        response = intake.server.post(path, body if isinstance(body, bytes) else _json(body))
    else:
        response = intake.server.post(path, _json(body), token=token)

    assert response.status_code == status
    assert says in response.json()["error"] + response.headers.get("www-authenticate", "")
    assert written(intake.db) == before


def test_the_health_check_says_the_database_answers(intake: Intake) -> None:
    response = intake.server.client.get("/healthz")

    assert (response.status_code, response.json()) == (200, {"database": "ok"})


def _json(body: Any) -> bytes:
    return json.dumps(body).encode()
