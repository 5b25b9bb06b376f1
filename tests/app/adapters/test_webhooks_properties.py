"""Posting to any URL war-room.toml lets through: an HTTP status, or a WebhookError that names
the host only, never the token in the URL's path or query. Against a real server on 127.0.0.1
(and hosts that fail before any lookup), so no example leaves the machine."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.adapters.delivery_config import DeliveryConfigError, check_url
from app.adapters.webhooks import RetryPolicy, WebhookError, post_json
from tests.app.adapters.webhook_server import WebhookServer
from tests.properties import TRICKY_TEXT, assert_clear_refusal

ONCE = RetryPolicy(timeout=2.0, attempts=2, backoff=0.0)
TOKENS = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=12).map(lambda t: f"tok{t}")
# Hosts that fail before any name lookup: a label IDNA cannot encode, a broken [IPv6], ports
# that are not ports.
BROKEN_HOSTS = ["é" * 70, "[::1", "127.0.0.1:notaport", "127.0.0.1:99999", "xn--é.example"]


@pytest.fixture(scope="module")
def server() -> Iterator[WebhookServer]:
    with WebhookServer() as running:
        yield running


def _no_sleep(_seconds: float) -> None:
    pass


def _post(url: str, token: str) -> None:
    try:
        check_url(url, "webhook 'Chat'")
    except DeliveryConfigError:
        return  # war-room.toml refuses it before anything is sent (its own properties)
    try:
        status = post_json(url, {"text": "Email is down"}, ONCE, _no_sleep)
    except WebhookError as failed:
        assert_clear_refusal(failed, token)
    else:
        assert 200 <= status < 300


@given(path=TRICKY_TEXT, token=TOKENS)
def test_any_path_is_posted_or_refused_without_showing_the_token(
    server: WebhookServer, path: str, token: str
) -> None:
    _post(server.url(f"/services/{token}/{path}"), token)


@given(host=st.sampled_from(BROKEN_HOSTS), tail=TRICKY_TEXT, token=TOKENS)
def test_a_broken_host_is_refused_without_showing_the_token(
    host: str, tail: str, token: str
) -> None:
    _post(f"https://{host}/services/{token}{tail}", token)


@pytest.mark.parametrize(
    "url",
    [
        "https://" + "é" * 70 + "/services/tokSECRET",  # IDNA: label too long
        "http://127.0.0.1:1/services/tokSECRET/café",  # http.client sends ASCII only
    ],
)
def test_a_url_python_cannot_send_is_a_webhook_error(url: str) -> None:
    with pytest.raises(WebhookError) as failed:
        post_json(url, {"text": "x"}, ONCE, _no_sleep)
    message = assert_clear_refusal(failed.value, "tokSECRET")
    assert "war-room.toml" in message
