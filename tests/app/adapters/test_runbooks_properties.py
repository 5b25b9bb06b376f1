"""Runbook files a team drops in its folder, whatever bytes they hold: the list of runbooks, or a
RunbookError naming the file. The shipped runbooks are never lost to a broken extra one."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.adapters.runbooks import available_runbooks, load_runbook_file
from app.domain.runbook import Runbook, RunbookError
from tests.properties import assert_clear_refusal

# One folder per test, reused by every example: each example overwrites the one file in it.
SHARED_FOLDER = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
FILE_CONTENTS = st.binary(max_size=300) | st.text(max_size=300).map(lambda t: t.encode())


@SHARED_FOLDER
@given(content=FILE_CONTENTS)
def test_any_file_is_a_runbook_or_a_refusal_naming_it(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "extra.toml"
    path.write_bytes(content)
    try:
        book = load_runbook_file(path)
    except RunbookError as refused:
        assert_clear_refusal(refused, naming=str(path))
    else:
        assert isinstance(book, Runbook)
        assert book.key == "extra"


@SHARED_FOLDER
@given(content=FILE_CONTENTS)
def test_an_extra_folder_lists_every_runbook_or_names_the_broken_file(
    tmp_path: Path, content: bytes
) -> None:
    shipped = {book.key for book in available_runbooks()}
    (tmp_path / "extra.toml").write_bytes(content)
    try:
        books = available_runbooks(tmp_path)
    except RunbookError as refused:
        assert_clear_refusal(refused, naming="extra.toml")
    else:
        assert {book.key for book in books} == shipped | {"extra"}


@pytest.mark.parametrize("content", [b"title = \xff\xfe", "title = 'Caf\xe9'".encode("latin-1")])
def test_a_runbook_that_is_not_utf8_is_refused_with_its_name(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "legacy.toml"
    path.write_bytes(content)
    for attempt in (lambda: load_runbook_file(path), lambda: available_runbooks(tmp_path)):
        with pytest.raises(RunbookError) as refused:
            attempt()
        message = assert_clear_refusal(refused.value)
        assert "legacy.toml" in message
        assert "UTF-8" in message
