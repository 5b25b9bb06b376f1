"""Before Qt starts: is there a screen to open the console on?

Without one (over ssh, in a service) Qt aborts with "could not load the Qt platform plugin" and
signal 6. On Linux and the BSDs the console needs an X11 or Wayland display, unless a platform was
chosen explicitly (QT_QPA_PLATFORM=offscreen for tests and screenshots). Windows and macOS always
have their own.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping

NO_DISPLAY = (
    "calmdesk: there is no display to open the console on (DISPLAY and WAYLAND_DISPLAY are not "
    "set). Run it from a desktop session, or headless with QT_QPA_PLATFORM=offscreen; "
    "`calmdesk --help` lists the commands that need no screen (export, report, import, db)."
)


def missing_display(env: Mapping[str, str], platform: str = sys.platform) -> str | None:
    """The one line to print when the console cannot open a window here, else None."""
    if platform.startswith(("win", "darwin", "cygwin")):
        return None
    if env.get("QT_QPA_PLATFORM") or env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return None
    return NO_DISPLAY
