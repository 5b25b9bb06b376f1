"""The ServiceNow event log reader, fed rows whose every cell may be valid, missing or junk: it
never raises, reads or rejects every row, and what it yields is an incident the writer can
store (levels in range, a known status, UTC dates)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.adapters.import_records import ImportedIncident
from app.adapters.servicenow_log import OPTIONAL, REQUIRED, STATES, ServiceNowReader
from tests.properties import TRICKY_TEXT

HEADER = [*REQUIRED, *OPTIONAL]
# Longer than any text column (120-300 characters), sharing a prefix: cut to size, they collide.
LONG_TEXT = st.integers(0, 3).map(lambda n: "Team " + "x" * 300 + str(n))
STATUSES = {status for status, _ in STATES.values()}


def _servicenow_date(moment: datetime) -> str:
    return f"{moment.day}/{moment.month}/{moment.year} {moment.hour:02}:{moment.minute:02}"


def _mostly(valid: st.SearchStrategy[str], *edges: str) -> st.SearchStrategy[str]:
    """Valid five times in six, else one of the edge cases: rows must often get through."""
    return st.integers(0, 5).flatmap(lambda n: st.sampled_from(edges) if n == 0 else valid)


DATES = _mostly(
    st.datetimes(datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59)).map(_servicenow_date)
    | st.sampled_from(["1/1/1 00:00", "31/12/2999 23:59", "1/1/3000 00:00", "31/12/9999 23:59"]),
    *("?", "", "31/2/2016 10:00", "1/1/2016 25:00", "2016-02-29", "1/1/10000 00:00"),
)
IMPACT = _mostly(st.sampled_from(["1 - High", "2 - Medium", "3 - Low"]), "4 - Low", "-1", "²", "")
CELLS = {
    "number": _mostly(st.sampled_from(["INC0000001", "INC0000002", "inc0000003"]), "?", "", "X"),
    "incident_state": _mostly(st.sampled_from(list(STATES)), "-100", "active", ""),
    "sys_mod_count": _mostly(st.integers(0, 10**6).map(str), "", "-1", "²", "1e3"),
    "opened_at": DATES,
    "sys_updated_at": DATES,
    "resolved_at": DATES,
    "closed_at": DATES,
    "impact": IMPACT,
    "urgency": IMPACT,
    "priority": _mostly(st.sampled_from([f"{n} - P{n}" for n in range(1, 6)]), "6 - Never", "0"),
}


@st.composite
def event_rows(draw: st.DrawFn) -> list[str]:
    """One row of realistic values (edge cases included), a few cells replaced by junk, and
    sometimes a field too many or too few."""
    row = [draw(CELLS.get(column, TRICKY_TEXT | LONG_TEXT)) for column in HEADER]
    for index in draw(st.lists(st.integers(0, len(HEADER) - 1), max_size=2)):
        row[index] = draw(TRICKY_TEXT)
    width = draw(st.sampled_from([len(row)] * 8 + [len(row) - 1, len(row) + 1, 1, 0]))
    return ([*row, ""])[:width]


def _check(incident: ImportedIncident) -> None:
    assert incident.number
    assert incident.number == incident.number.strip().upper()
    assert len(incident.number) <= 20
    assert "\x00" not in incident.number
    assert 1 <= incident.impact <= 3
    assert 1 <= incident.urgency <= 3
    assert incident.priority is not None
    assert 1 <= incident.priority <= 5
    assert incident.status in STATUSES
    assert (incident.hold_reason is not None) == (incident.status == "on_hold")
    for moment in (incident.opened_at, incident.updated_at, incident.resolved_at):
        assert moment is None or moment.tzinfo is UTC
    assert incident.paused_seconds >= 0
    assert incident.events
    assert incident.events[0].kind == "created"


@given(rows=st.lists(event_rows(), max_size=12))
def test_every_row_is_read_or_rejected_and_nothing_raises(rows: list[list[str]]) -> None:
    reader = ServiceNowReader(HEADER)
    numbered = list(enumerate(rows, start=2))
    incidents = list(reader.incidents(iter(numbered)))
    for incident in incidents:
        _check(incident)
    blank = sum(1 for row in rows if not row or (len(row) == 1 and not row[0].strip()))
    assert reader.rows_read == len(rows) - blank
    assert len(reader.rejected) <= reader.rows_read
    assert {r.line for r in reader.rejected} <= {line for line, _ in numbered}
    assert all(r.reason.strip() and "\n" not in r.reason for r in reader.rejected)
    assert len({i.number for i in incidents}) == len(incidents)


@pytest.mark.parametrize("column", ["resolved_at", "closed_at"])
def test_an_unreadable_resolved_or_closed_date_rejects_the_row(column: str) -> None:
    row = dict.fromkeys(HEADER, "?") | {
        "number": "INC0000001",
        "incident_state": "Closed",
        "sys_mod_count": "3",
        "opened_at": "29/2/2016 01:16",
        "sys_updated_at": "5/3/2016 12:00",
        "impact": "2 - Medium",
        "urgency": "2 - Medium",
        "priority": "3 - Moderate",
        "resolved_at": "1/3/2016 10:00",
        "closed_at": "5/3/2016 12:00",
    }
    row[column] = "2016-03-05"
    reader = ServiceNowReader(HEADER)
    assert list(reader.incidents(iter([(2, [row[c] for c in HEADER])]))) == []
    (rejected,) = reader.rejected
    assert (
        str(rejected) == f"line 2: INC0000001: {column} '2016-03-05' is not a D/M/YYYY HH:MM date"
    )


def test_a_line_break_in_a_rejected_number_stays_on_the_rejections_line() -> None:
    reader = ServiceNowReader(HEADER)
    row = ["INC0000001\nX", "-100", *["?"] * (len(HEADER) - 2)]
    assert list(reader.incidents(iter([(2, row)]))) == []
    assert [str(r) for r in reader.rejected] == [
        "line 2: INC0000001\\nX: unknown incident_state '-100'"
    ]
