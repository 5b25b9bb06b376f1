"""Runbooks: the shipped templates parse, and a broken file is named, with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.adapters.runbooks import available_runbooks, load_runbook, load_runbook_file
from app.domain.runbook import OWNER_ROLES, RunbookError, parse_runbook

SHIPPED = {
    "email-outage": "Email outage",
    "major-incident": "Major incident (generic)",
    "network-vpn-outage": "Network or VPN outage",
}

GOOD = """\
title = "Printer fleet down"

[[items]]
text = "Check the print server"
owner = "tech"

[[items]]
text = "Tell callers to use another floor"
"""


def test_the_three_shipped_runbooks_parse() -> None:
    books = available_runbooks()
    assert {book.key: book.title for book in books} == SHIPPED


def test_runbooks_are_listed_by_title() -> None:
    titles = [book.title for book in available_runbooks()]
    assert titles == sorted(titles)


@pytest.mark.parametrize("key", sorted(SHIPPED))
def test_shipped_runbook_items_have_text_and_a_known_owner(key: str) -> None:
    book = load_runbook(key)
    assert len(book.items) >= 5
    for item in book.items:
        assert item.text.strip() == item.text
        assert item.text
        assert item.owner in OWNER_ROLES


def test_parsing_keeps_item_order_and_defaults_the_owner_to_commander() -> None:
    book = parse_runbook("printers", GOOD, "printers.toml")
    assert book.title == "Printer fleet down"
    assert [(i.text, i.owner) for i in book.items] == [
        ("Check the print server", "tech"),
        ("Tell callers to use another floor", "commander"),
    ]


def test_broken_toml_is_refused_naming_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text('title = "Broken"\n\n[[items]]\ntext = "unterminated\n', encoding="utf-8")
    with pytest.raises(RunbookError) as refused:
        load_runbook_file(path)
    message = str(refused.value)
    assert str(path) in message
    assert "not valid TOML" in message
    assert "line 4" in message


def test_an_item_without_text_is_refused_naming_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "no-text.toml"
    path.write_text(
        'title = "No text"\n\n[[items]]\ntext = "First"\n\n[[items]]\nowner = "tech"\n',
        encoding="utf-8",
    )
    with pytest.raises(RunbookError) as refused:
        load_runbook_file(path)
    message = str(refused.value)
    assert str(path) in message
    assert "item 2 (line 6)" in message
    assert "needs a text" in message


def test_a_blank_text_counts_as_missing() -> None:
    with pytest.raises(RunbookError, match=r"blank\.toml: item 1 \(line 3\) needs a text"):
        parse_runbook("blank", 'title = "B"\n\n[[items]]\ntext = "   "\n', "blank.toml")


def test_an_unknown_owner_is_refused_listing_the_owners() -> None:
    text = 'title = "T"\n[[items]]\ntext = "Do it"\nowner = "ceo"\n'
    with pytest.raises(RunbookError) as refused:
        parse_runbook("t", text, "t.toml")
    message = str(refused.value)
    assert "t.toml: item 1 (line 2)" in message
    assert "'ceo'" in message
    assert all(owner in message for owner in OWNER_ROLES)


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ('[[items]]\ntext = "x"\n', "needs a title"),
        ('title = "  "\n[[items]]\ntext = "x"\n', "needs a title"),
        ('title = "Empty"\n', r"needs at least one \[\[items\]\]"),
        ('title = "Empty"\nitems = []\n', r"needs at least one \[\[items\]\]"),
    ],
)
def test_a_runbook_needs_a_title_and_items(text: str, complaint: str) -> None:
    with pytest.raises(RunbookError, match=rf"^odd\.toml: {complaint}"):
        parse_runbook("odd", text, "odd.toml")


def test_a_team_folder_adds_runbooks(tmp_path: Path) -> None:
    (tmp_path / "printers.toml").write_text(GOOD, encoding="utf-8")
    keys = [book.key for book in available_runbooks(tmp_path)]
    assert "printers" in keys
    assert set(SHIPPED) <= set(keys)


def test_a_broken_file_in_the_team_folder_is_named(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("title = \n", encoding="utf-8")
    with pytest.raises(RunbookError, match=r"broken\.toml"):
        available_runbooks(tmp_path)


def test_asking_for_an_unknown_runbook_says_so() -> None:
    with pytest.raises(RunbookError, match="no runbook called 'payroll'"):
        load_runbook("payroll")


def test_an_unreadable_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "missing.toml"
    with pytest.raises(RunbookError, match=r"missing\.toml: cannot be read"):
        load_runbook_file(missing)
