"""The intake's mapping file: the shipped example works, and a mistake names file and line."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from app.adapters.alert_mapping import (
    MappingFileError,
    example_mapping_text,
    load_mapping,
    parse_mapping,
)
from app.domain.priority import Impact, Urgency


def test_the_shipped_example_maps_critical_to_p1_on_the_service() -> None:
    mapping = parse_mapping(example_mapping_text(), "mapping.example.toml")
    route = mapping.route({"severity": "critical", "service": "exchange"})

    assert (route.service, route.impact, route.urgency) == ("Email", Impact.HIGH, Urgency.HIGH)
    assert mapping.reopen_window == timedelta(minutes=60)
    assert mapping.route({"severity": "info"}).resolve_on_recovery is True


def test_no_file_means_the_defaults() -> None:
    mapping = load_mapping(None)

    assert mapping.route({"severity": "critical"}).impact == Impact.MEDIUM


BAD = [
    ("[settings]\nimpact = 'huge'\n", 2, 'use "high", "medium" or "low"'),
    ("[settings]\nreopen_within_minutes = -5\n", 2, "0 or more"),
    ("[settings]\nflaping_changes_per_hour = 3\n", 2, "unknown setting 'flaping_changes"),
    (
        "[[rule]]\nimpact = 'high'\n\n[[rule]]\nwhen = { severity = 'x' }\nurgency = 7\n",
        6,
        "urgency",
    ),
    ("[[rule]]\nwhen = { severity = 1 }\n", 2, "when must be labels"),
    ("[[rule]]\nimpact = 'high'\nresolve = true\n", 3, "unknown key 'resolve'"),
    ("[services]\nmail = 3\n", 2, "must name a Calmdesk service"),
    ("[colours]\nred = 1\n", 1, "unknown table [colours]"),
    ("[settings]\nimpact = \n", 2, "Invalid value"),
]


@pytest.mark.parametrize(("text", "line", "says"), BAD)
def test_a_mistake_names_the_file_and_the_line(
    tmp_path: Path, text: str, line: int, says: str
) -> None:
    path = tmp_path / "mapping.toml"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(MappingFileError) as raised:
        load_mapping(path)

    assert str(raised.value).startswith(f"{path}")
    assert f"line {line}" in str(raised.value)
    assert says in str(raised.value)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(MappingFileError, match="cannot be read"):
        load_mapping(tmp_path / "nowhere.toml")
