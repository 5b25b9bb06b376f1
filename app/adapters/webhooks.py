"""Posting a status update to chat: Slack incoming webhooks and Microsoft Teams workflows.

Slack gets `text` (the notification and fallback) plus Block Kit blocks; Teams gets a message
with one Adaptive Card, the shape Teams' "post to a channel when a webhook request is received"
workflow expects. Delivery retries what may pass on a second try (no answer, 429, 5xx) and
refuses at once what will not (a 4xx: a wrong or revoked URL). Messages name the host only:
the full URL of a webhook is a secret.
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from app import __version__
from app.adapters.delivery_config import WebhookFormat
from app.domain.errors import CalmdeskError

TIMEOUT_SECONDS = 10.0
ATTEMPTS = 3
BACKOFF_SECONDS = 2.0  # doubled after each failed attempt
RETRY_AFTER_CAP = 30.0
_SLACK_HEADER_MAX = 150
_SLACK_TEXT_MAX = 2900


class WebhookError(CalmdeskError):
    """The chat service did not take the message; the text says why and what to do."""


@dataclass(frozen=True)
class ChatMessage:
    """An update, laid out for chat."""

    title: str  # "[Update 3] INC0000201: Email down for all users"
    facts: tuple[tuple[str, str], ...]  # short label/value pairs: audience, services, ETA...
    sections: tuple[tuple[str, str], ...]  # the template's paragraphs: label, text
    text: str  # the whole update as plain text
    final: bool = False


def slack_payload(message: ChatMessage) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": _cut(message.title, _SLACK_HEADER_MAX)},
        }
    ]
    if message.facts:
        blocks.append(
            {
                "type": "section",
                "fields": [
                    {"type": "mrkdwn", "text": f"*{_slack(label)}*\n{_slack(value)}"}
                    for label, value in message.facts[:10]
                ],
            }
        )
    for label, text in message.sections:
        body = _cut(f"*{_slack(label)}*\n{_slack(text)}", _SLACK_TEXT_MAX)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": body}})
    blocks.append(
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "Posted from Calmdesk"}]}
    )
    return {"text": message.text, "blocks": blocks}


def teams_payload(message: ChatMessage) -> dict[str, Any]:
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": message.title,
            "weight": "Bolder",
            "size": "Medium",
            "wrap": True,
            "color": "Good" if message.final else "Attention",
        }
    ]
    if message.facts:
        body.append(
            {"type": "FactSet", "facts": [{"title": k, "value": v} for k, v in message.facts]}
        )
    for label, text in message.sections:
        body.append({"type": "TextBlock", "text": label, "weight": "Bolder", "wrap": True})
        body.append({"type": "TextBlock", "text": text, "wrap": True, "spacing": "None"})
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    return {
        "type": "message",
        "summary": message.title,
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


def payload_for(kind: WebhookFormat, message: ChatMessage) -> dict[str, Any]:
    return teams_payload(message) if kind == WebhookFormat.TEAMS else slack_payload(message)


@dataclass(frozen=True)
class RetryPolicy:
    timeout: float = TIMEOUT_SECONDS  # per attempt
    attempts: int = ATTEMPTS
    backoff: float = BACKOFF_SECONDS  # before the second attempt; doubled after each failure


def post_json(
    url: str,
    payload: dict[str, Any],
    policy: RetryPolicy = RetryPolicy(),
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """POST `payload` as JSON; returns the HTTP status. Raises WebhookError once every attempt
    failed, or at once for an answer a retry cannot change."""
    timeout, attempts, backoff = policy.timeout, max(1, policy.attempts), policy.backoff
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    host = _host(url)
    wait = backoff
    problem = ""
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": f"Calmdesk/{__version__}",
    }
    for attempt in range(1, attempts + 1):
        retry_after: float | None = None
        try:
            request = urllib.request.Request(url, data=data, method="POST", headers=headers)
            with urllib.request.urlopen(request, timeout=timeout) as response:
                response.read()
                return int(response.status)
        except urllib.error.HTTPError as exc:
            reason = f"HTTP {exc.code} ({exc.reason})"
            exc.close()
            if exc.code != 429 and exc.code < 500:
                raise WebhookError(
                    f"{host} refused the message with {reason}. The webhook URL may be wrong "
                    "or revoked: check it in war-room.toml."
                ) from None
            problem = f"answered {reason}"
            retry_after = _retry_after(exc.headers.get("Retry-After"))
        except TimeoutError:
            problem = f"did not answer within {timeout:g} s"
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                problem = f"did not answer within {timeout:g} s"
            else:
                why = exc.reason.strerror if isinstance(exc.reason, OSError) else exc.reason
                problem = f"cannot be reached ({why or exc.reason})"
        except (http.client.HTTPException, ConnectionError) as exc:
            problem = f"dropped the connection ({type(exc).__name__})"
        except ValueError as exc:  # urllib and http.client refuse the URL before sending
            why = (
                "it holds characters a request cannot carry: a host name that cannot be "
                "encoded, or letters outside ASCII that must be percent-encoded"
                if isinstance(exc, UnicodeError)
                else "it is not an http(s) URL"
            )
            raise WebhookError(
                f"The webhook URL for {host} cannot be used: {why}. Check it in war-room.toml."
            ) from None
        if attempt < attempts:
            sleep(min(retry_after, RETRY_AFTER_CAP) if retry_after is not None else wait)
            wait *= 2
    tries = "once" if attempts == 1 else f"{attempts} times"
    raise WebhookError(f"{host} {problem} (tried {tries}).")


def _host(url: str) -> str:
    """The host a message may name (the rest of the URL is the secret)."""
    try:
        return urlsplit(url).netloc.rpartition("@")[2] or "the webhook"
    except ValueError:  # a malformed [IPv6] host
        return "the webhook"


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None  # an HTTP date: use our own back-off


def _slack(text: str) -> str:
    # Slack's mrkdwn needs only these three escaped.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
