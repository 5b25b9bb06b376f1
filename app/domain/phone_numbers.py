"""Phone numbers as one caller: however a number is written, its E.164 form is its key.

"+44 20 7946 0000", "020 7946 0000" (with the default region GB) and "0044-20-7946-0000" are
all +442079460000. The default region is the ISO 3166 country a number written without its
country code belongs to (the `phone_region` setting); without one, only numbers written
internationally ("+44...", or "00 44..." where the region's own exit code is 00) normalise.
"""

from __future__ import annotations

# phonenumbers (its metadata for every region) is imported by the functions that parse, when a
# number is first looked up: the console's start, which never does, is spared it.

# The characters a dialled or typed number is allowed beyond its digits: anything else (a
# letter, an e-mail's @) means the text is no phone number.
_DIAL_MARKS = frozenset(" +-./()\u00a0")
_MIN_DIGITS = 5  # fewer than this is an extension or the start of a type-ahead, not a number
_SCHEMES = ("tel:", "callto:", "sip:")


def valid_region(region: str) -> bool:
    """An ISO 3166 region phonenumbers knows ("GB", "US", "DE")."""
    import phonenumbers

    return region.upper() in phonenumbers.SUPPORTED_REGIONS


def strip_scheme(text: str) -> str:
    """The number in a `tel:` / `callto:` link ("tel:+44-20-7946-0000;ext=12" gives
    "+44-20-7946-0000"), or the text itself when it is no link."""
    text = text.strip()
    lowered = text.lower()
    for scheme in _SCHEMES:
        if lowered.startswith(scheme):
            text = text[len(scheme) :].lstrip("/")
            text = text.split(";", 1)[0].split("?", 1)[0].split("@", 1)[0]
            return _unquote(text).strip()
    return text


def _unquote(text: str) -> str:
    """%20 and %2B as a link encodes them (no other escapes appear in a number)."""
    return text.replace("%20", " ").replace("%2B", "+").replace("%2b", "+")


def looks_like_number(text: str) -> bool:
    """Digits and dialling marks only, with enough digits to be a number."""
    text = strip_scheme(text)
    digits = sum(ch.isdigit() for ch in text)
    return digits >= _MIN_DIGITS and all(ch.isdigit() or ch in _DIAL_MARKS for ch in text)


def normalise_phone(text: str, region: str = "") -> str | None:
    """The E.164 form of a typed, dialled or linked number ("+442079460000"), or None when it
    is not a possible number (too short, letters, no country code and no default region)."""
    import phonenumbers

    text = strip_scheme(text)
    if not looks_like_number(text):
        return None
    default = region.upper() if region and valid_region(region) else None
    try:
        parsed = phonenumbers.parse(text, default)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """An E.164 number written for people, internationally: "+44 20 7946 0000"."""
    import phonenumbers

    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
