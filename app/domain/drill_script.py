"""Drill scripts: a rehearsed outage written in TOML, played on the console's clock.

title = "Email outage, Monday 9:00"
runbook = "email-outage"              # the runbook it rehearses (offered first)

[incident]                             # the first report, opened when the drill starts
title = "Outlook cannot connect"
service = "Email"
impact = 1
urgency = 1

[[call]]                               # a call arriving `minute` minutes after the start
minute = 2
caller = "Dana Whitfield"
words = "Outlook says disconnected"
callback = true

[[vendor]]                             # the vendor answering (late)
minute = 25
vendor = "Microsoft 365 support"
says = "Engineering is looking at it"
eta_minute = 70                        # their fix time, minutes after the start

[[twist]]                              # what changes the plan
minute = 30
says = "Webmail fails too: the workaround stops working"
service = "Teams"                      # optional: a second service...
state = "degraded"                     # ...and how it is now
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.domain.errors import CalmdeskError
from app.domain.services_state import ServiceState

MAX_MINUTE = 24 * 60
MAX_EVENTS = 500
TEXT_MAX = 500


class DrillScriptError(CalmdeskError):
    """A drill script that cannot be played; the message names the file and line."""


@dataclass(frozen=True)
class DrillIncident:
    title: str
    service: str
    impact: int
    urgency: int
    description: str


@dataclass(frozen=True)
class ScriptedCall:
    minute: int
    caller: str
    words: str
    callback: bool
    channel: str


@dataclass(frozen=True)
class VendorAnswer:
    minute: int
    vendor: str
    says: str
    eta_minute: int | None


@dataclass(frozen=True)
class Twist:
    minute: int
    says: str
    service: str
    state: ServiceState | None
    workaround_fails: bool


DrillEvent = ScriptedCall | VendorAnswer | Twist


@dataclass(frozen=True)
class DrillScript:
    key: str
    title: str
    runbook: str
    incident: DrillIncident
    events: tuple[DrillEvent, ...]  # in playing order: by minute, then as written

    def due(self, started_at: datetime, played: int, now: datetime) -> list[tuple[int, DrillEvent]]:
        """The events not played yet (index >= `played`) whose time has come, with their index."""
        return [
            (index, event)
            for index, event in enumerate(self.events)
            if index >= played and event_time(started_at, event) <= now
        ]

    @property
    def calls(self) -> tuple[ScriptedCall, ...]:
        return tuple(e for e in self.events if isinstance(e, ScriptedCall))

    @property
    def length(self) -> timedelta:
        return timedelta(minutes=max((e.minute for e in self.events), default=0))


def event_time(started_at: datetime, event: DrillEvent) -> datetime:
    return started_at + timedelta(minutes=event.minute)


def parse_drill_script(key: str, text: str, source: str) -> DrillScript:
    """Parse a drill script's TOML; `source` (a file name) goes into every error message."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DrillScriptError(f"{source}: not valid TOML ({exc}).") from exc
    except RecursionError:
        raise DrillScriptError(f"{source}: not valid TOML (its values nest too deeply).") from None
    lines = _Lines(text, source)
    title = _text(data, "title", f'{source}: needs a title, for example title = "Email outage"')
    runbook = _text(data, "runbook", f'{source}: needs runbook = "<runbook file name>"')
    incident = _incident(data.get("incident"), lines)
    events: list[DrillEvent] = []
    for table, build in (("call", _call), ("vendor", _vendor), ("twist", _twist)):
        raw = data.get(table, [])
        if not isinstance(raw, list):
            raise DrillScriptError(f"{lines.of(table, 1)}: write each {table} as [[{table}]].")
        for number, entry in enumerate(raw, start=1):
            where = lines.of(table, number)
            if not isinstance(entry, dict):
                raise DrillScriptError(f"{where}: write each {table} as [[{table}]].")
            events.append(build(entry, where))
    if not any(isinstance(e, ScriptedCall) for e in events):
        raise DrillScriptError(
            f"{source}: needs at least one [[call]]: a drill without calls rehearses nothing."
        )
    if len(events) > MAX_EVENTS:
        raise DrillScriptError(f"{source}: has {len(events)} events; keep it to {MAX_EVENTS}.")
    ordered = sorted(enumerate(events), key=lambda pair: (pair[1].minute, pair[0]))
    return DrillScript(
        key=key,
        title=title,
        runbook=runbook,
        incident=incident,
        events=tuple(e for _, e in ordered),
    )


class _Lines:
    """Where the n-th [[table]] (or [table]) of the file starts, for error messages."""

    def __init__(self, text: str, source: str) -> None:
        self._lines = text.splitlines()
        self._source = source

    def of(self, table: str, number: int, single: bool = False) -> str:
        header = f"[{table}]" if single else f"[[{table}]]"
        seen = 0
        for line_number, line in enumerate(self._lines, start=1):
            if line.split("#", 1)[0].strip() == header:
                seen += 1
                if seen == number:
                    label = table if single else f"{table} {number}"
                    return f"{self._source}, line {line_number} ({label})"
        return f"{self._source} ({table})" if single else f"{self._source} ({table} {number})"


def _text(data: dict[str, object], name: str, message: str, limit: int = TEXT_MAX) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        raise DrillScriptError(message + ".")
    cleaned = " ".join(value.split())
    if len(cleaned) > limit:
        raise DrillScriptError(f"{message.split(':')[0]}: {name} is too long ({limit} at most).")
    return cleaned


def _optional_text(entry: dict[str, object], name: str, where: str) -> str:
    value = entry.get(name, "")
    if not isinstance(value, str):
        raise DrillScriptError(f'{where}: {name} is text, in quotes: {name} = "..."')
    cleaned = " ".join(value.split())
    if len(cleaned) > TEXT_MAX:
        raise DrillScriptError(f"{where}: {name} is too long ({TEXT_MAX} characters at most).")
    return cleaned


def _minute(entry: dict[str, object], name: str, where: str, required: bool = True) -> int | None:
    value = entry.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise DrillScriptError(
            f"{where}: needs {name} = <whole minutes after the start>, for example {name} = 5."
        )
    if not 0 <= value <= MAX_MINUTE:
        raise DrillScriptError(f"{where}: {name} = {value} is outside 0 to {MAX_MINUTE}.")
    return value


def _level(data: dict[str, object], name: str, where: str) -> int:
    value = data.get(name, 2)
    if isinstance(value, bool) or value not in (1, 2, 3):
        raise DrillScriptError(f"{where}: {name} is 1 (high), 2 (medium) or 3 (low).")
    assert isinstance(value, int)
    return value


def _incident(raw: object, lines: _Lines) -> DrillIncident:
    where = lines.of("incident", 1, single=True)
    if not isinstance(raw, dict):
        raise DrillScriptError(f"{where}: needs an [incident] table with its title.")
    return DrillIncident(
        title=_text(raw, "title", f"{where}: needs a title", limit=300),
        service=_optional_text(raw, "service", where),
        impact=_level(raw, "impact", where),
        urgency=_level(raw, "urgency", where),
        description=_optional_text(raw, "description", where),
    )


def _call(entry: dict[str, object], where: str) -> ScriptedCall:
    minute = _minute(entry, "minute", where)
    assert minute is not None
    callback = entry.get("callback", False)
    if not isinstance(callback, bool):
        raise DrillScriptError(f"{where}: callback is true or false.")
    channel = entry.get("channel", "phone")
    if channel not in ("phone", "email", "walk_in", "chat"):
        raise DrillScriptError(f"{where}: channel is phone, email, walk_in or chat.")
    assert isinstance(channel, str)
    return ScriptedCall(
        minute=minute,
        caller=_text(entry, "caller", f"{where}: needs the caller's name", limit=200),
        words=_text(entry, "words", f"{where}: needs the caller's words"),
        callback=callback,
        channel=channel,
    )


def _vendor(entry: dict[str, object], where: str) -> VendorAnswer:
    minute = _minute(entry, "minute", where)
    assert minute is not None
    return VendorAnswer(
        minute=minute,
        vendor=_text(entry, "vendor", f"{where}: needs the vendor's name", limit=200),
        says=_text(entry, "says", f"{where}: needs what the vendor says"),
        eta_minute=_minute(entry, "eta_minute", where, required=False),
    )


def _twist(entry: dict[str, object], where: str) -> Twist:
    minute = _minute(entry, "minute", where)
    assert minute is not None
    state_text = entry.get("state")
    state: ServiceState | None = None
    if state_text is not None:
        try:
            state = ServiceState(str(state_text))
        except ValueError:
            names = ", ".join(s.value for s in ServiceState)
            raise DrillScriptError(f"{where}: state is one of {names}.") from None
    service = _optional_text(entry, "service", where)
    if state is not None and not service:
        raise DrillScriptError(f"{where}: a state needs the service it applies to.")
    fails = entry.get("workaround_fails", False)
    if not isinstance(fails, bool):
        raise DrillScriptError(f"{where}: workaround_fails is true or false.")
    return Twist(
        minute=minute,
        says=_text(entry, "says", f"{where}: needs what happens"),
        service=service,
        state=state,
        workaround_fails=fails,
    )
