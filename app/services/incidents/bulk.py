"""Acting on a selection of incidents. Each incident is its own transaction, so one conflict
(a colleague changed it meanwhile) never undoes the others; the outcome says which failed, why."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from app.domain.errors import CalmdeskError
from app.domain.lifecycle import HoldReason, Status
from app.services.context import ServiceContext
from app.services.incidents.claims import Claims
from app.services.incidents.commands import IncidentCommands


@dataclass(frozen=True)
class BulkTarget:
    incident_id: int
    version: int
    number: str


@dataclass(frozen=True)
class BulkOutcome:
    done: tuple[str, ...]
    failed: tuple[tuple[str, str], ...]  # (number, reason)

    @property
    def summary(self) -> str:
        total = len(self.done) + len(self.failed)
        text = f"{len(self.done)} of {total} incidents changed."
        if self.failed:
            text += " Not changed: " + "; ".join(f"{n}: {why}" for n, why in self.failed)
        return text


class BulkCommands:
    def __init__(self, ctx: ServiceContext) -> None:
        self._commands = IncidentCommands(ctx)
        self._claims = Claims(ctx)

    def assign(
        self, targets: Sequence[BulkTarget], assignee_id: int | None, team_id: int | None = None
    ) -> BulkOutcome:
        return self._each(
            targets,
            lambda t: self._commands.assign(
                t.incident_id, t.version, assignee_id=assignee_id, team_id=team_id
            ),
        )

    def assign_to_me(self, targets: Sequence[BulkTarget]) -> BulkOutcome:
        """Take each incident; one a colleague took first fails with their name."""
        return self._each(targets, lambda t: self._claims.assign_to_me(t.incident_id, t.version))

    def link(self, targets: Sequence[BulkTarget], parent_id: int) -> BulkOutcome:
        return self._each(
            [t for t in targets if t.incident_id != parent_id],
            lambda t: self._commands.link_to_parent(t.incident_id, t.version, parent_id),
        )

    def transition(
        self,
        targets: Sequence[BulkTarget],
        target: Status,
        *,
        hold_reason: HoldReason | None = None,
        resolution: str | None = None,
    ) -> BulkOutcome:
        return self._each(
            targets,
            lambda t: self._commands.transition(
                t.incident_id, t.version, target, hold_reason=hold_reason, resolution=resolution
            ),
        )

    @staticmethod
    def _each(targets: Sequence[BulkTarget], act: Callable[[BulkTarget], object]) -> BulkOutcome:
        done: list[str] = []
        failed: list[tuple[str, str]] = []
        for target in targets:
            try:
                act(target)
            except CalmdeskError as exc:
                failed.append((target.number, str(exc)))
            else:
                done.append(target.number)
        return BulkOutcome(tuple(done), tuple(failed))
