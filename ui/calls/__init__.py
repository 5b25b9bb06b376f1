"""Call logging during outages: the Ctrl+L form, outage matching, the call and callback lists,
and the surge banner. `install_call_logging(window, context)` adds it all to a main window."""

from ui.calls.installer import CallLogging, install_call_logging

__all__ = ["CallLogging", "install_call_logging"]
