"""The public status page: public updates only (never internal text, names or drills), the
Statuspage v2 shape, the same bytes from the same data, and publishing to a folder and to a
real HTTP PUT server, with a retry after a failure."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from app.adapters.status_page_targets import PublishFailed
from app.cli import main
from app.db.models import Drill, Incident
from app.domain.clock import ManualClock
from app.domain.status_update import Audience, UpdateBody
from app.services.context import ServiceContext
from app.services.incidents.reads import IncidentReads
from app.services.status_page.publishing import HISTORY, INDEX, SUMMARY, build, publish_to
from app.services.status_page.republish import Republisher
from app.services.status_page.settings import PageSettings, save_settings
from app.services.war_room.commands import WarRoomCommands
from app.services.war_room.dto import ResolutionDraft, UpdateDraft, WarRoomCallDraft
from app.services.war_room.resolution import MajorResolution
from app.services.war_room.status_updates import StatusUpdates
from tests.app.services.status_page.put_server import put_server
from tests.app.services.war_room.war_room_support import Outage, declare_outage
from tests.helpers import open_incident

PUBLIC = UpdateBody(
    what_happened="Email is down for everyone since 8:05.",
    current_impact="Nobody can send or receive mail.",
    actions="The messaging team is restoring sign-in.",
    workaround="Use Teams chat for urgent messages.",
    eta=None,
    next_update_at=None,
)
SECRETS = (
    "ZEBRA-INTERNAL-4711",
    "MANGO-STAKEHOLDER-0815",
    "KUMQUAT-TIMELINE-2342",
    "Dana Quillfeather",  # a caller
    "Sam Okafor",  # the commander
    "Priya Nair",  # the comms lead
)

# The documented shape (docs/status-page.md): each key and the type of its value.
STAMP = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"
COMPONENT_STATUSES = {
    "operational",
    "degraded_performance",
    "partial_outage",
    "major_outage",
    "under_maintenance",
}
PAGE_KEYS = {"id": str, "name": str, "url": str, "time_zone": str, "updated_at": str}
COMPONENT_KEYS = {
    "id": str,
    "name": str,
    "status": str,
    "created_at": str,
    "updated_at": str,
    "position": int,
    "description": (str, type(None)),
    "showcase": bool,
    "start_date": (str, type(None)),
    "group_id": (str, type(None)),
    "page_id": str,
    "group": bool,
    "only_show_if_degraded": bool,
}
INCIDENT_KEYS = {
    "id": str,
    "name": str,
    "status": str,
    "created_at": str,
    "updated_at": str,
    "monitoring_at": (str, type(None)),
    "resolved_at": (str, type(None)),
    "impact": str,
    "shortlink": str,
    "started_at": str,
    "identified_at": (str, type(None)),
    "page_id": str,
    "incident_updates": list,
    "components": list,
}
UPDATE_KEYS = {
    "id": str,
    "status": str,
    "body": str,
    "incident_id": str,
    "created_at": str,
    "updated_at": str,
    "display_at": str,
    "affected_components": list,
    "deliver_notifications": bool,
    "custom_tweet": (str, type(None)),
    "tweet_id": (str, type(None)),
}


def check_keys(value: dict[str, Any], keys: dict[str, Any]) -> None:
    assert set(value) == set(keys)
    for key, kind in keys.items():
        assert isinstance(value[key], kind), (key, value[key])


def validate_summary(document: dict[str, Any]) -> None:
    import re

    assert set(document) == {"page", "status", "components", "incidents", "scheduled_maintenances"}
    check_keys(document["page"], PAGE_KEYS)
    assert re.match(STAMP, document["page"]["updated_at"])
    assert document["status"]["indicator"] in {"none", "minor", "major", "critical", "maintenance"}
    assert isinstance(document["status"]["description"], str)
    for component in document["components"]:
        check_keys(component, COMPONENT_KEYS)
        assert component["status"] in COMPONENT_STATUSES
        assert re.match(STAMP, component["updated_at"])
    for incident in document["incidents"]:
        check_keys(incident, INCIDENT_KEYS)
        assert incident["status"] in {"investigating", "identified", "monitoring", "resolved"}
        assert incident["impact"] in {"none", "minor", "major", "critical"}
        for update in incident["incident_updates"]:
            check_keys(update, UPDATE_KEYS)
            assert re.match(STAMP, update["created_at"])
        for component in incident["components"]:
            check_keys(component, COMPONENT_KEYS)


@pytest.fixture
def outage(ctx: ServiceContext, clock: ManualClock) -> Outage:
    """A major Email outage with one update to all users and, planted beside it, an internal
    and a stakeholder update, a timeline note and a caller: none of them may reach the page."""
    outage = declare_outage(ctx)
    clock.advance(timedelta(minutes=5))
    updates = StatusUpdates(ctx)
    updates.post(outage.incident.id, UpdateDraft(Audience.ALL_USERS, PUBLIC))
    clock.advance(timedelta(minutes=1))
    secret = replace(PUBLIC, what_happened=f"Root cause {SECRETS[0]} in the auth tier.")
    updates.post(outage.incident.id, UpdateDraft(Audience.INTERNAL, secret))
    told = replace(PUBLIC, current_impact=f"Finance close at risk {SECRETS[1]}.")
    updates.post(outage.incident.id, UpdateDraft(Audience.STAKEHOLDERS, told))
    war_room = WarRoomCommands(ctx)
    war_room.add_note(outage.incident.id, f"Vendor said {SECRETS[2]}")
    war_room.add_call(outage.incident.id, WarRoomCallDraft(SECRETS[3], callback_wanted=True))
    return outage


def all_bytes(ctx: ServiceContext) -> dict[str, bytes]:
    return dict(build(ctx).files)


def test_the_page_shows_public_updates_and_never_internal_text_or_names(
    ctx: ServiceContext, outage: Outage
) -> None:
    files = all_bytes(ctx)
    assert set(files) == {INDEX, SUMMARY, HISTORY, "api/v2/incidents.json"}
    for name, data in files.items():
        text = data.decode("utf-8")
        for secret in SECRETS:
            assert secret not in text, (secret, name)
        assert "Email is down for everyone since 8:05." in text, name
    summary = json.loads(files[SUMMARY])
    validate_summary(summary)
    validate_summary(
        {
            **json.loads(files["api/v2/incidents.json"]),
            "status": summary["status"],
            "components": [],
            "scheduled_maintenances": [],
        }
    )
    (incident,) = summary["incidents"]
    assert incident["name"] == "Email down for all users"
    assert incident["impact"] == "critical"
    assert incident["status"] == "identified"  # the update gave a workaround
    assert len(incident["incident_updates"]) == 1  # the internal and stakeholder ones are not
    assert [c["name"] for c in incident["components"]] == ["Email"]
    states = {c["name"]: c["status"] for c in summary["components"]}
    assert states == {"Email": "major_outage", "VPN": "operational"}
    assert summary["status"] == {"indicator": "critical", "description": "Major System Outage"}
    html = files[INDEX].decode()
    assert "<h1>IT service status</h1>" in html
    assert "Major outage" in html  # in words, not colour only
    assert "<script" not in html


def test_the_same_data_gives_the_same_bytes(
    ctx: ServiceContext, clock: ManualClock, outage: Outage, tmp_path: Path
) -> None:
    first = build(ctx)
    publish_to(str(tmp_path / "one"), first)
    clock.advance(timedelta(hours=3))  # later, but nothing changed
    publish_to(str(tmp_path / "two"), build(ctx))
    for name, data in first.files:
        assert (tmp_path / "one" / name).read_bytes() == data
        assert (tmp_path / "two" / name).read_bytes() == data
    assert not [p for p in (tmp_path / "one").rglob(".*")]  # no temporary files left


def test_resolved_incidents_stay_14_days_and_drills_never_show(
    ctx: ServiceContext, clock: ManualClock, outage: Outage
) -> None:
    current = IncidentReads(ctx).detail(outage.incident.id).version
    MajorResolution(ctx).resolve(
        outage.incident.id, current, ResolutionDraft("Sign-in restored.", PUBLIC)
    )
    rehearsal = open_incident(ctx, "REHEARSAL-PAPAYA outage", impact=1, urgency=1)
    with ctx.db.write() as session:  # a drill's major incident, as a drill would make it
        drill = Drill(
            title="Email drill",
            script_key="email",
            runbook_key="email-outage",
            runbook_title="Email outage",
            script={},
            started_at=clock.now(),
        )
        session.add(drill)
        session.flush()
        row = session.get(Incident, rehearsal.id)
        assert row is not None
        row.major, row.drill_id, row.declared_major_at = True, drill.id, clock.now()
    summary = json.loads(all_bytes(ctx)[SUMMARY])
    assert summary["incidents"] == []  # the summary lists unresolved ones
    assert summary["status"]["indicator"] == "none"
    html = all_bytes(ctx)[INDEX].decode()
    assert "Email down for all users" in html
    assert "This is the final update" in html
    assert all("PAPAYA" not in d.decode() for d in all_bytes(ctx).values())
    clock.advance(timedelta(days=14, minutes=1))
    assert "Email down for all users" not in all_bytes(ctx)[INDEX].decode()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_publishing_to_a_real_http_put_server_with_a_retry(
    ctx: ServiceContext, clock: ManualClock, outage: Outage
) -> None:
    with put_server() as (url, store):
        address = url.replace("http://", "http://desk:s3cret@")
        save_settings(ctx, PageSettings(name="Example status", target=address))
        store.fail_next = 1
        republisher = Republisher(ctx)
        failed = republisher.publish_pending()
        assert not failed.published
        assert "503" in failed.error
        assert failed.next_try == clock.now() + timedelta(seconds=10)
        assert store.files == {}
        done = republisher.publish_pending()
        assert done.published
        assert done.error == ""
        page = build(ctx)
        assert store.files == {f"/status/{name}": data for name, data in page.files}
        assert "/status/api/v2/" in store.folders
        assert set(store.auth) == {"Basic ZGVzazpzM2NyZXQ="}
        assert b"Example status" in store.files["/status/index.html"]


def test_a_folder_that_cannot_be_written_says_so(ctx: ServiceContext, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(PublishFailed, match="is a file, not a folder"):
        publish_to(str(blocker), build(ctx))
    site = tmp_path / "site"
    (site / "index.html").mkdir(parents=True)  # a folder where the page should go
    with pytest.raises(PublishFailed, match="Could not write"):
        publish_to(str(site), build(ctx))


def test_a_mistyped_or_unmounted_path_is_refused_not_made(
    ctx: ServiceContext, tmp_path: Path
) -> None:
    typo = tmp_path / "var" / "www" / "stauts"
    with pytest.raises(PublishFailed, match=r"There is no folder .*www, so stauts cannot be made"):
        publish_to(str(typo), build(ctx))
    assert not (tmp_path / "var").exists()
    publish_to(str(tmp_path / "status"), build(ctx))  # a new folder in one that exists: made
    assert (tmp_path / "status" / INDEX).is_file()


def test_the_command_publishes_and_never_creates_a_missing_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere.sqlite3"
    out = tmp_path / "site"
    assert main(["status-page", "publish", "--db", f"sqlite:///{missing}", "--out", str(out)]) == 1
    assert not missing.exists()
    assert not out.exists()
    assert "nothing was created" in capsys.readouterr().err
    made = tmp_path / "made.sqlite3"
    assert main(["demo", "--db", f"sqlite:///{made}"]) == 0
    assert main(["status-page", "publish", "--db", f"sqlite:///{made}", "--out", str(out)]) == 0
    validate_summary(json.loads((out / SUMMARY).read_text()))
    assert (out / INDEX).read_text().count("<h2") == 3
    assert (out / HISTORY).read_text().startswith('<?xml version="1.0"')
