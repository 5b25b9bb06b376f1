"""People from a CSV export or a vCard file, for `calmdesk directory sync --csv / --vcard`.

CSV: a header row naming the columns, any order, case-insensitive: `name` (required), `email`,
`phone`, `mobile`, `department`, `location`, `manager`, `vip` (1/true/yes/x), and `id` (the
directory's id; without it a person is known by their e-mail). vCard 3.0/4.0: FN, EMAIL, TEL
(TYPE=cell is the mobile), ORG (its second part, else the first, is the department), ADR or
X-LOCATION, X-MANAGER, CATEGORIES containing VIP, UID.
"""

from __future__ import annotations

import csv
from pathlib import Path

from app.domain.directory_people import DirectoryPerson, is_true
from app.domain.errors import CalmdeskError

COLUMNS = ("id", "name", "email", "phone", "mobile", "department", "location", "manager", "vip")


class DirectoryFileError(CalmdeskError):
    """A directory file that cannot be read: says which file, which line and what to do."""


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DirectoryFileError(f"{path}: no such file.") from None
    except UnicodeDecodeError:
        raise DirectoryFileError(
            f"{path}: not UTF-8 text; save it as UTF-8 and try again."
        ) from None
    except OSError as exc:
        raise DirectoryFileError(f"{path}: cannot be read ({exc.strerror}).") from None


def read_csv(path: Path) -> list[DirectoryPerson]:
    reader = csv.DictReader(_text(path).splitlines())
    header = [h.strip().lower() for h in reader.fieldnames or []]
    if "name" not in header:
        raise DirectoryFileError(
            f"{path}: the first line must name the columns, with at least 'name' "
            f"(known: {', '.join(COLUMNS)})."
        )
    people = []
    for line, row in enumerate(reader, start=2):
        cells = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        name = " ".join(cells.get("name", "").split())
        if not name:
            raise DirectoryFileError(f"{path}, line {line}: no name; every person needs one.")
        ref = cells.get("id") or cells.get("email", "").lower()
        if not ref:
            raise DirectoryFileError(
                f"{path}, line {line}: {name} has neither an id nor an e-mail to know them by."
            )
        people.append(
            DirectoryPerson(
                ref=f"csv:{ref}",
                name=name,
                email=cells.get("email", ""),
                phone=cells.get("phone", ""),
                mobile=cells.get("mobile", ""),
                department=cells.get("department", ""),
                location=cells.get("location", ""),
                manager=cells.get("manager", ""),
                vip=is_true(cells.get("vip", "")),
            )
        )
    return people


def _unfold(text: str) -> list[str]:
    lines: list[str] = []
    for raw in text.splitlines():
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] += raw[1:]
        elif raw.strip():
            lines.append(raw)
    return lines


def _unescape(value: str) -> str:
    return value.replace("\\n", " ").replace("\\,", ",").replace("\\;", ";").replace("\\\\", "\\")


def read_vcard(path: Path) -> list[DirectoryPerson]:
    people: list[DirectoryPerson] = []
    card: dict[str, str] | None = None
    for line in _unfold(_text(path)):
        key, sep, value = line.partition(":")
        if not sep:
            raise DirectoryFileError(f"{path}: '{line[:40]}' is not a vCard line (NAME:value).")
        name, *params = key.split(";")
        name = name.upper().split(".")[-1]  # item1.TEL → TEL
        types = ",".join(p.upper() for p in params)
        if name == "BEGIN" and value.strip().upper() == "VCARD":
            card = {}
        elif name == "END" and card is not None:
            people.append(_person(path, card, len(people) + 1))
            card = None
        elif card is not None:
            value = value.strip()
            if name == "TEL":
                slot = "mobile" if "CELL" in types else "phone"
                card.setdefault(slot, value)
            elif name == "ORG":
                parts = [_unescape(p) for p in value.split(";") if p.strip()]
                card.setdefault(
                    "department", parts[1] if len(parts) > 1 else parts[0] if parts else ""
                )
            elif name == "ADR":
                parts = [_unescape(p).strip() for p in value.split(";") if p.strip()]
                card.setdefault("location", ", ".join(parts))
            elif name == "CATEGORIES":
                card["vip"] = "1" if "VIP" in value.upper().split(",") else card.get("vip", "")
            else:
                field = {
                    "FN": "name",
                    "EMAIL": "email",
                    "UID": "uid",
                    "X-MANAGER": "manager",
                    "X-LOCATION": "location",
                }.get(name)
                if field:
                    card.setdefault(field, _unescape(value))
    if card is not None:
        raise DirectoryFileError(f"{path}: the last card has no END:VCARD; the file is cut short.")
    if not people:
        raise DirectoryFileError(f"{path}: no BEGIN:VCARD in it; is it a vCard (.vcf) file?")
    return people


def _person(path: Path, card: dict[str, str], number: int) -> DirectoryPerson:
    name = " ".join(card.get("name", "").split())
    if not name:
        raise DirectoryFileError(f"{path}: card {number} has no FN (full name).")
    ref = card.get("uid") or card.get("email", "").lower()
    if not ref:
        raise DirectoryFileError(f"{path}: card {number} ({name}) has neither UID nor EMAIL.")
    return DirectoryPerson(
        ref=f"vcard:{ref}",
        name=name,
        email=card.get("email", ""),
        phone=card.get("phone", ""),
        mobile=card.get("mobile", ""),
        department=card.get("department", ""),
        location=card.get("location", ""),
        manager=card.get("manager", ""),
        vip=card.get("vip") == "1",
    )
