"""Vendor escalations: the states of a case with an outside supplier, and when it is overdue."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum


class VendorState(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    FIXED = "fixed"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def waiting(self) -> bool:
        """Still waiting on the vendor: its ETA matters."""
        return self in (VendorState.OPEN, VendorState.ACKNOWLEDGED)


def vendor_overdue(state: VendorState, vendor_eta: datetime | None, now: datetime) -> bool:
    """A vendor whose promised time has passed while we still wait on them is overdue."""
    return state.waiting and vendor_eta is not None and now > vendor_eta


def vendor_state_text(state: VendorState, vendor_eta: datetime | None, now: datetime) -> str:
    """'Acknowledged', or 'Overdue (acknowledged)' once the vendor's ETA has passed."""
    if vendor_overdue(state, vendor_eta, now):
        return f"Overdue ({state.value})"
    return state.label
