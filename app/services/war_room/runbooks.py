"""The runbooks a major incident can start from, for the declare dialog."""

from __future__ import annotations

from app.adapters.runbooks import available_runbooks
from app.domain.runbook import Runbook


def runbooks() -> list[Runbook]:
    """Every shipped runbook; a broken file raises RunbookError naming the file and line."""
    return available_runbooks()
