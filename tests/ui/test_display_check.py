"""Started without a display, the console says so in one line and exits 2 instead of aborting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ui.display_check import NO_DISPLAY, missing_display


def test_the_console_without_a_display_says_how_to_run_it_and_exits_2(
    calmdesk_home: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    env["CALMDESK_HOME"] = str(calmdesk_home)
    result = subprocess.run(
        [sys.executable, "-m", "ui.launcher"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [NO_DISPLAY]
    assert "QT_QPA_PLATFORM=offscreen" in result.stderr
    assert not (calmdesk_home / "data").exists()  # it stopped before touching anything


@pytest.mark.parametrize(
    ("env", "platform"),
    [
        ({"DISPLAY": ":0"}, "linux"),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux"),
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux"),
        ({}, "win32"),
        ({}, "darwin"),
    ],
)
def test_a_display_or_a_chosen_platform_lets_the_console_start(
    env: dict[str, str], platform: str
) -> None:
    assert missing_display(env, platform) is None


def test_no_display_on_linux_is_named() -> None:
    assert missing_display({}, "linux") == NO_DISPLAY
