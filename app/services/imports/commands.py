"""Importing history from other help desks: the ServiceNow incident event log, or any CSV with a
column mapping. One transaction per import: a cancel or a failure leaves the database untouched,
and a re-import of the same file updates incidents instead of duplicating them."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from itertools import chain
from pathlib import Path
from typing import Protocol

from app.adapters.csv_mapping import ColumnMapping, MappedReader, MappingError
from app.adapters.import_files import CsvSource, ImportFileError
from app.adapters.import_records import ImportedIncident, RejectedRow
from app.adapters.mapping_check import FilePreview, read_preview
from app.adapters.servicenow_log import NotAServiceNowLog, ServiceNowReader
from app.db.bulk_rows import bulk_rows
from app.domain.roles import Action
from app.services.context import ServiceContext
from app.services.errors import InvalidInput
from app.services.imports.read_ahead import read_ahead
from app.services.imports.writer import (
    BulkImportWriter,
    Cancelled,
    ImportCancelled,
    ImportReport,
    Progress,
)

__all__ = ["ImportCancelled", "ImportReport", "import_csv", "import_servicenow", "preview_csv"]


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
        tally = _run(ctx, source, reader.incidents(_numbered(source, header)), progress, cancelled)
        return ImportReport(
            source=path.name,
            rows_read=reader.rows_read,
            incidents_created=tally[0],
            incidents_updated=tally[1],
            events_added=tally[2],
            rejected=tuple(reader.rejected),
            seconds=time.perf_counter() - started,
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


def _run(
    ctx: ServiceContext,
    source: CsvSource,
    incidents: Iterator[ImportedIncident],
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> tuple[int, int, int]:
    def after_batch() -> None:
        if cancelled is not None and cancelled():
            raise ImportCancelled("The import was cancelled; nothing was imported.")
        if progress is not None:
            progress(source.position(), source.size)

    try:
        with ctx.db.write() as session, bulk_rows(session) as bulk:
            writer = BulkImportWriter(session, ctx, bulk)
            # The file is read, folded into incidents and made into rows a batch ahead, on a
            # reading thread; this one sends them.
            with read_ahead(writer.prepared(incidents), 1) as ahead:
                writer.write_all(chain.from_iterable(ahead), after_batch=after_batch)
            writer.finish(source.path.name)
    except ImportFileError as exc:
        raise InvalidInput("file", str(exc)) from exc
    if progress is not None:
        progress(source.size, source.size)
    return writer.tally.created, writer.tally.updated, writer.tally.events
