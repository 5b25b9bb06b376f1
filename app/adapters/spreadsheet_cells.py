"""Text cells that are safe to open in a spreadsheet (CSV injection, OWASP).

Incident titles, symptoms and callers' names are typed from what callers say. A CSV cell that
begins with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a formula by Excel and
LibreOffice, so `=HYPERLINK(...)` in a title would run when a supervisor opens the export. Such a
cell is written with a leading apostrophe, which spreadsheets show as text. A plain number
(`-5`, `+3.2`) stays a number. The rule is reversible: `restore_cell` gives back the original
text, so importing Calmdesk's own export brings back exactly what was typed. A text that already
begins with apostrophes before a dangerous character gets one more, so the two never collide.
"""

from __future__ import annotations

import re

FORMULA_STARTS = frozenset("=+-@\t\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _risky(text: str) -> bool:
    body = text.lstrip("'")
    return body[:1] in FORMULA_STARTS and not _PLAIN_NUMBER.fullmatch(body)


def safe_cell(text: str) -> str:
    """`text` as a spreadsheet will show it and never run it."""
    return "'" + text if text and _risky(text) else text


def restore_cell(text: str) -> str:
    """The text `safe_cell` was given: the inverse, for reading an export back."""
    return text[1:] if text[:1] == "'" and _risky(text) else text
