"""Incident numbers: made from the counter, read back, and understood however they are typed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.incident_numbers import incident_number, number_value, typed_number


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("INC0000002", "INC0000002"),
        ("inc2", "INC0000002"),
        (" 2 ", "INC0000002"),
        ("INC 0001234", "INC0001234"),
        ("12345678", "INC12345678"),  # past seven digits the number simply grows
        ("SN-4711", "SN-4711"),  # another system's number, kept as typed
        ("inc", "INC"),
        ("INC²", "INC²"),  # a digit to Unicode, not to int(): not a number of ours
    ],
)
def test_numbers_are_understood_however_they_are_typed(typed: str, number: str) -> None:
    assert typed_number(typed) == number


@pytest.mark.parametrize(
    ("number", "value"),
    [("INC0000201", 201), ("INC12345678", 12345678), ("INC", None), ("SN0000201", None),
     ("INC00002O1", None), ("INC²", None)],
)  # fmt: skip
def test_the_counter_value_of_a_number_or_none(number: str, value: int | None) -> None:
    assert number_value(number) == value


@given(st.integers(min_value=0, max_value=10**12))
def test_a_counters_number_reads_back_as_its_value_and_types_as_itself(value: int) -> None:
    number = incident_number(value)
    assert number_value(number) == value
    assert typed_number(number) == typed_number(str(value)) == number
