"""The state of a business service, as users would describe it."""

from __future__ import annotations

from enum import StrEnum


class ServiceState(StrEnum):
    OPERATIONAL = "operational"
    DEGRADED = "degraded"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"
    MAINTENANCE = "maintenance"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def is_outage(self) -> bool:
        return self in (ServiceState.PARTIAL_OUTAGE, ServiceState.MAJOR_OUTAGE)
