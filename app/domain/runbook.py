"""Runbooks: checklist templates written in TOML, turned into an incident's checklist.

title = "Email outage"
[[items]]
text = "Confirm scope with the mail team"
owner = "commander"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass

from app.domain.errors import CalmdeskError

OWNER_ROLES = ("commander", "comms", "tech", "service_desk", "vendor_manager")


class RunbookError(CalmdeskError):
    """A runbook file that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class RunbookItem:
    text: str
    owner: str


@dataclass(frozen=True)
class Runbook:
    key: str
    title: str
    items: tuple[RunbookItem, ...]


def parse_runbook(key: str, text: str, source: str) -> Runbook:
    """Parse a runbook's TOML text; `source` (a file name) goes into every error message."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RunbookError(f"{source}: not valid TOML ({exc}).") from exc
    except RecursionError:  # tomllib recurses once per nested array or table
        raise RunbookError(f"{source}: not valid TOML (its values nest too deeply).") from None
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise RunbookError(f'{source}: needs a title, for example title = "Email outage".')
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise RunbookError(f"{source}: needs at least one [[items]] entry.")
    items = []
    for number, raw in enumerate(raw_items, start=1):
        where = f"{source}: item {number} ({_line_of_item(text, number)})"
        if (
            not isinstance(raw, dict)
            or not isinstance(raw.get("text"), str)
            or not raw["text"].strip()
        ):
            raise RunbookError(f"{where} needs a text.")
        owner = raw.get("owner", "commander")
        if owner not in OWNER_ROLES:
            raise RunbookError(f"{where} has owner {owner!r}; use one of {', '.join(OWNER_ROLES)}.")
        items.append(RunbookItem(text=raw["text"].strip(), owner=owner))
    return Runbook(key=key, title=title.strip(), items=tuple(items))


def _line_of_item(text: str, number: int) -> str:
    seen = 0
    for line_number, line in enumerate(text.splitlines(), start=1):
        if line.strip() == "[[items]]":
            seen += 1
            if seen == number:
                return f"line {line_number}"
    return "line unknown"
