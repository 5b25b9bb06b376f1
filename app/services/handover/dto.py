"""A shift handover report: what the incoming supervisor must know, as plain frozen values that
are also stored (as JSON) with the handover, so it reads later as it stood then."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class MajorLine:
    number: str
    title: str
    commander: str
    next_update_due: datetime | None


@dataclass(frozen=True)
class SlaLine:
    number: str
    title: str
    priority: str
    assignee: str
    due: datetime


@dataclass(frozen=True)
class CallbackLine:
    caller: str
    number: str  # the incident, or "" when the call is not linked
    since: datetime


@dataclass(frozen=True)
class GestureLine:
    """A goodwill gesture still owed (apology, credit, priority callback...)."""

    number: str
    kind: str
    to_whom: str
    owner: str
    due: datetime | None


@dataclass(frozen=True)
class VendorLine:
    number: str
    title: str
    vendor: str
    vendor_eta: datetime | None


@dataclass(frozen=True)
class HandoverReport:
    drawn_at: datetime
    majors: tuple[MajorLine, ...]
    breached: tuple[SlaLine, ...]
    at_risk: tuple[SlaLine, ...]
    callbacks: tuple[CallbackLine, ...]
    # None: this database keeps no goodwill gestures yet, which is not the same as none owed.
    gestures: tuple[GestureLine, ...] | None
    waiting_on_vendors: tuple[VendorLine, ...]

    def to_data(self) -> dict[str, Any]:
        def plain(value: Any) -> Any:
            if isinstance(value, datetime):
                return value.isoformat()
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            if isinstance(value, list | tuple):
                return [plain(v) for v in value]
            return value

        return {
            "drawn_at": self.drawn_at.isoformat(),
            "majors": [plain(asdict(m)) for m in self.majors],
            "breached": [plain(asdict(s)) for s in self.breached],
            "at_risk": [plain(asdict(s)) for s in self.at_risk],
            "callbacks": [plain(asdict(c)) for c in self.callbacks],
            "gestures": None
            if self.gestures is None
            else [plain(asdict(g)) for g in self.gestures],
            "waiting_on_vendors": [plain(asdict(v)) for v in self.waiting_on_vendors],
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> HandoverReport:
        def when(value: Any) -> datetime | None:
            return None if value is None else datetime.fromisoformat(str(value))

        def sla(d: dict[str, Any]) -> SlaLine:
            return SlaLine(d["number"], d["title"], d["priority"], d["assignee"], when(d["due"]))  # type: ignore[arg-type]

        gestures = data.get("gestures")
        return cls(
            drawn_at=datetime.fromisoformat(str(data["drawn_at"])),
            majors=tuple(
                MajorLine(d["number"], d["title"], d["commander"], when(d["next_update_due"]))
                for d in data.get("majors", [])
            ),
            breached=tuple(sla(d) for d in data.get("breached", [])),
            at_risk=tuple(sla(d) for d in data.get("at_risk", [])),
            callbacks=tuple(
                CallbackLine(d["caller"], d["number"], when(d["since"]))  # type: ignore[arg-type]
                for d in data.get("callbacks", [])
            ),
            gestures=None
            if gestures is None
            else tuple(
                GestureLine(d["number"], d["kind"], d["to_whom"], d["owner"], when(d["due"]))
                for d in gestures
            ),
            waiting_on_vendors=tuple(
                VendorLine(d["number"], d["title"], d["vendor"], when(d["vendor_eta"]))
                for d in data.get("waiting_on_vendors", [])
            ),
        )


@dataclass(frozen=True)
class Handover:
    id: int
    shift: str
    created_at: datetime
    created_by_id: int | None
    created_by: str
    report: HandoverReport
    notes: str
    notes_updated_at: datetime | None
    acknowledged_at: datetime | None
    acknowledged_by: str
    version: int

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None
