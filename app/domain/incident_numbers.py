"""How incidents are numbered: INC and seven digits from the desk's counter (INC0000201), and
what a person may type for one."""

from __future__ import annotations

PREFIX = "INC"


def incident_number(value: int) -> str:
    """The number the counter's `value` gives: 201 -> INC0000201."""
    return f"{PREFIX}{value:07d}"


def number_value(number: str) -> int | None:
    """The counter value an incident number stands for (INC0000201 -> 201), None when it is not
    written the desk's way (another system's number kept by an import, say)."""
    digits = number.removeprefix(PREFIX)
    if digits == number or not digits.isascii() or not digits.isdigit():
        return None
    return int(digits)


def typed_number(text: str) -> str:
    """What a person typed, as the incident number it means: 'inc201', ' 201 ' and 'INC0000201'
    all mean INC0000201. Anything else is kept as typed (upper case, without spaces), so
    another system's numbers still match exactly."""
    compact = "".join(text.split()).upper()
    digits = compact.removeprefix(PREFIX)
    if digits.isascii() and digits.isdigit():
        return incident_number(int(digits))
    return compact
