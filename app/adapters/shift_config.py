"""The shift changes at which a handover report is due, from `shifts.toml` in the config folder:

    shift_changes = ["07:00", "15:00", "23:00"]   # local times of day

No file, or an empty list: handovers only on demand.
"""

from __future__ import annotations

import tomllib
from datetime import time
from pathlib import Path

from app.domain.shift_times import ShiftTimesError, parse_shift_times

FILE_NAME = "shifts.toml"


def shift_times(config_dir: Path) -> tuple[time, ...]:
    """The configured shift changes; raises ShiftTimesError naming the file when it is wrong."""
    path = config_dir / FILE_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ()
    except (OSError, UnicodeDecodeError) as exc:
        raise ShiftTimesError(f"{path}: cannot be read ({exc}).") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ShiftTimesError(f"{path}: not valid TOML ({exc}).") from None
    values = data.get("shift_changes", [])
    if not isinstance(values, list):
        raise ShiftTimesError(f'{path}: write shift_changes = ["07:00", "15:00", "23:00"].')
    return parse_shift_times(values, str(path))
