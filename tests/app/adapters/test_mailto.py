"""mailto: links open the user's mail program with the update ready, encoded per RFC 6068."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

from app.adapters.mailto import SHORTENED, build_mailto


def test_recipients_subject_and_body_are_percent_encoded() -> None:
    link = build_mailto(
        ["it-managers@example.com", "ops+alerts@example.com"],
        "[Update 2] INC0000201: Email & VPN down?",
        "What happened:\nSign-in fails — 50% of users\n\nNext update: by 09:30",
    )
    assert not link.shortened
    assert link.url == (
        "mailto:it-managers@example.com,ops%2Balerts@example.com"
        "?subject=%5BUpdate%202%5D%20INC0000201%3A%20Email%20%26%20VPN%20down%3F"
        "&body=What%20happened%3A%0D%0ASign-in%20fails%20%E2%80%94%2050%25%20of%20users"
        "%0D%0A%0D%0ANext%20update%3A%20by%2009%3A30"
    )


def test_the_link_decodes_back_to_the_same_text() -> None:
    body = "Line one\nLine two: a=b&c=d #hash ?q + plus é"
    link = build_mailto(["a@example.com"], "Sub ject", body)
    parts = urlsplit(link.url)
    assert parts.scheme == "mailto"
    assert unquote(parts.path) == "a@example.com"
    query = parse_qs(parts.query)
    assert query["subject"] == ["Sub ject"]
    assert query["body"] == [body.replace("\n", "\r\n")]
    assert "+" not in link.url.split("?", 1)[1]  # spaces are %20, never "+"


def test_bcc_keeps_a_big_list_private_and_no_recipients_is_allowed() -> None:
    link = build_mailto([], "S", "B", bcc=["all-staff@example.com"])
    assert link.url == "mailto:?bcc=all-staff@example.com&subject=S&body=B"


def test_a_long_body_is_shortened_to_fit_and_says_so() -> None:
    body = "é" * 5000
    link = build_mailto(["a@example.com"], "Subject", body, max_length=1000)
    assert link.shortened
    assert len(link.url) <= 1000
    decoded = parse_qs(urlsplit(link.url).query)["body"][0]
    assert decoded.endswith(SHORTENED.replace("\n", "\r\n"))
    assert decoded.startswith("é" * 10)
