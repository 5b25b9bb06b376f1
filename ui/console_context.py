"""The one small context the composition root builds and hands to each window."""

from __future__ import annotations

from dataclasses import dataclass

from app.adapters.outbox_store import OutboxStore
from app.adapters.secrets import PasswordVault
from app.db.live import ChangeWatcher
from app.services.context import ServiceContext
from app.services.directory.reads import Directory
from app.services.feed.reads import ChangeFeed
from app.services.incidents.commands import IncidentCommands
from app.services.incidents.reads import IncidentReads
from app.services.offline.outbox import Outbox
from app.settings import Settings
from ui.live.live_updates import LiveUpdates
from ui.live.offline_monitor import OfflineMonitor
from ui.task_runner import TaskRunner

OUTBOX_FILE = "outbox.sqlite3"


@dataclass(frozen=True)
class ConsoleContext:
    settings: Settings
    services: ServiceContext
    runner: TaskRunner
    reads: IncidentReads
    commands: IncidentCommands
    directory: Directory
    feed: ChangeFeed
    vault: PasswordVault  # database passwords: the keyring, or this session's memory
    live: LiveUpdates  # wakes the views when another console commits (may watch nothing)
    # Sends calls, notes, ticks and updates through the outbox, which keeps them while the
    # database is unreachable; says where things stand and reconnects.
    offline: OfflineMonitor

    @classmethod
    def build(
        cls,
        settings: Settings,
        services: ServiceContext,
        runner: TaskRunner,
        *,
        vault: PasswordVault | None = None,
        watcher: ChangeWatcher | None = None,
    ) -> ConsoleContext:
        return cls(
            settings=settings,
            services=services,
            runner=runner,
            reads=IncidentReads(services),
            commands=IncidentCommands(services),
            directory=Directory(services),
            feed=ChangeFeed(services.db),
            vault=vault or PasswordVault(),
            live=LiveUpdates(watcher),
            offline=OfflineMonitor(
                Outbox(services, OutboxStore(settings.data_dir / OUTBOX_FILE)), runner
            ),
        )
