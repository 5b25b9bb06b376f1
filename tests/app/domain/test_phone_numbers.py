"""One caller however their number is written: the E.164 rule, fed many spellings."""

from __future__ import annotations

import pytest

from app.domain.phone_numbers import (
    display_phone,
    looks_like_number,
    normalise_phone,
    strip_scheme,
    valid_region,
)

LONDON = "+442079460000"


@pytest.mark.parametrize(
    "written",
    [
        "+44 20 7946 0000",
        "020 7946 0000",
        "0044-20-7946-0000",
        "0044 20 7946 0000",
        "+44 (0)20 7946 0000",
        "(020) 7946-0000",
        "020.7946.0000",
        "02079460000",
        "+442079460000",
        "  +44\u00a020\u00a07946\u00a00000  ",
        "tel:+44-20-7946-0000",
        "tel:+44-20-7946-0000;ext=12",
        "tel:020%207946%200000",
        "callto:+442079460000",
        "callto://+442079460000",
        "TEL:%2B44 20 7946 0000",
    ],
)
def test_every_spelling_of_a_london_number_is_the_same_caller(written: str) -> None:
    assert normalise_phone(written, "GB") == LONDON


@pytest.mark.parametrize(
    ("written", "region", "e164"),
    [
        ("(202) 555-0143", "US", "+12025550143"),
        ("202-555-0143", "US", "+12025550143"),
        ("011 44 20 7946 0000", "US", LONDON),  # the US exit code, not the UK's
        ("+1 202 555 0143", "GB", "+12025550143"),  # a country code beats the default region
        ("030 1234567", "DE", "+49301234567"),
        ("0049 30 1234567", "de", "+49301234567"),  # the region in any case
    ],
)
def test_the_default_region_reads_numbers_written_the_local_way(
    written: str, region: str, e164: str
) -> None:
    assert normalise_phone(written, region) == e164


def test_a_local_number_without_a_known_region_is_no_key() -> None:
    assert normalise_phone("020 7946 0000", "") is None
    assert normalise_phone("020 7946 0000", "XX") is None  # no such region: treated as none
    assert normalise_phone("+44 20 7946 0000", "") == LONDON


@pytest.mark.parametrize(
    "text",
    ["", "1234", "Anna Schmidt", "anna@example.com", "INC0001234", "+44 20 79x6 0000", "++++"],
)
def test_names_addresses_and_fragments_are_no_number(text: str) -> None:
    assert normalise_phone(text, "GB") is None


def test_link_schemes_are_stripped_and_only_numbers_look_like_numbers() -> None:
    assert strip_scheme("tel:+1-202-555-0143;phone-context=example.com") == "+1-202-555-0143"
    assert strip_scheme("Anna Schmidt") == "Anna Schmidt"
    assert looks_like_number("020 7946 0000")
    assert not looks_like_number("7946")
    assert valid_region("gb")
    assert not valid_region("ZZ")


def test_an_e164_number_is_shown_the_international_way() -> None:
    assert display_phone(LONDON) == "+44 20 7946 0000"
    assert display_phone("not a number") == "not a number"
