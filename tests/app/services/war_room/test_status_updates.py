"""Posting status updates on the cadence, and delivering them: the update is saved first, so a
chat service that is down loses nothing, says why, and can be retried."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from app.adapters.webhooks import RetryPolicy
from app.domain.clock import ManualClock
from app.domain.lifecycle import Status
from app.domain.status_update import Audience, UpdateBody
from app.services.context import ServiceContext
from app.services.errors import InvalidInput
from app.services.incidents.commands import IncidentCommands
from app.services.incidents.reads import IncidentReads
from app.services.war_room.dto import UpdateDraft
from app.services.war_room.reads import WarRoomReads
from app.services.war_room.status_updates import StatusUpdates
from tests.app.adapters.webhook_server import WebhookServer
from tests.app.services.war_room.war_room_support import Outage, declare_outage

FAST = RetryPolicy(timeout=2.0, attempts=2, backoff=0.0)
BODY = UpdateBody(
    what_happened="Email is down for everyone since 8:05.",
    current_impact="Nobody can send or receive mail in Outlook or webmail.",
    actions="The messaging team and Microsoft are restoring sign-in.",
    workaround="Use Teams chat for urgent messages.",
    eta=None,
    next_update_at=None,
)


@pytest.fixture
def outage(ctx: ServiceContext) -> Outage:
    return declare_outage(ctx)


def write_config(folder: Path, slack_url: str, teams_url: str) -> Path:
    path = folder / "war-room.toml"
    path.write_text(
        f"""
[mail]
all_users = ["all-staff@example.com", "contractors@example.com"]

[[webhook]]
name = "Slack #major-incidents"
url = "{slack_url}"

[[webhook]]
name = "Teams IT status"
url = "{teams_url}"
format = "teams"
audiences = ["all_users"]
""",
        encoding="utf-8",
    )
    return path


def test_posting_an_update_moves_the_due_time_on_by_the_cadence(
    ctx: ServiceContext, clock: ManualClock, outage: Outage
) -> None:
    first_due = outage.incident.next_update_due
    assert first_due == clock.now() + timedelta(minutes=30)
    clock.advance(timedelta(minutes=25))
    eta = clock.now() + timedelta(hours=2)
    posted = StatusUpdates(ctx).post(
        outage.incident.id,
        UpdateDraft(Audience.ALL_USERS, replace(BODY, eta=eta)),
    )
    assert posted.next_update_due == clock.now() + timedelta(minutes=30)
    assert posted.update.next_update_at == posted.next_update_due
    assert posted.update.sequence == 1
    detail = IncidentReads(ctx).detail(outage.incident.id)
    assert detail.next_update_due == posted.next_update_due
    assert detail.eta == eta
    assert detail.workaround == BODY.workaround
    assert detail.public_message.startswith("Email is down for everyone since 8:05. The messag")
    assert detail.version == posted.incident_version == outage.incident.version + 1
    event = WarRoomReads(ctx).snapshot(outage.incident.id).timeline[0]
    assert event.kind == "status_update"
    assert event.summary == "Update 1 to all users: Email is down for everyone since 8:05."


def test_an_earlier_promise_sets_the_due_time_a_later_one_is_refused(
    ctx: ServiceContext, clock: ManualClock, outage: Outage
) -> None:
    updates = StatusUpdates(ctx)
    soon = clock.now() + timedelta(minutes=10)
    posted = updates.post(
        outage.incident.id,
        UpdateDraft(Audience.INTERNAL, replace(BODY, next_update_at=soon)),
    )
    assert posted.next_update_due == soon
    late = clock.now() + timedelta(hours=2)
    with pytest.raises(InvalidInput) as refused:
        updates.post(
            outage.incident.id,
            UpdateDraft(Audience.INTERNAL, replace(BODY, next_update_at=late)),
        )
    assert refused.value.field == "next_update_at"
    assert "every 30 minutes" in str(refused.value)


def test_an_internal_update_leaves_what_callers_hear_alone(
    ctx: ServiceContext, outage: Outage
) -> None:
    StatusUpdates(ctx).post(outage.incident.id, UpdateDraft(Audience.INTERNAL, BODY))
    assert IncidentReads(ctx).detail(outage.incident.id).public_message == ""


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"what_happened": "  "}, "what_happened"),
        ({"current_impact": ""}, "current_impact"),
    ],
)
def test_an_update_needs_what_happened_and_the_impact(
    ctx: ServiceContext, outage: Outage, change: dict[str, str], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        StatusUpdates(ctx).post(
            outage.incident.id,
            UpdateDraft(Audience.ALL_USERS, replace(BODY, **change)),
        )
    assert refused.value.field == field


def test_a_next_update_in_the_past_is_refused(
    ctx: ServiceContext, clock: ManualClock, outage: Outage
) -> None:
    past = clock.now() - timedelta(minutes=1)
    with pytest.raises(InvalidInput, match="later than now"):
        StatusUpdates(ctx).post(
            outage.incident.id,
            UpdateDraft(Audience.ALL_USERS, replace(BODY, next_update_at=past)),
        )


def test_a_resolved_incident_takes_no_more_updates(ctx: ServiceContext, outage: Outage) -> None:
    commands = IncidentCommands(ctx)
    started = commands.transition(outage.incident.id, outage.incident.version, Status.IN_PROGRESS)
    commands.transition(started.id, started.version, Status.RESOLVED, resolution="Fixed.")
    with pytest.raises(InvalidInput, match="reopen it"):
        StatusUpdates(ctx).post(outage.incident.id, UpdateDraft(Audience.ALL_USERS, BODY))


def test_webhooks_get_slack_and_teams_json(
    ctx: ServiceContext, outage: Outage, tmp_path: Path
) -> None:
    with WebhookServer() as server:
        config = write_config(tmp_path, server.url("/slack"), server.url("/teams"))
        updates = StatusUpdates(ctx, config, FAST)
        posted = updates.post(outage.incident.id, UpdateDraft(Audience.ALL_USERS, BODY))
        assert updates.webhook_targets(posted.update.id) == (
            "Slack #major-incidents",
            "Teams IT status",
        )
        report = updates.deliver_webhooks(posted.update.id)
    assert not report.failed
    assert report.summary == "Sent to Slack #major-incidents, Teams IT status."
    slack, teams = sorted(server.requests, key=lambda r: r.path)
    title = f"[Update 1] {outage.incident.number}: Email down for all users"
    assert slack.path == "/slack"
    assert slack.json["text"] == posted.update.text
    assert slack.json["blocks"][0]["text"]["text"] == title
    fields = [f["text"] for f in slack.json["blocks"][1]["fields"]]
    assert "*Audience*\nAll users" in fields
    assert "*Services*\nEmail: Major outage" in fields
    assert slack.json["blocks"][2]["text"]["text"] == f"*What happened*\n{BODY.what_happened}"
    card = teams.json["attachments"][0]["content"]
    assert card["type"] == "AdaptiveCard"
    assert card["body"][0]["text"] == title
    timeline = WarRoomReads(ctx).snapshot(outage.incident.id).timeline
    deliveries = sorted(e.summary for e in timeline if e.kind == "delivery")
    assert deliveries == [
        "Update 1 sent to Slack #major-incidents",
        "Update 1 sent to Teams IT status",
    ]


def test_a_failed_delivery_says_why_keeps_the_update_and_can_be_retried(
    ctx: ServiceContext, outage: Outage, tmp_path: Path
) -> None:
    with WebhookServer(default=500) as server:
        config = write_config(tmp_path, server.url("/slack"), server.url("/teams"))
        updates = StatusUpdates(ctx, config, FAST)
        posted = updates.post(outage.incident.id, UpdateDraft(Audience.INTERNAL, BODY))
        report = updates.deliver_webhooks(posted.update.id)  # internal: Slack only
        assert [r.target for r in report.failed] == ["Slack #major-incidents"]
        assert "HTTP 500" in report.failed[0].message
        assert "tried 2 times" in report.failed[0].message
        assert "The update itself is saved; press Retry" in report.summary
        # The update was saved before delivery was tried: it is in the history, due time moved.
        snapshot = WarRoomReads(ctx).snapshot(outage.incident.id)
        assert [u.id for u in snapshot.updates] == [posted.update.id]
        assert snapshot.incident.next_update_due == posted.next_update_due
        assert snapshot.timeline[0].summary.startswith(
            "Update 1 not sent to Slack #major-incidents: 127.0.0.1"
        )
        server.set_default(200)
        retried = updates.deliver_webhooks(posted.update.id, only=["Slack #major-incidents"])
    assert not retried.failed
    assert len(server.requests) == 3
    assert server.requests[-1].json == server.requests[0].json  # the same update, resent


def test_a_webhook_url_missing_from_the_keyring_is_a_failed_delivery_not_a_crash(
    ctx: ServiceContext, outage: Outage, tmp_path: Path
) -> None:
    config = tmp_path / "war-room.toml"
    config.write_text(
        '[[webhook]]\nname = "Teams"\nurl = "keyring:calmdesk-test-nobody-stored-this"\n',
        encoding="utf-8",
    )
    updates = StatusUpdates(ctx, config, FAST)
    posted = updates.post(outage.incident.id, UpdateDraft(Audience.ALL_USERS, BODY))
    (result,) = updates.deliver_webhooks(posted.update.id).results
    assert not result.delivered
    assert "keyring" in result.message


def test_the_mailto_link_goes_to_the_audience_list_with_the_update(
    ctx: ServiceContext, outage: Outage, tmp_path: Path
) -> None:
    config = write_config(tmp_path, "https://chat.example/a", "https://chat.example/b")
    updates = StatusUpdates(ctx, config)
    posted = updates.post(outage.incident.id, UpdateDraft(Audience.ALL_USERS, BODY))
    link = updates.mailto(posted.update.id)
    parts = urlsplit(link.url)
    assert unquote(parts.path) == "all-staff@example.com,contractors@example.com"
    query = parse_qs(parts.query)
    assert query["subject"] == [posted.update.subject]
    assert query["body"] == [posted.update.text.replace("\n", "\r\n")]
    internal = updates.post(outage.incident.id, UpdateDraft(Audience.INTERNAL, BODY))
    assert updates.mailto(internal.update.id).url.startswith("mailto:?subject=")
