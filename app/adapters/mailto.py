"""`mailto:` links (RFC 6068) that open the user's own mail program with an update ready to send.

Everything after `mailto:` is percent-encoded as UTF-8; line breaks become %0D%0A, spaces %20
(never "+", which mail programs would show as a plus). Some mail programs and Windows refuse
very long links, so the body is shortened past `max_length`, and the link says it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

MAX_LENGTH = 1900  # under the ~2,000 characters some mail programs and Windows accept
SHORTENED = "\n\n[Shortened: the full update is on the clipboard; paste it here.]"


@dataclass(frozen=True)
class MailtoLink:
    url: str
    shortened: bool  # the body did not fit: the caller should put the full text on the clipboard


def _encode(text: str) -> str:
    return quote(text.replace("\r\n", "\n").replace("\n", "\r\n"), safe="")


def _addresses(addresses: Sequence[str]) -> str:
    # "@" may stay literal; anything else unusual (",", "?", "%", "+" ...) is encoded.
    return ",".join(quote(a.strip(), safe="@") for a in addresses if a.strip())


def build_mailto(
    to: Sequence[str],
    subject: str,
    body: str,
    *,
    cc: Sequence[str] = (),
    bcc: Sequence[str] = (),
    max_length: int = MAX_LENGTH,
) -> MailtoLink:
    """A mailto: URL to `to`, with the subject and body encoded; `bcc` keeps a large list of
    recipients from seeing each other."""
    head = f"mailto:{_addresses(to)}"
    fields = [(k, _addresses(v)) for k, v in (("cc", cc), ("bcc", bcc)) if _addresses(v)]
    fields.append(("subject", _encode(subject)))

    def url_with(text: str) -> str:
        query = "&".join(f"{k}={v}" for k, v in [*fields, ("body", _encode(text))])
        return f"{head}?{query}"

    url = url_with(body)
    if len(url) <= max_length:
        return MailtoLink(url, shortened=False)
    # Cut the body (whole characters, so no half-encoded UTF-8) until the link fits.
    low, high = 0, len(body)
    while low < high:
        middle = (low + high + 1) // 2
        if len(url_with(body[:middle].rstrip() + SHORTENED)) <= max_length:
            low = middle
        else:
            high = middle - 1
    return MailtoLink(url_with(body[:low].rstrip() + SHORTENED), shortened=True)
