"""The alert intake's service files start the command the CLI really has, stop it with the signal
it handles gracefully, and wait longer than its own graceful-shutdown limit."""

from __future__ import annotations

import configparser
import re
import shlex
from pathlib import Path

from app.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "installer" / "linux" / "calmdesk-intake.service"
WINDOWS = ROOT / "installer" / "windows" / "install-intake-service.ps1"
GRACEFUL_SECONDS = 30  # app/cli_intake.py: timeout_graceful_shutdown


def _unit() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(UNIT.read_text(encoding="utf-8"))
    return parser


def test_the_systemd_unit_runs_intake_serve_with_options_the_cli_accepts() -> None:
    service = _unit()["Service"]
    program, *arguments = shlex.split(service["ExecStart"])

    args = build_parser().parse_args(arguments)

    assert program.endswith("/bin/calmdesk")
    assert (args.command, args.intake_command) == ("intake", "serve")
    assert str(args.token_file) == "${CREDENTIALS_DIRECTORY}/token"
    assert service["LoadCredential"] == "token:/etc/calmdesk/intake.token"
    assert service["KillSignal"] == "SIGTERM"
    assert int(service["TimeoutStopSec"]) > GRACEFUL_SECONDS


def test_the_windows_recipe_runs_intake_serve_and_stops_it_with_ctrl_c() -> None:
    script = WINDOWS.read_text(encoding="utf-8")
    install = re.search(r"nssm install CalmdeskIntake (.*?)\n(?!\s)", script, re.S)
    assert install is not None
    words = install.group(1).replace("`\n", " ").split()
    stop_wait = re.search(r"AppStopMethodConsole (\d+)", script)

    assert words[1:3] == ["intake", "serve"]
    assert {"--listen", "--token-file", "--mapping"} <= set(words)
    assert "AppStopMethodSkip 6" in script  # Ctrl+C first, nothing harsher before it
    assert stop_wait is not None
    assert int(stop_wait.group(1)) > GRACEFUL_SECONDS * 1000
