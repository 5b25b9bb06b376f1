"""The one small context the composition root builds and hands to each window."""

from __future__ import annotations

from dataclasses import dataclass

from app.adapters.outbox_store import OutboxStore
from app.adapters.secrets import PasswordVault
from app.services.context import ServiceContext
from app.services.directory.reads import Directory
from app.services.feed.reads import ChangeFeed
from app.services.feed.watching import ChangeWatcher
from app.services.incidents.commands import IncidentCommands
from app.services.incidents.reads import IncidentReads
from app.services.offline.outbox import Outbox
from app.services.server_time.clock_sync import ClockSync
from app.settings import Settings
from ui.live.change_hub import ChangeHub
from ui.live.clock_monitor import ClockMonitor
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
    vault: PasswordVault  # database passwords: the keyring, or this session's memory
    live: LiveUpdates  # wakes the hub when another console commits (may watch nothing)
    # The one reader of the change feed: every view subscribes to it for what changed.
    hub: ChangeHub
    # Sends calls, notes, ticks and updates through the outbox, which keeps them while the
    # database is unreachable; says where things stand and reconnects.
    offline: OfflineMonitor
    # Keeps services.clock on the database server's time and says when this computer's is off.
    clock: ClockMonitor

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
        live = LiveUpdates(watcher)
        return cls(
            settings=settings,
            services=services,
            runner=runner,
            reads=IncidentReads(services),
            commands=IncidentCommands(services),
            directory=Directory(services),
            vault=vault or PasswordVault(),
            live=live,
            hub=ChangeHub(ChangeFeed(services.db), runner, live),
            offline=OfflineMonitor(
                Outbox(services, OutboxStore(settings.data_dir / OUTBOX_FILE)), runner
            ),
            clock=ClockMonitor(ClockSync(services.db, services.clock), runner),
        )
