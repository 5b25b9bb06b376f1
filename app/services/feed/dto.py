"""Frozen data of the change feed: where a reader is, and what changed since."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FeedCursor:
    """Where a reader is in the change feed. Opaque: pass back what `head` or `since` returned.

    On SQLite, `position` is the last change-log id read (writers are serialised, so ids commit
    in order). On PostgreSQL it is the oldest transaction id that may still commit, and `seen`
    holds the transactions at or after it that were already read.
    """

    position: int = 0
    seen: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class ChangeBatch:
    """What changed since a cursor in the change feed; views refresh only these rows."""

    cursor: FeedCursor
    incident_ids: frozenset[int]
    other_entities: frozenset[str]

    @property
    def empty(self) -> bool:
        return not self.incident_ids and not self.other_entities
