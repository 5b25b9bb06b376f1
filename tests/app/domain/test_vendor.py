"""A vendor whose promised time passed while we still wait on them is overdue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.vendor import VendorState, vendor_overdue, vendor_state_text

ETA = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize("state", [VendorState.OPEN, VendorState.ACKNOWLEDGED])
def test_waiting_past_the_eta_is_overdue(state: VendorState) -> None:
    assert not vendor_overdue(state, ETA, ETA)
    assert vendor_overdue(state, ETA, ETA + timedelta(seconds=1))
    assert vendor_state_text(state, ETA, ETA + timedelta(minutes=1)) == f"Overdue ({state.value})"


@pytest.mark.parametrize("state", [VendorState.FIXED, VendorState.CLOSED])
def test_a_fixed_or_closed_case_is_never_overdue(state: VendorState) -> None:
    assert not vendor_overdue(state, ETA, ETA + timedelta(hours=5))
    assert vendor_state_text(state, ETA, ETA + timedelta(hours=5)) == state.label


def test_no_eta_no_overdue() -> None:
    assert not vendor_overdue(VendorState.OPEN, None, ETA)
