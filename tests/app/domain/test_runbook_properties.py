"""Runbook TOML, whatever a team writes: a runbook, or a RunbookError naming the file."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.runbook import OWNER_ROLES, Runbook, RunbookError, parse_runbook
from tests.properties import (
    ANY_TEXT,
    TRICKY_TEXT,
    assert_clear_refusal,
    toml_table,
    toml_value,
    toml_values,
)

SOURCE = "outage.toml"
# Non-blank text without characters TOML strings cannot hold raw (it escapes them; fine) and
# with something left after strip(), the way a real item reads.
ITEM_TEXT = ANY_TEXT.filter(lambda t: t.strip())


def _parse(text: str) -> Runbook | None:
    """The runbook, or None after checking the refusal is a clear one naming the file."""
    try:
        return parse_runbook("outage", text, SOURCE)
    except RunbookError as refused:
        assert_clear_refusal(refused, naming=SOURCE)
        return None


@given(TRICKY_TEXT)
def test_any_text_is_a_runbook_or_a_clear_refusal(text: str) -> None:
    book = _parse(text)
    assert book is None or isinstance(book, Runbook)


@given(
    title=toml_values(),
    items=st.lists(st.dictionaries(st.sampled_from(["text", "owner", "note"]), toml_values())),
)
def test_values_of_the_wrong_type_are_refused_clearly(
    title: Any, items: list[dict[str, Any]]
) -> None:
    text = f"title = {toml_value(title)}\n" + "".join(
        "[[items]]\n" + toml_table(item) for item in items
    )
    book = _parse(text)
    if book is not None:
        assert isinstance(title, str)
        assert book.title == title.strip()
        assert all(isinstance(i.text, str) and i.owner in OWNER_ROLES for i in book.items)


@given(
    title=ITEM_TEXT,
    items=st.lists(
        st.tuples(ITEM_TEXT, st.none() | st.sampled_from(OWNER_ROLES)), min_size=1, max_size=6
    ),
)
def test_a_well_formed_runbook_reads_back_exactly(
    title: str, items: list[tuple[str, str | None]]
) -> None:
    text = f"title = {toml_value(title)}\n"
    for item_text, owner in items:
        text += f"[[items]]\ntext = {toml_value(item_text)}\n"
        if owner is not None:
            text += f"owner = {toml_value(owner)}\n"
    book = parse_runbook("outage", text, SOURCE)
    assert book.title == title.strip()
    assert [(i.text, i.owner) for i in book.items] == [
        (t.strip(), o or "commander") for t, o in items
    ]


@pytest.mark.parametrize(
    "text",
    [
        "title = " + "[" * 5000 + "]" * 5000,  # tomllib recurses once per level
        'title = "Outage"\nitems = ' + "[" * 5000 + "]" * 5000,
    ],
)
def test_deeply_nested_toml_is_refused_not_crashed(text: str) -> None:
    with pytest.raises(RunbookError) as refused:
        parse_runbook("outage", text, SOURCE)
    assert "not valid TOML" in assert_clear_refusal(refused.value)
