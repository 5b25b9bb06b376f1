"""Importing history from other help desks: the ServiceNow incident event log, or any CSV with a
column mapping. One transaction per import: a cancel or a failure leaves the database untouched,
a re-import of the same file updates incidents instead of duplicating them, and an incident of
the desk's own is never overwritten by one of the file's that has the same number (writer.py)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from app.adapters.csv_mapping import ColumnMapping, MappedReader, MappingError
from app.adapters.import_files import CsvSource, ImportFileError
from app.adapters.import_records import ImportedIncident, RejectedRow
from app.adapters.mapping_check import FilePreview, read_preview
from app.adapters.servicenow_log import NotAServiceNowLog, ServiceNowReader
from app.db.bulk_rows import bulk_rows
from app.domain.roles import Action
from app.services.context import ServiceContext
from app.services.errors import InvalidInput
from app.services.imports.prepared import PreparedBatch
from app.services.imports.read_in_child import read_in_child
from app.services.imports.writer import (
    BulkImportWriter,
    Cancelled,
    ImportCancelled,
    ImportReport,
    Progress,
    Renumbered,
)

# What the reading sends: a batch with how far into the file it is, and the tally at the end.
_BATCH, _TALLY = "batch", "tally"

__all__ = [
    "ImportCancelled",
    "ImportReport",
    "Renumbered",
    "import_csv",
    "import_servicenow",
    "preview_csv",
]


def _numbered(source: CsvSource, header: list[str]) -> Iterator[tuple[int, list[str]]]:
    for values in source.rows(len(header)):
        yield source.line, values


class _Reader(Protocol):
    """What both importers read a file with: incidents out of numbered rows, and a tally."""

    rows_read: int
    rejected: list[RejectedRow]

    def incidents(self, rows: Iterator[tuple[int, list[str]]]) -> Iterator[ImportedIncident]: ...


def import_servicenow(
    ctx: ServiceContext,
    path: Path,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ImportReport:
    """Import a ServiceNow incident event log (`.csv` or `.csv.xz`)."""

    def reader_for(header: list[str]) -> _Reader:
        try:
            return ServiceNowReader(header)
        except NotAServiceNowLog as exc:
            raise InvalidInput("file", f"{path.name}: {exc}") from exc

    return _import(ctx, path, reader_for, progress, cancelled)


def import_csv(
    ctx: ServiceContext,
    path: Path,
    mapping: ColumnMapping,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ImportReport:
    """Import one incident per row from any CSV, reading columns as `mapping` says."""

    def reader_for(header: list[str]) -> _Reader:
        try:
            return MappedReader(mapping, header)
        except MappingError as exc:
            raise InvalidInput("mapping", f"{path.name}: {exc}") from exc

    return _import(ctx, path, reader_for, progress, cancelled)


def _import(
    ctx: ServiceContext,
    path: Path,
    reader_for: Callable[[list[str]], _Reader],
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> ImportReport:
    ctx.actor.require(Action.IMPORT_DATA)
    started = time.perf_counter()
    with _open(path) as source:
        header = _header(source)
        reader = reader_for(header)
        done = _run(ctx, source, reader, header, progress, cancelled)
        return ImportReport(
            source=path.name,
            rows_read=done.rows_read,
            incidents_created=done.created,
            incidents_updated=done.updated,
            events_added=done.events,
            rejected=done.rejected,
            seconds=time.perf_counter() - started,
            renumbered=done.renumbered,
        )


def preview_csv(path: Path) -> FilePreview:
    """A file's header and first rows, for the column-mapping step (reads nothing else)."""
    try:
        return read_preview(path)
    except ImportFileError as exc:
        raise InvalidInput("file", str(exc)) from exc


def _open(path: Path) -> CsvSource:
    try:
        return CsvSource(path)
    except ImportFileError as exc:
        raise InvalidInput("file", str(exc)) from exc


def _header(source: CsvSource) -> list[str]:
    try:
        return source.header()
    except ImportFileError as exc:
        raise InvalidInput("file", str(exc)) from exc


@dataclass(frozen=True)
class _Done:
    created: int
    updated: int
    events: int
    rows_read: int
    rejected: tuple[RejectedRow, ...]
    renumbered: tuple[Renumbered, ...]


def _run(
    ctx: ServiceContext,
    source: CsvSource,
    reader: _Reader,
    header: list[str],
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> _Done:
    try:
        with ctx.db.write() as session, bulk_rows(session) as bulk:
            writer = BulkImportWriter(session, ctx, bulk)

            def read() -> Iterator[tuple[Any, ...]]:
                """The reading: in a child process (its own copy of the file, the reader and
                the writer's batch maker), while this one writes the batches it sends."""
                incidents = reader.incidents(_numbered(source, header))
                for batch in writer.prepared(incidents):
                    yield (_BATCH, batch.packed(), source.position())
                rejected = [(row.line, row.reason) for row in reader.rejected]
                yield (_TALLY, reader.rows_read, rejected)

            rows_read, rejected = 0, []
            with read_in_child(read) as messages:
                for kind, *body in messages:
                    if kind == _TALLY:
                        rows_read, rejected = body
                        continue
                    writer.write(PreparedBatch.unpacked(body[0]))
                    if cancelled is not None and cancelled():
                        raise ImportCancelled("The import was cancelled; nothing was imported.")
                    if progress is not None:
                        progress(body[1], source.size)
            writer.finish(source.path.name)
    except ImportFileError as exc:
        raise InvalidInput("file", str(exc)) from exc
    if progress is not None:
        progress(source.size, source.size)
    tally = writer.tally
    return _Done(
        tally.created,
        tally.updated,
        tally.events,
        rows_read,
        tuple(RejectedRow(line, reason) for line, reason in rejected),
        tuple(writer.renumbered),
    )
