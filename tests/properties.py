"""What every parser of untrusted input promises, as assertions, and the generators that feed
the property tests (tests/app/**/test_*_properties.py): text of every kind, JSON and TOML
documents built from values of the wrong type, CSV files with fuzzed cells."""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Any

from hypothesis import strategies as st

from app.domain.errors import CalmdeskError

# Every character class that has broken a parser somewhere: controls, NUL, separators, quotes,
# line breaks of every kind, the BOM, non-ASCII letters and digits ("²".isdigit() is True).
# Surrogates are left out: no file decoded as UTF-8 holds one.
TRICKY = "\x00\t\n\r\x0b\x0c\x1c\x85\u2028\ufeff,;\"'\\/:@?#[]{}%=+-_.* ²٣ßİ€😀"
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
TRICKY_TEXT = st.text(st.sampled_from(TRICKY) | st.characters(exclude_categories=("Cs",)))


def assert_clear_refusal(error: BaseException, *secrets: str, naming: str = "") -> str:
    """A refusal a person can read: one of ours, one non-empty line, no traceback, no secret,
    and naming what it is about (the file, the field) when `naming` is given."""
    assert isinstance(error, CalmdeskError), f"{type(error).__name__}: {error}"
    message = str(error)
    assert message.strip(), "the refusal says nothing"
    assert len(message.splitlines()) == 1, message
    assert message == message.strip("\r\n"), message
    assert "Traceback" not in message
    for secret in secrets:
        assert secret not in message, f"the refusal shows a secret: {message}"
    assert naming in message, f"the refusal does not name {naming!r}: {message}"
    return message


def json_values(max_leaves: int = 12) -> st.SearchStrategy[Any]:
    """Anything JSON can hold, nested."""
    scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | ANY_TEXT
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(ANY_TEXT, inner, max_size=4),
        max_leaves=max_leaves,
    )


def toml_values(max_leaves: int = 8) -> st.SearchStrategy[Any]:
    """Anything a TOML value can be (tables and arrays, nested), to put where a string belongs."""
    scalars = (
        st.booleans()
        | st.integers(min_value=-(2**63), max_value=2**63 - 1)
        | st.floats()
        | ANY_TEXT
    )
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(ANY_TEXT, inner, max_size=3),
        max_leaves=max_leaves,
    )


def toml_value(value: Any) -> str:
    """`value` written as a TOML inline value (enough of TOML for the tests' documents)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        pairs = (f"{_toml_string(str(k))} = {toml_value(v)}" for k, v in value.items())
        return "{" + ", ".join(pairs) + "}"
    raise TypeError(f"no TOML for {value!r}")


def toml_table(values: dict[str, Any]) -> str:
    """The body of a table: one `key = value` line per entry."""
    return "".join(f"{_toml_string(key)} = {toml_value(v)}\n" for key, v in values.items())


def _toml_string(text: str) -> str:
    # JSON's escapes are TOML basic-string escapes; TOML also wants DEL escaped, and astral
    # characters written as themselves (JSON's surrogate pairs are not scalar values).
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def csv_text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()
