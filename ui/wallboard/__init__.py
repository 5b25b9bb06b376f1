"""The supervisor wallboard: `open_wallboard(context, parent)` shows it full screen."""

from ui.wallboard.window import Wallboard, open_wallboard

__all__ = ["Wallboard", "open_wallboard"]
