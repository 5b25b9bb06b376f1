"""Drill scripts: the shipped ones parse, and a broken file is refused with its name and line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.adapters.drill_scripts import available_scripts, script_file, shipped_scripts
from app.adapters.runbooks import load_runbook
from app.domain.drill_script import DrillScriptError, ScriptedCall, Twist, parse_drill_script

GOOD = """title = "Drill"
runbook = "email-outage"

[incident]
title = "Mail down"

[[call]]
minute = 5
caller = "B"
words = "later"

[[call]]
minute = 1
caller = "A"
words = "first"

[[twist]]
minute = 3
says = "VPN too"
service = "VPN"
state = "degraded"
"""


def test_every_shipped_script_parses_and_names_a_shipped_runbook() -> None:
    scripts = available_scripts()
    assert {s.key for s in scripts} >= {"email-outage", "network-outage"}
    for script in scripts:
        assert load_runbook(script.runbook).key == script.runbook
        assert script.calls, script.key
    assert any(isinstance(e, Twist) for s in scripts for e in s.events)
    assert len(shipped_scripts()) == len(scripts)


def test_events_play_in_time_order_and_become_due_once_their_minute_comes() -> None:
    script = parse_drill_script("d", GOOD, "d.toml")
    assert [e.minute for e in script.events] == [1, 3, 5]
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    due = script.due(start, 0, start + timedelta(minutes=3))
    assert [i for i, _ in due] == [0, 1]
    assert script.due(start, 2, start + timedelta(minutes=4)) == []
    assert isinstance(script.due(start, 2, start + timedelta(minutes=5))[0][1], ScriptedCall)


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        (GOOD.replace('words = "later"', ""), "d.toml, line 7 (call 1): needs the caller's words"),
        (GOOD.replace("minute = 1", 'minute = "one"'), "d.toml, line 12 (call 2): needs minute"),
        (GOOD.replace('"degraded"', '"wobbly"'), "d.toml, line 17 (twist 1): state is one of"),
        (GOOD.replace('title = "Mail down"', ""), "d.toml, line 4 (incident): needs a title"),
        (GOOD.replace("minute = 3", "minute = 3\nminute = 4"), "d.toml: not valid TOML"),
        (GOOD.replace('runbook = "email-outage"', ""), "d.toml: needs runbook"),
    ],
)
def test_a_broken_script_names_the_file_and_line(broken: str, expected: str) -> None:
    with pytest.raises(DrillScriptError) as caught:
        parse_drill_script("d", broken, "d.toml")
    assert str(caught.value).startswith(expected)


def test_a_toml_syntax_error_says_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(GOOD.replace('caller = "A"', "caller = A"), encoding="utf-8")
    with pytest.raises(DrillScriptError, match=r"broken\.toml: not valid TOML .*line 14"):
        script_file(path)
