"""Guessing a column mapping from real help desks' headers and values."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from app.adapters.mapping_guess import (
    guess_columns,
    guess_date_format,
    guess_mapping,
    guess_values,
)
from app.services.context import ServiceContext
from app.services.imports.commands import import_csv
from tests.helpers import FIXTURES_DIR

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
BPIC14_FIRST100 = FIXTURES / "bpic2014_first100_cases.csv"
SERVICENOW_FIRST50 = FIXTURES / "servicenow_first50.csv"


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as stream:
        return next(csv.reader(stream))


def test_bpi_2014_columns_are_found_by_their_names() -> None:
    assert guess_columns(_header(BPIC14_FIRST100)) == {
        "number": "incident_id",
        "opened_at": "open_time",
        "impact": "impact",
        "urgency": "urgency",
        "priority": "priority",
        "status": "status",
        "category": "category",
        "resolved_at": "resolved_time",
        "closed_at": "close_time",
        "resolution": "closure_code",
    }


def test_servicenow_columns_are_found_by_their_names() -> None:
    found = guess_columns(_header(SERVICENOW_FIRST50))
    assert found["number"] == "number"
    assert found["status"] == "incident_state"
    assert found["channel"] == "contact_type"
    assert found["team"] == "assignment_group"
    assert found["agent"] == "assigned_to"
    assert found["caller"] == "caller_id"
    assert found["resolution"] == "closed_code"


def test_a_european_desks_export_is_found_by_its_short_names() -> None:
    found = guess_columns(["Ticket", "Summary", "Opened", "Closed On", "State", "Prio", "Severity"])
    assert found == {
        "number": "Ticket", "title": "Summary", "opened_at": "Opened", "closed_at": "Closed On",
        "status": "State", "priority": "Prio", "impact": "Severity",
    }  # fmt: skip


def test_a_column_goes_to_one_field_only() -> None:
    found = guess_columns(["Case ID", "Activity", "Complete Timestamp", "Resource"])
    assert found == {"number": "Case ID", "opened_at": "Complete Timestamp"}
    assert len(set(found.values())) == len(found)


def test_source_states_are_translated_to_calmdesk_statuses() -> None:
    seen = ["Closed", "Active", "Awaiting User Info", "Resolved", "new", "Frobnicated"]
    assert guess_values("status", seen) == {
        "Closed": "closed",
        "Active": "in_progress",
        "Awaiting User Info": "on_hold",
        "Resolved": "resolved",
    }  # "new" is already right; an unknown state is left for the person to map


def test_a_one_to_five_impact_scale_is_read_onto_one_to_three() -> None:
    assert guess_values("impact", ["2", "3", "4", "5"]) == {"2": "1", "3": "2", "4": "3", "5": "3"}
    assert guess_values("impact", ["1", "2", "3"]) == {}
    assert guess_values("urgency", ["High", "Low"]) == {"High": "1", "Low": "3"}
    assert guess_values("priority", ["2", "5"]) == {}
    assert guess_values("priority", ["Critical", "Moderate"]) == {"Critical": "1", "Moderate": "3"}


@pytest.mark.parametrize(
    ("samples", "expected"),
    [
        (["2012-08-10 11:27:59", "2013-02-06 14:07:43"], None),  # ISO 8601
        (["29/2/2016 01:16", "13/5/2016 11:48"], "%d/%m/%Y %H:%M"),
        (["2012/10/09 14:50:17.000"], "%Y/%m/%d %H:%M:%S.%f"),
        (["12/31/2016 10:00"], "%m/%d/%Y %H:%M"),
        (["not a date"], None),
    ],
)
def test_the_date_layout_is_guessed_from_the_values(
    samples: list[str], expected: str | None
) -> None:
    assert guess_date_format(samples) == expected


def test_the_guessed_mapping_imports_the_bpi_2014_cases(ctx: ServiceContext) -> None:
    cases = FIXTURES_DIR / "bpic2014_first100_cases.csv"
    with cases.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    samples = {c: tuple({r[n] for r in rows[1:2001]}) for n, c in enumerate(rows[0])}
    mapping = guess_mapping(rows[0], samples)
    report = import_csv(ctx, cases, mapping)
    assert (report.rows_read, report.incidents_created, len(report.rejected)) == (100, 100, 0)
