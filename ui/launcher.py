"""The `calmdesk` command: the console window, or a headless command when one is given.

One console per user: `calmdesk` or `calmdesk call --from NUMBER` (or a bare `tel:` / `callto:`
link, as the desktop hands it over) first offers itself to a console already running, which
comes to the front, and exits 0 once it took it (ui/single_instance.py). Only Qt's core and
network modules load before that, so a softphone's hand-over is quick.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.services.first_screen.ahead import ReadAhead

LINK_SCHEMES = ("tel:", "callto:")


def console_argv(argv: Sequence[str]) -> list[str]:
    """A bare link ("calmdesk tel:+44...", the .desktop file's %u) is `call` with that link."""
    argv = list(argv)
    if len(argv) == 1 and argv[0].lower().startswith(LINK_SCHEMES):
        return ["call", argv[0]]
    return argv


def _hands_over(argv: Sequence[str]) -> bool:
    """A launch that a running console can take instead: no command, or an incoming call."""
    return not argv or argv[0] == "call"


def main(argv: Sequence[str] | None = None) -> int:
    started = time.perf_counter()
    argv = console_argv(sys.argv[1:] if argv is None else argv)
    if _hands_over(argv) and "-h" not in argv and "--help" not in argv:
        from ui.pyside_feature_scan import skip_source_scan
        from ui.single_instance import hand_over, instance_name

        skip_source_scan()  # Qt is loaded from here on (ui/pyside_feature_scan.py)
        if hand_over(argv, instance_name()):
            return 0
    from app.cli import build_parser, run_command

    args = build_parser().parse_args(argv)
    if args.command is not None and args.command != "call":
        return run_command(args)
    from ui.display_check import missing_display

    reason = missing_display(os.environ)
    if reason is not None:
        print(reason, file=sys.stderr)
        return 2
    ahead = _read_ahead(args)  # before Qt's widgets: on the other core while they load
    # Qt is imported only for the window, so headless commands start fast and run without it.
    from ui.pyside_feature_scan import skip_source_scan

    skip_source_scan()  # before the console's modules are imported (ui/pyside_feature_scan.py)
    from ui.console import run_console

    return run_console(args, started, ahead)


def _read_ahead(args: argparse.Namespace) -> ReadAhead | None:
    """A team server's first screen, read by a child process (app/services/first_screen/
    ahead.py) while this one loads the window."""
    from app.cli import settings_from
    from app.services.first_screen.ahead import read_ahead
    from ui.queue.queue_day import FIRST_PAGE_ROWS, resolved_since

    now = datetime.now(UTC)
    return read_ahead(settings_from(args).db_url, now, resolved_since(now), FIRST_PAGE_ROWS)


if __name__ == "__main__":
    raise SystemExit(main())
