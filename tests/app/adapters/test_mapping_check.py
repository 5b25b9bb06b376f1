"""Trying a mapping on a file's first rows, and saving and loading mappings."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from app.adapters.csv_mapping import ColumnMapping, FieldRule, MappingError, load_mapping
from app.adapters.import_files import ImportFileError, separator_of
from app.adapters.mapping_check import (
    check_mapping,
    date_example,
    format_values,
    mappings_folder,
    parse_values,
    read_preview,
    save_mapping_file,
)
from app.adapters.mapping_guess import guess_mapping

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
BPIC14_FIRST100 = FIXTURES / "bpic2014_first100_cases.csv"


def _guessed() -> ColumnMapping:
    preview = read_preview(BPIC14_FIRST100)
    return guess_mapping(preview.header, preview.samples)


def test_the_preview_holds_the_header_the_first_rows_and_their_values() -> None:
    preview = read_preview(BPIC14_FIRST100, shown=20)
    assert len(preview.header) == 28
    assert [line for line, _ in preview.rows] == list(range(2, 22))
    assert preview.rows[0][1][4] == "IM0000013"
    assert set(preview.samples["impact"]) == {"2", "3", "4", "5"}
    assert not preview.servicenow
    assert read_preview(FIXTURES / "servicenow_first50.csv").servicenow


def test_a_file_that_is_not_a_csv_cannot_be_previewed() -> None:
    with pytest.raises(ImportFileError, match="not a CSV file"):
        read_preview(FIXTURES / "README.md")


def test_the_guessed_mapping_takes_every_preview_row() -> None:
    check = check_mapping(_guessed(), read_preview(BPIC14_FIRST100))
    assert check.ready
    assert (len(check.rows), check.rejected) == (50, 0)


def test_rows_the_import_would_reject_say_why() -> None:
    mapping = _guessed()
    without_map = replace(mapping.fields["impact"], values={})
    check = check_mapping(
        replace(mapping, fields={**mapping.fields, "impact": without_map}),
        read_preview(BPIC14_FIRST100),
    )
    assert check.ready  # the mapping itself is complete; rows are skipped and listed
    assert check.rejected == 41
    assert check.reasons() == [
        ("impact '5' is not one of 1-3", 21),
        ("impact '4' is not one of 1-3", 20),
    ]
    first = check.rows[0]
    assert (first.line, first.number, first.accepted) == (2, "IM0000013", False)


def test_a_required_field_without_a_column_is_a_problem() -> None:
    mapping = _guessed()
    fields = {k: v for k, v in mapping.fields.items() if k != "opened_at"}
    check = check_mapping(replace(mapping, fields=fields), read_preview(BPIC14_FIRST100))
    assert not check.ready
    assert [(p.target, p.message) for p in check.problems] == [
        ("opened_at", "Opened at is required: choose the column that holds it.")
    ]
    assert check.rows == ()


def test_a_column_the_file_lacks_is_a_problem() -> None:
    mapping = ColumnMapping(
        fields={"number": FieldRule(column="incident_id"), "opened_at": FieldRule(column="opened")}
    )
    check = check_mapping(mapping, read_preview(BPIC14_FIRST100))
    assert [p.message for p in check.problems] == ["Opened at: the file has no column 'opened'."]


def test_a_wrong_date_format_shows_on_the_first_row() -> None:
    preview = read_preview(BPIC14_FIRST100)
    mapping = _guessed()
    assert date_example(mapping, preview) == (
        "Opened at on line 2: '2012-08-10 11:27:59' reads as 10 August 2012 11:27 UTC."
    )
    wrong = replace(mapping, date_format="%d/%m/%Y %H:%M")
    assert "is not a date like %d/%m/%Y %H:%M" in date_example(wrong, preview)
    assert check_mapping(wrong, preview).rejected == 50


def test_value_maps_are_written_as_text_and_read_back() -> None:
    values = {"Closed": "closed", "Awaiting User Info": "on_hold"}
    assert format_values(values) == "Closed = closed; Awaiting User Info = on_hold"
    assert parse_values(format_values(values)) == values
    assert parse_values("  ") == {}
    with pytest.raises(MappingError, match="old = new"):
        parse_values("Closed closed")


def test_a_saved_mapping_loads_back_the_same(tmp_path: Path) -> None:
    mapping = replace(_guessed(), name="BPI 2014", missing=("", "#N/B"))
    written = save_mapping_file(mapping, mappings_folder(tmp_path) / "bpi.toml")
    assert written == tmp_path / "import-mappings" / "bpi.json"  # saved as JSON, said so
    again = load_mapping(written)
    assert again.to_json() == mapping.to_json()
    assert json.loads(written.read_text(encoding="utf-8"))["name"] == "BPI 2014"


def test_saving_where_it_cannot_be_written_says_so(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(MappingError, match="Cannot save the mapping"):
        save_mapping_file(_guessed(), blocker / "mapping.json")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "Cannot read the mapping bad.json"),
        ("[1, 2]", "is not a table"),
        ('{"fields": {"colour": {"column": "x"}}}', "Unknown fields in the mapping: colour"),
        ('{"fields": {"number": {"column": 3}}}', "column must be text"),
        ('{"fields": {"number": {"values": ["a"]}}}', "values of number must be a table"),
        ('{"fields": {}, "missing": 3}', "is not usable"),
    ],
)
def test_a_malformed_mapping_file_gets_a_clear_message(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError, match=message):
        load_mapping(path)


def test_a_loaded_template_that_cannot_be_used_is_a_problem_not_a_crash() -> None:
    mapping = replace(
        _guessed(), fields={**_guessed().fields, "title": FieldRule(template="{category")}
    )
    check = check_mapping(mapping, read_preview(BPIC14_FIRST100))
    assert not check.ready
    assert check.problems[0].message == (
        "The template for title cannot be used: expected '}' before end of string."
    )
    stray = FieldRule(template="{}: {category}")  # a positional field names no column
    check = check_mapping(
        replace(mapping, fields={**mapping.fields, "title": stray}), read_preview(BPIC14_FIRST100)
    )
    assert check.problems[0].message.startswith("The template for title cannot be used (")


def test_an_event_log_shows_its_repeated_numbers(tmp_path: Path) -> None:
    log = tmp_path / "events.csv"
    log.write_text(
        "Case ID,Activity,Complete Timestamp\n"
        "Case 1,Insert ticket,2012/10/09 14:50:17.000\n"
        "Case 1,Closed,2012/10/10 09:00:00.000\n"
        "Case 2,Insert ticket,2012/10/11 08:00:00.000\n",
        encoding="utf-8",
    )
    preview = read_preview(log)
    mapping = guess_mapping(preview.header, preview.samples)
    assert mapping.date_format == "%Y/%m/%d %H:%M:%S.%f"
    check = check_mapping(mapping, preview)
    assert [(r.line, r.number, r.reason) for r in check.rows] == [
        (2, "CASE 1", None),
        (3, "CASE 1", "an earlier row has this number: one row per incident"),
        (4, "CASE 2", None),
    ]


def test_a_missing_mapping_or_a_folder_is_named_plainly(tmp_path: Path) -> None:
    with pytest.raises(MappingError) as missing:
        load_mapping(tmp_path / "nothere.json")
    assert str(missing.value) == f"There is no mapping file {tmp_path / 'nothere.json'}."
    with pytest.raises(MappingError, match="is a folder: choose a mapping file"):
        load_mapping(tmp_path)


@pytest.mark.parametrize(
    ("line", "separator"),
    [
        ("number,title,opened\n", ","),
        ("number;title;opened\r\n", ";"),
        ("number\ttitle\topened\n", "\t"),
        ('"Caller, name";"Opened, local";Status\n', ";"),  # commas inside quotes do not count
        ("number\n", ","),  # one column: nothing to tell, the usual comma
        ("a,b;c,d\n", ","),  # a tie or fewer: the comma
    ],
)
def test_the_header_line_says_how_fields_are_separated(line: str, separator: str) -> None:
    assert separator_of(line) == separator
