"""Outgoing webhooks are careful with their secret: certificates are verified, every attempt
ends by its deadline however slowly the server answers, a redirect never takes the message (or
the URL's secret path) to another host, and no log line or crash report holds the URL's path or
token. All against local HTTP(S) servers."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from app.adapters.crash_report import CrashContext, CrashReports
from app.adapters.webhooks import RetryPolicy, WebhookError, post_json
from tests.app.adapters.webhook_server import WebhookServer, trusting_it
from tests.helpers import outcome_of

ONCE = RetryPolicy(timeout=2.0, attempts=1, backoff=0.0)
SECRET_PATH = "/services/T0CALM/B0DESK/xoxbSecretToken42"
TOKEN = "xoxbSecretToken42"


def test_a_certificate_that_cannot_be_verified_is_refused_before_anything_is_sent() -> None:
    with WebhookServer(tls=True) as server, pytest.raises(WebhookError) as refused:
        post_json(server.url(SECRET_PATH, host="localhost"), {"text": "x"}, ONCE)
    message = str(refused.value)
    assert "certificate that cannot be trusted" in message
    assert "self-signed" in message or "verify" in message
    assert TOKEN not in message
    assert server.requests == []  # not a byte of the message reached it


def test_a_verified_certificate_is_posted_to() -> None:
    with WebhookServer(tls=True) as server:
        url = server.url(SECRET_PATH, host="localhost")
        assert post_json(url, {"text": "x"}, ONCE, tls=trusting_it()) == 200
    (received,) = server.requests
    assert received.json == {"text": "x"}


def test_a_certificate_for_another_name_is_refused() -> None:
    with WebhookServer(tls=True) as server, pytest.raises(WebhookError, match="cannot be trusted"):
        # Trusted, but made out to "localhost", not to 127.0.0.1.
        post_json(server.url(SECRET_PATH), {"text": "x"}, ONCE, tls=trusting_it())
    assert server.requests == []


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_to_another_host_is_not_followed(status: int) -> None:
    with WebhookServer() as elsewhere:
        target = elsewhere.url("/collect", host="localhost")
        with (
            WebhookServer(redirect_to=target, redirect_status=status) as server,
            pytest.raises(WebhookError) as refused,
        ):
            post_json(server.url(SECRET_PATH), {"text": "x"}, RetryPolicy(2.0, 3, 0.0))
    assert elsewhere.requests == []  # neither the message nor a GET went there
    assert len(server.requests) == 1  # and it is not retried
    message = str(refused.value)
    assert f"redirect (HTTP {status}) to localhost:{elsewhere.port}" in message
    assert TOKEN not in message


@pytest.mark.parametrize("status", [307, 308])
def test_a_redirect_on_the_same_host_that_keeps_the_post_is_followed(status: int) -> None:
    with WebhookServer(redirect_to="/hooks/v2", redirect_status=status) as server:
        assert post_json(server.url(SECRET_PATH), {"text": "x"}, ONCE) == 200
    assert [(r.method, r.path) for r in server.requests] == [
        ("POST", SECRET_PATH),
        ("POST", "/hooks/v2"),
    ]
    assert all(r.json == {"text": "x"} for r in server.requests)  # the message went along


def test_a_redirect_to_another_port_of_the_same_machine_is_another_host() -> None:
    with WebhookServer() as other:
        target = other.url("/hooks/v2")
        with (
            WebhookServer(redirect_to=target, redirect_status=308) as server,
            pytest.raises(WebhookError, match=f"to 127.0.0.1:{other.port}"),
        ):
            post_json(server.url(SECRET_PATH), {"text": "x"}, ONCE)
    assert other.requests == []


def test_a_server_that_dribbles_its_answer_is_cut_off_at_the_deadline() -> None:
    """A byte every half second keeps a per-read timeout happy for ever; the attempt's own
    deadline ends it."""
    with WebhookServer(dribble=True) as server:
        policy = RetryPolicy(timeout=1.5, attempts=1, backoff=0.0)
        outcome = outcome_of(lambda: post_json(server.url(SECRET_PATH), {"text": "x"}, policy))
    assert isinstance(outcome, WebhookError)
    assert "did not answer within 1.5 s" in str(outcome)


def test_no_log_line_or_crash_report_holds_the_url_secret(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    failures: list[WebhookError] = []
    caplog.set_level(logging.DEBUG)
    with WebhookServer(default=404) as refusing, WebhookServer(default=503) as failing:
        for url in (
            refusing.url(SECRET_PATH),
            failing.url(SECRET_PATH + "?token=" + TOKEN),
            refusing.url(SECRET_PATH + "\n"),  # a pasted line break: the URL is unusable
            f"https://localhost:{refusing.port}{SECRET_PATH}",  # TLS to a plain HTTP server
            f"ftp://hooks.example.com{SECRET_PATH}",
            f"hooks.example.com{SECRET_PATH}",  # no scheme
        ):
            try:
                post_json(url, {"text": "x"}, ONCE)
            except WebhookError as exc:
                failures.append(exc)
    assert len(failures) == 6
    reports = CrashReports(tmp_path, CrashContext(version="test", database="none"))
    for failure in failures:
        assert TOKEN not in str(failure)
        assert failure.__cause__ is None
        assert failure.__suppress_context__ or failure.__context__ is None
        reports.record(failure, "the war room")
    written = "".join(p.read_text(encoding="utf-8") for p in tmp_path.glob("crash-*.txt"))
    assert "WebhookError" in written
    assert TOKEN not in written
    assert "T0CALM" not in written
    assert TOKEN not in caplog.text
