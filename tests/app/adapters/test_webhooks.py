"""Chat webhooks against a real HTTP server on 127.0.0.1: the payloads Slack and Teams take, and
retries that stop at the right moment with a message that says what to do."""

from __future__ import annotations

import socket

import pytest

from app.adapters.delivery_config import WebhookFormat
from app.adapters.webhooks import (
    ChatMessage,
    RetryPolicy,
    WebhookError,
    payload_for,
    post_json,
    slack_payload,
    teams_payload,
)
from tests.app.adapters.webhook_server import WebhookServer

FAST = RetryPolicy(timeout=2.0, attempts=3, backoff=0.0)

MESSAGE = ChatMessage(
    title="[Update 2] INC0000201: Email down for all users",
    facts=(("Audience", "All users"), ("ETA", "10:30")),
    sections=(("What happened", "Sign-in to mail fails <since 8:05> & more"),),
    text="plain text of the update",
)


def test_slack_payload_has_fallback_text_and_blocks() -> None:
    payload = slack_payload(MESSAGE)
    assert payload["text"] == "plain text of the update"
    header, facts, section, context = payload["blocks"]
    assert header == {
        "type": "header",
        "text": {"type": "plain_text", "text": "[Update 2] INC0000201: Email down for all users"},
    }
    assert facts["fields"][0] == {"type": "mrkdwn", "text": "*Audience*\nAll users"}
    # Slack's mrkdwn control characters are escaped, so user text cannot make links.
    assert section["text"]["text"] == (
        "*What happened*\nSign-in to mail fails &lt;since 8:05&gt; &amp; more"
    )
    assert context["type"] == "context"


def test_teams_payload_is_one_adaptive_card() -> None:
    payload = teams_payload(MESSAGE)
    assert payload["type"] == "message"
    (attachment,) = payload["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    assert card["body"][0]["text"] == MESSAGE.title
    assert card["body"][1] == {
        "type": "FactSet",
        "facts": [{"title": "Audience", "value": "All users"}, {"title": "ETA", "value": "10:30"}],
    }
    texts = [block["text"] for block in card["body"][2:]]
    assert texts == ["What happened", "Sign-in to mail fails <since 8:05> & more"]


def test_a_message_is_posted_as_utf8_json() -> None:
    with WebhookServer() as server:
        status = post_json(server.url("/services/T1/B2"), payload_for(WebhookFormat.SLACK, MESSAGE))
    assert status == 200
    (received,) = server.requests
    assert received.path == "/services/T1/B2"
    assert received.headers["Content-Type"] == "application/json; charset=utf-8"
    assert received.headers["User-Agent"].startswith("Calmdesk/")
    assert received.json == slack_payload(MESSAGE)


def test_a_server_error_is_retried_until_it_passes() -> None:
    waits: list[float] = []
    with WebhookServer(statuses=[500, 503]) as server:
        status = post_json(server.url(), {"text": "x"}, RetryPolicy(2.0, 3, 1.5), waits.append)
    assert status == 200
    assert len(server.requests) == 3
    assert waits == [1.5, 3.0]  # backing off


def test_a_server_that_keeps_failing_gives_up_with_a_clear_message() -> None:
    with WebhookServer(default=502) as server, pytest.raises(WebhookError) as failed:
        post_json(server.url("/secret-token"), {"text": "x"}, FAST)
    assert len(server.requests) == 3
    message = str(failed.value)
    assert "HTTP 502" in message
    assert "tried 3 times" in message
    assert "127.0.0.1" in message
    assert "secret-token" not in message  # the URL is a secret: only the host is named


def test_a_refused_url_is_not_retried() -> None:
    with WebhookServer(default=404) as server, pytest.raises(WebhookError) as failed:
        post_json(server.url(), {"text": "x"}, FAST)
    assert len(server.requests) == 1
    assert "HTTP 404" in str(failed.value)
    assert "war-room.toml" in str(failed.value)


def test_too_many_requests_is_retried() -> None:
    with WebhookServer(statuses=[429]) as server:
        assert post_json(server.url(), {"text": "x"}, FAST) == 200
    assert len(server.requests) == 2


def test_nobody_listening_says_it_cannot_be_reached() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago, now closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(WebhookError, match=r"cannot be reached .*tried 2 times"):
        post_json(f"http://127.0.0.1:{port}/hook", {"text": "x"}, RetryPolicy(2.0, 2, 0.0))


def test_a_server_that_never_answers_times_out() -> None:
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        port = silent.getsockname()[1]
        with pytest.raises(WebhookError, match=r"did not answer within 0.3 s \(tried once\)"):
            post_json(f"http://127.0.0.1:{port}/hook", {"text": "x"}, RetryPolicy(0.3, 1, 0.0))
