"""The commander is prompted to consider a handover every hour, and firmly at three hours."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from app.domain.command_handover import PromptLevel, command_prompt
from app.domain.shift_times import ShiftTimesError, parse_shift_times, shift_change_passed

SINCE = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("minutes", "dismissed", "level"),
    [
        (59, 0, PromptLevel.NONE),
        (60, 0, PromptLevel.CONSIDER),
        (75, 1, PromptLevel.NONE),  # "not now" at 1 h quiets it until 2 h
        (120, 1, PromptLevel.CONSIDER),
        (179, 2, PromptLevel.NONE),
        (180, 3, PromptLevel.FIRM),  # firm at 3 h, whatever was answered before
        (400, 6, PromptLevel.FIRM),
    ],
)
def test_the_prompt_by_time_in_command(minutes: int, dismissed: int, level: PromptLevel) -> None:
    prompt = command_prompt(SINCE, SINCE + timedelta(minutes=minutes), dismissed)
    assert prompt.level == level
    assert prompt.hours == minutes // 60


def test_the_prompt_says_how_long() -> None:
    assert command_prompt(SINCE, SINCE + timedelta(minutes=65)).text.startswith(
        "1 h 05 min in command. Consider handing over"
    )
    assert command_prompt(SINCE, SINCE + timedelta(hours=3)).text.startswith(
        "3 h 00 min in command. Hand over now"
    )


def test_shift_times_are_read_and_the_latest_passed_one_is_found() -> None:
    times = parse_shift_times(["15:00", "07:00", "23:00", "07:00"], "shifts.toml")
    assert times == (time(7), time(15), time(23))
    after = datetime(2026, 1, 5, 14, 59, tzinfo=UTC)
    assert shift_change_passed(times, after, after + timedelta(minutes=1)) == after.replace(
        hour=15, minute=0
    )
    assert shift_change_passed(times, after, after + timedelta(seconds=30)) is None
    overnight = datetime(2026, 1, 5, 22, 0, tzinfo=UTC)
    assert shift_change_passed(times, overnight, overnight + timedelta(hours=10)) == datetime(
        2026, 1, 6, 7, 0, tzinfo=UTC
    )
    with pytest.raises(ShiftTimesError, match="'7am' is not a time of day"):
        parse_shift_times(["7am"], "shifts.toml")
