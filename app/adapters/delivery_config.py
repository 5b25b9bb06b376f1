"""Where war-room status updates go: e-mail distribution lists and chat webhooks, per audience.

Read from `war-room.toml` in the profile's config folder (next to settings.json):

    [mail]
    internal = ["it-major@example.com"]
    stakeholders = ["it-managers@example.com"]
    all_users = ["all-staff@example.com"]

    [[webhook]]
    name = "Slack #major-incidents"
    url = "https://hooks.slack.com/services/T000/B000/XXXX"
    format = "slack"                        # slack | teams
    audiences = ["internal", "stakeholders"] # optional: every audience when left out

A webhook URL is a secret (anyone holding it can post); `url = "keyring:NAME"` reads it from the
OS keyring (service "Calmdesk webhooks", user NAME) instead of this file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlsplit

from app.domain.errors import CalmdeskError
from app.domain.status_update import Audience

FILE_NAME = "war-room.toml"
KEYRING_SERVICE = "Calmdesk webhooks"
KEYRING_PREFIX = "keyring:"


class DeliveryConfigError(CalmdeskError):
    """war-room.toml cannot be used; the message names the file and what to fix."""


class WebhookFormat(StrEnum):
    SLACK = "slack"
    TEAMS = "teams"


@dataclass(frozen=True)
class WebhookTarget:
    name: str
    url: str  # as written: a URL, or keyring:NAME
    format: WebhookFormat
    audiences: frozenset[Audience]

    @property
    def from_keyring(self) -> bool:
        return self.url.startswith(KEYRING_PREFIX)


@dataclass(frozen=True)
class DeliveryConfig:
    source: str = ""  # the file it came from, for messages
    mail: dict[Audience, tuple[str, ...]] = field(default_factory=dict)
    webhooks: tuple[WebhookTarget, ...] = ()

    def recipients(self, audience: Audience) -> tuple[str, ...]:
        return self.mail.get(audience, ())

    def webhooks_for(self, audience: Audience) -> tuple[WebhookTarget, ...]:
        return tuple(w for w in self.webhooks if audience in w.audiences)


def config_path(config_dir: Path) -> Path:
    return config_dir / FILE_NAME


def load_delivery_config(path: Path) -> DeliveryConfig:
    """The configuration in `path`; an empty one when the file does not exist."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return DeliveryConfig(source=str(path))
    except OSError as exc:
        raise DeliveryConfigError(f"{path}: cannot be read ({exc.strerror}).") from None
    except UnicodeDecodeError:
        raise DeliveryConfigError(f"{path}: is not UTF-8 text. Save it as UTF-8.") from None
    return parse_delivery_config(text, str(path))


def parse_delivery_config(text: str, source: str) -> DeliveryConfig:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DeliveryConfigError(f"{source}: not valid TOML ({exc}).") from None
    except RecursionError:  # tomllib recurses once per nested array or table
        raise DeliveryConfigError(
            f"{source}: not valid TOML (its values nest too deeply)."
        ) from None
    mail = _mail(data.get("mail", {}), source)
    raw_hooks = data.get("webhook", [])
    if not isinstance(raw_hooks, list):
        raise DeliveryConfigError(f"{source}: write each webhook as a [[webhook]] table.")
    hooks = tuple(_webhook(raw, n, source) for n, raw in enumerate(raw_hooks, start=1))
    return DeliveryConfig(source=source, mail=mail, webhooks=hooks)


def _mail(raw: object, source: str) -> dict[Audience, tuple[str, ...]]:
    if not isinstance(raw, dict):
        raise DeliveryConfigError(f"{source}: [mail] must be a table of audience = [addresses].")
    lists: dict[Audience, tuple[str, ...]] = {}
    for key, addresses in raw.items():
        audience = _audience(key, f"{source}: [mail]")
        if not isinstance(addresses, list) or not all(isinstance(a, str) for a in addresses):
            raise DeliveryConfigError(
                f'{source}: [mail] {key} must be a list of addresses, like ["a@example.com"].'
            )
        for address in addresses:
            check_address(address, f"{source}: [mail] {key}")
        lists[audience] = tuple(a.strip() for a in addresses)
    return lists


def _webhook(raw: object, number: int, source: str) -> WebhookTarget:
    where = f"{source}: webhook {number}"
    if not isinstance(raw, dict):
        raise DeliveryConfigError(f"{where} must be a [[webhook]] table.")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise DeliveryConfigError(f'{where} needs a name, like name = "Slack #major-incidents".')
    where = f"{source}: webhook {name.strip()!r}"
    url = raw.get("url")
    if not isinstance(url, str) or not url.strip():
        raise DeliveryConfigError(f'{where} needs a url (or url = "keyring:NAME").')
    url = url.strip()
    if not url.startswith(KEYRING_PREFIX):
        check_url(url, where)
    try:
        kind = WebhookFormat(raw.get("format", WebhookFormat.SLACK.value))
    except ValueError:
        raise DeliveryConfigError(f'{where}: format must be "slack" or "teams".') from None
    wanted = raw.get("audiences", [a.value for a in Audience])
    if not isinstance(wanted, list) or not wanted:
        raise DeliveryConfigError(f'{where}: audiences must be a list, like ["internal"].')
    audiences = frozenset(_audience(a, where) for a in wanted)
    return WebhookTarget(name=name.strip(), url=url, format=kind, audiences=audiences)


def _audience(value: object, where: str) -> Audience:
    try:
        return Audience(str(value))
    except ValueError:
        allowed = ", ".join(a.value for a in Audience)
        raise DeliveryConfigError(f"{where}: unknown audience {value!r}; use {allowed}.") from None


def check_address(address: str, where: str) -> None:
    text = address.strip()
    local, at, domain = text.partition("@")
    if not at or not local or "." not in domain or any(c in text for c in " ,;<>\"'"):
        raise DeliveryConfigError(f"{where}: {address!r} is not an e-mail address.")


def check_url(url: str, where: str) -> None:
    """Refuse anything but an http(s) URL, naming it by its host only (see shown_url)."""
    try:
        parts = urlsplit(url)
    except ValueError:  # a malformed [IPv6] host
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise DeliveryConfigError(
            f"{where}: {shown_url(url)!r} is not an http(s) URL; write it as https://host/..."
        )


def shown_url(url: str) -> str:
    """A webhook URL as a message may show it: the scheme and host, never the user, path, query
    or fragment, where the token that makes the URL a secret lives."""
    scheme, separator, rest = url.partition("://")
    if not separator:
        scheme, rest = "", url
    ends = [index for index in (rest.find(c) for c in "/?#") if index >= 0]
    end = min(ends, default=len(rest))
    host = rest[:end].rpartition("@")[2]
    return f"{scheme}{separator}{host}" + ("/…" if end < len(rest) else "")


def resolve_url(target: WebhookTarget) -> str:
    """The URL to post to, read from the keyring when the file says keyring:NAME."""
    if not target.from_keyring:
        return target.url
    account = target.url.removeprefix(KEYRING_PREFIX).strip()
    import keyring  # only when a webhook asks for it: keyring probes backends on import
    import keyring.errors

    try:
        secret = keyring.get_password(KEYRING_SERVICE, account)
    except keyring.errors.KeyringError as exc:
        raise DeliveryConfigError(
            f"Cannot read the URL of webhook {target.name!r} from the keyring: {exc}."
        ) from None
    if not secret:
        raise DeliveryConfigError(
            f"The keyring holds no URL for webhook {target.name!r}: store it under service "
            f"{KEYRING_SERVICE!r}, user {account!r}."
        )
    check_url(secret, f"webhook {target.name!r} (from the keyring)")
    return secret
