"""Posting a status update to chat: Slack incoming webhooks and Microsoft Teams workflows.

Slack gets `text` (the notification and fallback) plus Block Kit blocks; Teams gets a message
with one Adaptive Card, the shape Teams' "post to a channel when a webhook request is received"
workflow expects. Delivery retries what may pass on a second try (no answer, 429, 5xx) and
refuses at once what will not (a 4xx: a wrong or revoked URL, a certificate that cannot be
verified, a redirect to another host). Every attempt has a deadline for the whole exchange.
Messages name the host only: the full URL of a webhook is a secret, and no exception raised here
carries it (nor its path or token) into a log or a crash report.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from app import __version__
from app.adapters.delivery_config import WebhookFormat
from app.domain.errors import CalmdeskError

TIMEOUT_SECONDS = 10.0
ATTEMPTS = 3
BACKOFF_SECONDS = 2.0  # doubled after each failed attempt
RETRY_AFTER_CAP = 30.0
MAX_REDIRECTS = 3
MAX_ANSWER_BYTES = 65_536  # a chat service answers "ok"; more is not read
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_HEADERS = {
    "Content-Type": "application/json; charset=utf-8",
    "User-Agent": f"Calmdesk/{__version__}",
}
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
    timeout: float = TIMEOUT_SECONDS  # per attempt, all of it: connecting, sending, the answer
    attempts: int = ATTEMPTS
    backoff: float = BACKOFF_SECONDS  # before the second attempt; doubled after each failure


class _Retry(Exception):
    """An attempt failed in a way a later one may not: `problem` says how (no secrets)."""

    def __init__(self, problem: str, retry_after: float | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.retry_after = retry_after


def post_json(
    url: str,
    payload: dict[str, Any],
    policy: RetryPolicy = RetryPolicy(),
    sleep: Callable[[float], None] = time.sleep,
    tls: ssl.SSLContext | None = None,
) -> int:
    """POST `payload` as JSON; returns the HTTP status. Raises WebhookError once every attempt
    failed, or at once for an answer a retry cannot change.

    HTTPS certificates are verified (`tls`: the trusted authorities; the system's by default);
    each attempt ends by `policy.timeout` however slowly the server dribbles its answer; a
    redirect is followed only to the same scheme, host and port (307/308, which keep the
    POST). Messages name the host only, and no exception carries the URL onwards."""
    timeout, attempts, backoff = policy.timeout, max(1, policy.attempts), policy.backoff
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    host = _host(url)
    context = tls if tls is not None else ssl.create_default_context()
    wait = backoff
    problem = ""
    for attempt in range(1, attempts + 1):
        try:
            return _post_following(url, data, timeout, context)
        except _Retry as retry:
            problem = retry.problem
            if attempt < attempts:
                pause = retry.retry_after
                sleep(min(pause, RETRY_AFTER_CAP) if pause is not None else wait)
                wait *= 2
    tries = "once" if attempts == 1 else f"{attempts} times"
    raise WebhookError(f"{host} {problem} (tried {tries}).")


def _post_following(url: str, data: bytes, timeout: float, context: ssl.SSLContext) -> int:
    """One attempt, following same-origin 307/308 redirects (a few at most)."""
    target = url
    for _hop in range(MAX_REDIRECTS + 1):
        status, location = _post_once(target, data, timeout, context)
        if status not in _REDIRECTS:
            return status
        target = _same_origin_redirect(url, target, status, location)
    raise WebhookError(
        f"{_host(url)} redirected the message more than {MAX_REDIRECTS} times. Check the "
        "webhook URL in war-room.toml."
    )


def _same_origin_redirect(url: str, current: str, status: int, location: str | None) -> str:
    host = _host(url)
    try:
        target = urljoin(current, location or "")
        here, there = urlsplit(current), urlsplit(target)
        same = (here.scheme, here.hostname, here.port) == (there.scheme, there.hostname, there.port)
    except ValueError:
        target, same, there = "", False, None
    if not location or not same:
        elsewhere = _host(target) if there is not None and there.hostname else "another address"
        raise WebhookError(
            f"{host} answered with a redirect (HTTP {status}) to {elsewhere}. Calmdesk sends a "
            "webhook to no other host than the one configured: check the URL in war-room.toml."
        )
    if status not in (307, 308):  # the others would turn the POST into a GET
        raise WebhookError(
            f"{host} answered with a redirect (HTTP {status}) that drops the message. Put the "
            "address it points to in war-room.toml."
        )
    return target


def _post_once(
    url: str, data: bytes, timeout: float, context: ssl.SSLContext
) -> tuple[int, str | None]:
    """POST once; (status, Location) for a success or a redirect. Raises _Retry for what may
    pass, WebhookError for what will not."""
    host = _host(url)
    connection = _connection(url, timeout, context)
    expired = threading.Event()

    def give_up() -> None:  # the whole attempt's deadline: a slow dribble cannot outlast it
        expired.set()
        sock = connection.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    timer = threading.Timer(timeout, give_up)
    timer.daemon = True
    timer.start()
    try:
        parts = urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("POST", path, body=data, headers=_HEADERS)
        with connection.getresponse() as response:
            response.read(MAX_ANSWER_BYTES)
            status, location = response.status, response.getheader("Location")
            retry_after = _retry_after(response.getheader("Retry-After"))
    except ssl.SSLCertVerificationError as exc:
        raise WebhookError(
            f"{host} presented a certificate that cannot be trusted ({exc.verify_message}). "
            "Calmdesk sends nothing to a server it cannot verify: check the URL, or ask who "
            "runs that server for a valid certificate."
        ) from None
    except (TimeoutError, OSError, http.client.HTTPException) as exc:
        if expired.is_set() or isinstance(exc, TimeoutError):
            raise _Retry(f"did not answer within {timeout:g} s") from None
        if isinstance(exc, http.client.HTTPException):
            raise _Retry(f"dropped the connection ({type(exc).__name__})") from None
        if isinstance(exc, ssl.SSLError):
            raise _Retry(f"failed the secure connection ({exc.reason or 'TLS error'})") from None
        raise _Retry(f"cannot be reached ({exc.strerror or type(exc).__name__})") from None
    except (ValueError, UnicodeError):  # http.client refuses the URL before sending
        raise _unusable(host) from None
    finally:
        timer.cancel()
        connection.close()
    if status in _REDIRECTS or 200 <= status < 300:
        return status, location
    reason = f"HTTP {status} ({http.client.responses.get(status, 'unknown')})"
    if status == 429 or status >= 500:
        raise _Retry(f"answered {reason}", retry_after)
    raise WebhookError(
        f"{host} refused the message with {reason}. The webhook URL may be wrong or revoked: "
        "check it in war-room.toml."
    )


def _connection(url: str, timeout: float, context: ssl.SSLContext) -> http.client.HTTPConnection:
    host = _host(url)
    try:
        parts = urlsplit(url)
        name, port = parts.hostname, parts.port
    except ValueError:
        raise _unusable(host) from None
    if not name or parts.scheme not in ("http", "https"):
        raise _unusable(host)
    if parts.scheme == "https":
        return http.client.HTTPSConnection(name, port, timeout=timeout, context=context)
    return http.client.HTTPConnection(name, port, timeout=timeout)


def _unusable(host: str) -> WebhookError:
    return WebhookError(
        f"The webhook URL for {host} cannot be used: it is not an http(s) URL, or it holds "
        "characters a request cannot carry (letters outside ASCII must be percent-encoded). "
        "Check it in war-room.toml."
    )


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
