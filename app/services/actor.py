"""Who is acting: the signed-in agent. Apart from the service context so the console's first
screen (read before SQLAlchemy is imported) can name the agent too."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.roles import Action, Role, require


@dataclass(frozen=True)
class Actor:
    agent_id: int
    login: str
    name: str
    role: Role

    def require(self, action: Action) -> None:
        require(self.role, action)
