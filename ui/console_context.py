"""The one small context the composition root builds and hands to each window."""

from __future__ import annotations

from dataclasses import dataclass

from app.services.change_feed import ChangeFeed
from app.services.context import ServiceContext
from app.services.directory import Directory
from app.services.incident_reads import IncidentReads
from app.services.incidents import IncidentCommands
from app.settings import Settings
from ui.task_runner import TaskRunner


@dataclass(frozen=True)
class ConsoleContext:
    settings: Settings
    services: ServiceContext
    runner: TaskRunner
    reads: IncidentReads
    commands: IncidentCommands
    directory: Directory
    feed: ChangeFeed

    @classmethod
    def build(
        cls, settings: Settings, services: ServiceContext, runner: TaskRunner
    ) -> ConsoleContext:
        return cls(
            settings=settings,
            services=services,
            runner=runner,
            reads=IncidentReads(services),
            commands=IncidentCommands(services),
            directory=Directory(services),
            feed=ChangeFeed(services.db),
        )
