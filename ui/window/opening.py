"""What the main window shows before the console's context exists: who is signed in, where the
data lives, and where the window's layout is kept. From the first screen (ui/console.py), or
from the context itself."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.services.actor import Actor

if TYPE_CHECKING:
    from ui.console_context import ConsoleContext


@dataclass(frozen=True)
class Opening:
    ui_state_file: Path
    actor: Actor
    backend: str  # "sqlite" or "postgresql"
    description: str  # app/db/location.py's words

    @classmethod
    def of(cls, context: ConsoleContext) -> Opening:
        db = context.services.db
        return cls(
            context.settings.ui_state_file, context.services.actor, db.backend, db.description
        )

    @property
    def where(self) -> str:
        """The status bar's words: "Local file: /home/sam/calmdesk.sqlite3", "Shared server:
        PostgreSQL calmdesk on db.example"."""
        if self.backend == "sqlite":
            return f"Local file: {self.description.removeprefix('local file ')}"
        return f"Shared server: {self.description}"
