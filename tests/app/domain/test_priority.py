"""The impact x urgency matrix: priority is always derived from it, and it must be complete."""

from __future__ import annotations

import pytest

from app.domain.errors import RuleViolation
from app.domain.priority import DEFAULT_MATRIX, Impact, Priority, PriorityMatrix, Urgency

# The ITIL matrix as DESIGN.md states it, written out here rather than imported from the code.
DESIGN_MATRIX = [
    (Impact.HIGH, Urgency.HIGH, Priority.CRITICAL),
    (Impact.HIGH, Urgency.MEDIUM, Priority.HIGH),
    (Impact.MEDIUM, Urgency.HIGH, Priority.HIGH),
    (Impact.HIGH, Urgency.LOW, Priority.MODERATE),
    (Impact.MEDIUM, Urgency.MEDIUM, Priority.MODERATE),
    (Impact.LOW, Urgency.HIGH, Priority.MODERATE),
    (Impact.MEDIUM, Urgency.LOW, Priority.LOW),
    (Impact.LOW, Urgency.MEDIUM, Priority.LOW),
    (Impact.LOW, Urgency.LOW, Priority.PLANNING),
]


@pytest.mark.parametrize(("impact", "urgency", "expected"), DESIGN_MATRIX)
def test_default_matrix_derives_the_itil_priority(
    impact: Impact, urgency: Urgency, expected: Priority
) -> None:
    assert PriorityMatrix().priority(impact, urgency) is expected


@pytest.mark.parametrize(("impact", "urgency", "expected"), DESIGN_MATRIX)
def test_plain_integers_derive_the_same_priority(
    impact: Impact, urgency: Urgency, expected: Priority
) -> None:
    assert PriorityMatrix().priority(int(impact), int(urgency)) is expected


def test_default_matrix_has_exactly_the_nine_cells() -> None:
    assert len(DEFAULT_MATRIX) == 9
    assert {(i, u) for i, u, _ in DESIGN_MATRIX} == set(DEFAULT_MATRIX)


@pytest.mark.parametrize(("impact", "urgency", "_"), DESIGN_MATRIX)
def test_matrix_missing_a_cell_is_refused_naming_the_cell(
    impact: Impact, urgency: Urgency, _: Priority
) -> None:
    cells = dict(DEFAULT_MATRIX)
    del cells[(int(impact), int(urgency))]
    with pytest.raises(RuleViolation, match="no priority") as refused:
        PriorityMatrix(cells)
    assert f"({int(impact)}, {int(urgency)})" in str(refused.value)


@pytest.mark.parametrize("unknown", [0, 6, -1, 99])
def test_matrix_holding_an_unknown_priority_is_refused(unknown: int) -> None:
    cells = dict(DEFAULT_MATRIX)
    cells[(2, 2)] = unknown
    with pytest.raises(RuleViolation, match="unknown priorities") as refused:
        PriorityMatrix(cells)
    assert str(unknown) in str(refused.value)


def test_an_edited_matrix_changes_the_derived_priority() -> None:
    cells = dict(DEFAULT_MATRIX)
    cells[(2, 2)] = 2  # an organisation that treats medium/medium as high
    matrix = PriorityMatrix.from_rows((i, u, p) for (i, u), p in cells.items())
    assert matrix.priority(Impact.MEDIUM, Urgency.MEDIUM) is Priority.HIGH
    assert matrix.priority(Impact.LOW, Urgency.LOW) is Priority.PLANNING


def test_from_rows_refuses_an_incomplete_table() -> None:
    with pytest.raises(RuleViolation):
        PriorityMatrix.from_rows([(1, 1, 1)])


@pytest.mark.parametrize(
    ("priority", "label", "short"),
    [
        (Priority.CRITICAL, "P1 Critical", "P1"),
        (Priority.HIGH, "P2 High", "P2"),
        (Priority.MODERATE, "P3 Moderate", "P3"),
        (Priority.LOW, "P4 Low", "P4"),
        (Priority.PLANNING, "P5 Planning", "P5"),
    ],
)
def test_priority_reads_as_p_number_and_name(priority: Priority, label: str, short: str) -> None:
    assert priority.label == label
    assert priority.short == short


def test_impact_and_urgency_read_with_their_number() -> None:
    assert Impact.HIGH.label == "1 - High"
    assert Urgency.LOW.label == "3 - Low"
