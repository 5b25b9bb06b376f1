"""war-room.toml, whatever an administrator writes: a delivery configuration, or a
DeliveryConfigError naming the file, and never the path or token of a webhook URL (a secret)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import keyring
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.adapters.delivery_config import (
    KEYRING_SERVICE,
    DeliveryConfig,
    DeliveryConfigError,
    WebhookTarget,
    check_url,
    load_delivery_config,
    parse_delivery_config,
    resolve_url,
)
from app.domain.status_update import Audience
from tests.properties import (
    ANY_TEXT,
    TRICKY_TEXT,
    assert_clear_refusal,
    toml_table,
    toml_value,
    toml_values,
)

SOURCE = "war-room.toml"
SHARED_FOLDER = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
# The secret part of a webhook URL (Slack's /services/T.../B.../token), distinct enough that
# finding it in a message cannot be a coincidence.
TOKENS = st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=12).map(
    lambda t: f"tok{t}"
)
HOSTS = st.sampled_from(
    ["hooks.slack.com", "example.org:8443", "[::1]", "[::1", "::1]", "", "user:pw@x.example"]
)
SCHEMES = st.sampled_from(["https://", "http://", "ftp://", "htps://", "https:/", "", "keyring:"])
AUDIENCE_NAMES = st.sampled_from([a.value for a in Audience]) | ANY_TEXT


def _parse(text: str) -> DeliveryConfig | None:
    try:
        return parse_delivery_config(text, SOURCE)
    except DeliveryConfigError as refused:
        assert_clear_refusal(refused, naming=SOURCE)
        return None


@given(TRICKY_TEXT)
def test_any_text_is_a_configuration_or_a_clear_refusal(text: str) -> None:
    config = _parse(text)
    assert config is None or isinstance(config, DeliveryConfig)


@given(
    mail=st.dictionaries(AUDIENCE_NAMES, toml_values() | st.lists(ANY_TEXT), max_size=3),
    hooks=st.lists(
        st.dictionaries(
            st.sampled_from(["name", "url", "format", "audiences", "colour"]),
            toml_values() | st.lists(AUDIENCE_NAMES, max_size=3),
        ),
        max_size=3,
    ),
)
def test_values_of_the_wrong_type_are_refused_clearly(
    mail: dict[str, Any], hooks: list[dict[str, Any]]
) -> None:
    text = "[mail]\n" + toml_table(mail)
    text += "".join("[[webhook]]\n" + toml_table(hook) for hook in hooks)
    config = _parse(text)
    if config is not None:
        assert set(config.mail) <= set(Audience)
        assert all(isinstance(hook, WebhookTarget) and hook.audiences for hook in config.webhooks)


@given(scheme=SCHEMES, host=HOSTS, token=TOKENS, tail=st.sampled_from(["", "?x=1", "#top"]))
def test_a_webhook_url_is_checked_without_showing_its_token(
    scheme: str, host: str, token: str, tail: str
) -> None:
    url = f"{scheme}{host}/services/T0/B0/{token}{tail}"
    text = f'[[webhook]]\nname = "Chat"\nurl = {toml_value(url)}\n'
    try:
        config = parse_delivery_config(text, SOURCE)
    except DeliveryConfigError as refused:
        assert_clear_refusal(refused, token)
    else:
        (hook,) = config.webhooks
        assert hook.url == url
        if not hook.from_keyring:
            parts = urlsplit(url)
            assert parts.scheme in ("http", "https")
            assert parts.netloc


@SHARED_FOLDER
@given(scheme=SCHEMES, host=HOSTS, token=TOKENS)
def test_a_url_from_the_keyring_is_checked_without_showing_it(
    file_keyring: Path, scheme: str, host: str, token: str
) -> None:
    secret = f"{scheme}{host}/services/T0/B0/{token}"
    keyring.set_password(KEYRING_SERVICE, "teams-it", secret)
    target = parse_delivery_config(
        '[[webhook]]\nname = "Teams"\nurl = "keyring:teams-it"\n', SOURCE
    ).webhooks[0]
    try:
        assert resolve_url(target) == secret
    except DeliveryConfigError as refused:
        assert_clear_refusal(refused, token)


@SHARED_FOLDER
@given(content=st.binary(max_size=200) | TRICKY_TEXT.map(lambda t: t.encode()))
def test_any_file_is_a_configuration_or_a_refusal_naming_it(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / SOURCE
    path.write_bytes(content)
    try:
        config = load_delivery_config(path)
    except DeliveryConfigError as refused:
        assert_clear_refusal(refused, naming=str(path))
    else:
        assert config.source == str(path)


def test_a_file_that_is_not_utf8_is_refused_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / SOURCE
    path.write_bytes('[mail]\ninternal = ["caf\xe9@example.com"]\n'.encode("latin-1"))
    with pytest.raises(DeliveryConfigError) as refused:
        load_delivery_config(path)
    assert assert_clear_refusal(refused.value) == f"{path}: is not UTF-8 text. Save it as UTF-8."


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("https://[::1/services/T0/B0/tokSECRET", "is not an http(s) URL"),  # urlsplit raised
        ("ftp://hooks.example/services/T0/B0/tokSECRET", "'ftp://hooks.example/…'"),
        ("hooks.slack.com/services/T0/B0/tokSECRET", "is not an http(s) URL"),
    ],
)
def test_a_wrong_url_is_named_by_its_host_only(url: str, says: str) -> None:
    with pytest.raises(DeliveryConfigError) as refused:
        check_url(url, "webhook 'Chat'")
    message = assert_clear_refusal(refused.value, "tokSECRET")
    assert says in message


def test_deeply_nested_toml_is_refused_not_crashed() -> None:
    with pytest.raises(DeliveryConfigError) as refused:
        parse_delivery_config("[mail]\ninternal = " + "[" * 5000 + "]" * 5000, SOURCE)
    assert "not valid TOML" in assert_clear_refusal(refused.value)
