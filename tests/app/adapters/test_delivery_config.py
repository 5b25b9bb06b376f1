"""war-room.toml: distribution lists and webhooks per audience, with errors that name the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.adapters.delivery_config import (
    DeliveryConfigError,
    WebhookFormat,
    load_delivery_config,
    parse_delivery_config,
)
from app.domain.status_update import Audience

GOOD = """
[mail]
internal = ["it-major@example.com"]
all_users = ["all-staff@example.com", "contractors@example.com"]

[[webhook]]
name = "Slack #major-incidents"
url = "https://hooks.slack.com/services/T0/B0/X"

[[webhook]]
name = "Teams IT status"
url = "keyring:teams-it"
format = "teams"
audiences = ["stakeholders", "all_users"]
"""


def test_a_missing_file_means_nothing_is_set_up(tmp_path: Path) -> None:
    config = load_delivery_config(tmp_path / "war-room.toml")
    assert config.recipients(Audience.ALL_USERS) == ()
    assert config.webhooks == ()


def test_lists_and_webhooks_are_read_per_audience() -> None:
    config = parse_delivery_config(GOOD, "war-room.toml")
    assert config.recipients(Audience.ALL_USERS) == (
        "all-staff@example.com",
        "contractors@example.com",
    )
    assert config.recipients(Audience.STAKEHOLDERS) == ()
    assert [w.name for w in config.webhooks_for(Audience.INTERNAL)] == ["Slack #major-incidents"]
    slack, teams = config.webhooks_for(Audience.ALL_USERS)
    assert slack.format == WebhookFormat.SLACK  # the default
    assert teams.format == WebhookFormat.TEAMS
    assert teams.from_keyring


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("[mail]\ninternal = [\n", "not valid TOML"),
        ('[mail]\nbosses = ["a@example.com"]\n', "unknown audience 'bosses'"),
        ('[mail]\ninternal = ["not an address"]\n', "'not an address' is not an e-mail address"),
        ('[[webhook]]\nurl = "https://x.example"\n', "webhook 1 needs a name"),
        ('[[webhook]]\nname = "Chat"\nurl = "ftp://x"\n', "'ftp://x' is not an http"),
        ('[[webhook]]\nname = "Chat"\nurl = "https://x.example"\nformat = "irc"\n', "slack"),
    ],
)
def test_mistakes_are_named_with_the_file(text: str, complaint: str, tmp_path: Path) -> None:
    path = tmp_path / "war-room.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DeliveryConfigError) as refused:
        load_delivery_config(path)
    assert str(refused.value).startswith(str(path))
    assert complaint in str(refused.value)


def test_broken_toml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "war-room.toml"
    path.write_text('[mail]\ninternal = ["a@example.com"]\nall_users = "x\n', encoding="utf-8")
    with pytest.raises(DeliveryConfigError, match=r"line 3"):
        load_delivery_config(path)
