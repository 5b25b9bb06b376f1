"""The `calmdesk` command: the console window, or a headless command when one is given."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence

from app.cli import build_parser, run_command


def main(argv: Sequence[str] | None = None) -> int:
    started = time.perf_counter()
    args = build_parser().parse_args(argv)
    if args.command is not None:
        return run_command(args)
    from ui.display_check import missing_display

    reason = missing_display(os.environ)
    if reason is not None:
        print(reason, file=sys.stderr)
        return 2
    # Qt is imported only for the window, so headless commands start fast and run without it.
    from ui.console import run_console

    return run_console(args, started)


if __name__ == "__main__":
    raise SystemExit(main())
