"""Column mappings (JSON or TOML, written by hand) and the rows they read: a mapping or a
MappingError that says what to fix; then every row an incident the writer can store, or a
rejection with its reason. Nothing else escapes, whatever the mapping or the file holds."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.adapters.csv_mapping import (
    CHANNELS,
    HOLD_REASONS,
    REQUIRED,
    STATUSES,
    TARGETS,
    ColumnMapping,
    MappedReader,
    MappingError,
    load_mapping,
)
from app.adapters.import_records import ImportedIncident
from tests.properties import (
    ANY_TEXT,
    TRICKY_TEXT,
    assert_clear_refusal,
    json_values,
    toml_table,
    toml_values,
)

HEADER = ["id", "opened", "impact", "state", "who", "text"]
SHARED_FOLDER = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
COLUMNS = st.sampled_from([*HEADER, "missing"])
TEMPLATES = (
    st.sampled_from(
        [
            "{id}",
            "{who}: {text}",
            "{",
            "}",
            "{0}",
            "{}",
            "{id.real}",
            "{id[0]}",
            "{id!r}",
            "{id:>{x}}",
        ]
    )
    | TRICKY_TEXT
)
FORMATS = st.sampled_from(["%Y-%m-%d", "%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M:%S%z", "%", "%Q", ""])


def _mappings(values: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Mapping documents: the required fields usually mapped to real columns (so rows get read),
    every other field sometimes, each rule's parts of the right type or of any other."""
    rules = st.fixed_dictionaries(
        {},
        optional={
            "column": COLUMNS | values,
            "template": TEMPLATES | values,
            "default": ANY_TEXT | values,
            "values": st.dictionaries(ANY_TEXT, values, max_size=3) | values,
            "format": FORMATS | values,
        },
    )
    others = {target: rules | COLUMNS for target in [*TARGETS, "colour"] if target not in REQUIRED}
    fields = st.fixed_dictionaries(
        {"number": st.just("id") | rules, "opened_at": st.just("opened") | rules},
        optional=others,
    )
    return st.fixed_dictionaries(
        {"fields": fields | values},
        optional={
            "name": values,
            "date_format": FORMATS | values,
            "missing": st.lists(ANY_TEXT, max_size=3) | values,
        },
    )


MAPPINGS = _mappings(json_values(max_leaves=4))
TOML_MAPPINGS = _mappings(toml_values(max_leaves=4))
DATES = st.datetimes(datetime(1, 1, 1), datetime(9999, 12, 31)).map(str) | st.sampled_from(
    ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "2999-12-31", "3000-01-01", "?"]
)
CELLS = st.lists(DATES | TRICKY_TEXT | st.sampled_from(["1", "2", "3", "2 - Medium", "closed"]))


def _mapping(data: Any) -> ColumnMapping | None:
    try:
        return ColumnMapping.from_json(data)
    except MappingError as refused:
        assert_clear_refusal(refused)
        return None


def _reader(mapping: ColumnMapping) -> MappedReader | None:
    try:
        return MappedReader(mapping, HEADER)
    except MappingError as refused:
        assert_clear_refusal(refused)
        return None


def _check(incident: ImportedIncident) -> None:
    assert 0 < len(incident.number) <= 20
    assert 1 <= incident.impact <= 3
    assert 1 <= incident.urgency <= 3
    assert incident.priority is None or 1 <= incident.priority <= 5
    assert incident.status in STATUSES
    assert incident.channel in CHANNELS
    assert incident.hold_reason is None or incident.hold_reason in HOLD_REASONS
    for moment in (incident.opened_at, incident.resolved_at, incident.closed_at):
        assert moment is None or moment.tzinfo is UTC
    for text in (incident.title, incident.resolution, incident.team, incident.agent):
        assert text is None or isinstance(text, str)


@given(data=MAPPINGS | json_values())
def test_any_mapping_is_usable_or_refused_clearly(data: Any) -> None:
    if not isinstance(data, dict):
        return  # load_mapping refuses a document that is not a table (below)
    mapping = _mapping(data)
    if mapping is not None:
        _reader(mapping)


@given(data=MAPPINGS, rows=st.lists(CELLS, max_size=8))
def test_every_row_becomes_an_incident_or_a_rejection(
    data: dict[str, Any], rows: list[list[str]]
) -> None:
    mapping = _mapping(data)
    reader = None if mapping is None else _reader(mapping)
    if reader is None:
        return
    numbered = list(enumerate(rows, start=2))
    incidents = list(reader.incidents(iter(numbered)))
    for incident in incidents:
        _check(incident)
    blank = sum(1 for row in rows if not row or (len(row) == 1 and not row[0].strip()))
    assert reader.rows_read == len(rows) - blank == len(incidents) + len(reader.rejected)
    assert all(r.reason.strip() and "\n" not in r.reason for r in reader.rejected)


@given(rows=st.lists(st.lists(DATES, min_size=6, max_size=6), max_size=8))
def test_dates_of_any_year_and_zone_are_read_or_rejected(rows: list[list[str]]) -> None:
    mapping = ColumnMapping.from_json(
        {"fields": {"number": "id", "opened_at": "opened", "resolved_at": "who"}}
    )
    reader = MappedReader(mapping, HEADER)
    for incident in reader.incidents(iter(enumerate(rows, start=2))):
        _check(incident)
    assert reader.rows_read == len(rows)


@SHARED_FOLDER
@given(
    suffix=st.sampled_from([".json", ".toml", ".JSON", ".txt"]),
    content=st.binary(max_size=200) | MAPPINGS.map(lambda d: str(d).encode()),
)
def test_any_mapping_file_is_a_mapping_or_a_refusal_naming_it(
    tmp_path: Path, suffix: str, content: bytes
) -> None:
    path = tmp_path / f"mapping{suffix}"
    path.write_bytes(content)
    try:
        assert isinstance(load_mapping(path), ColumnMapping)
    except MappingError as refused:
        assert_clear_refusal(refused, naming=path.name)


@SHARED_FOLDER
@given(data=TOML_MAPPINGS)
def test_a_toml_mapping_of_any_shape_is_a_mapping_or_a_clear_refusal(
    tmp_path: Path, data: dict[str, Any]
) -> None:
    fields = data.pop("fields")
    text = toml_table(data)
    text += toml_table({"fields": fields}) if not isinstance(fields, dict) else ""
    text += "[fields]\n" + toml_table(fields) if isinstance(fields, dict) else ""
    path = tmp_path / "mapping.toml"
    path.write_text(text, encoding="utf-8")
    try:
        mapping = load_mapping(path)
    except MappingError as refused:
        assert_clear_refusal(refused, naming="mapping.toml")
    else:
        assert isinstance(fields, dict)
        assert set(mapping.fields) == set(fields)


@pytest.mark.parametrize(
    ("rule", "says"),
    [
        ({"template": "{"}, "The template for title cannot be used (Single '{' encountered"),
        ({"template": "{0}"}, "The template for title cannot be used"),
        ({"template": "{}"}, "The template for title cannot be used"),
        ({"template": "{id.real}"}, "The template for title cannot be used"),
        ({"template": "{id:>{x}}"}, "The template for title cannot be used"),
        ({"template": "{id:d}"}, "The template for title cannot be used"),
        ({"template": 12}, "title"),
        ({"column": ["id"]}, "title"),
        ({"values": ["a"]}, "title"),
    ],
)
def test_a_broken_rule_is_refused_naming_its_field(rule: dict[str, Any], says: str) -> None:
    with pytest.raises(MappingError) as refused:
        MappedReader(
            ColumnMapping.from_json(
                {"fields": {"number": "id", "opened_at": "opened", "title": rule}}
            ),
            HEADER,
        )
    assert says in assert_clear_refusal(refused.value)


@pytest.mark.parametrize("opened", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_a_date_beyond_the_calendar_in_utc_is_rejected_with_its_row(opened: str) -> None:
    mapping = ColumnMapping.from_json({"fields": {"number": "id", "opened_at": "opened"}})
    reader = MappedReader(mapping, HEADER)
    assert list(reader.incidents(iter([(2, ["INC1", opened, "", "", "", ""])]))) == []
    (rejected,) = reader.rejected
    assert rejected.reason == f"{opened!r} is out of the range of dates Calmdesk can store"
