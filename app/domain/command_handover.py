"""When a major incident's commander should think about handing over.

Common practice in major-incident response: a commander considers handing over every hour, and
hands over at three hours at the latest, because a tired commander misses things. The prompt
comes back each hour after the commander said "not now"; at three hours it stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

CONSIDER_EVERY = timedelta(hours=1)
FIRM_AFTER = timedelta(hours=3)
BRIEF_MAX = 1000


class PromptLevel(StrEnum):
    NONE = "none"
    CONSIDER = "consider"
    FIRM = "firm"


@dataclass(frozen=True)
class CommandPrompt:
    level: PromptLevel
    hours: int  # whole hours in command
    text: str


def in_command_for(since: datetime, now: datetime) -> str:
    minutes = max(0, int((now - since).total_seconds() // 60))
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def command_prompt(since: datetime, now: datetime, dismissed_hour: int = 0) -> CommandPrompt:
    """The prompt for a commander in command since `since`. `dismissed_hour`: the whole hour at
    which they last answered "not now" (0: never), which quiets the hourly prompt until the next
    hour, but not the firm one."""
    elapsed = now - since
    hours = max(0, int(elapsed // CONSIDER_EVERY))
    held = in_command_for(since, now)
    if elapsed >= FIRM_AFTER:
        return CommandPrompt(
            PromptLevel.FIRM,
            hours,
            f"{held} in command. Hand over now: choose a fresh commander and brief them.",
        )
    if hours >= 1 and hours > dismissed_hour:
        return CommandPrompt(
            PromptLevel.CONSIDER,
            hours,
            f"{held} in command. Consider handing over while you can still brief well.",
        )
    return CommandPrompt(PromptLevel.NONE, hours, "")
