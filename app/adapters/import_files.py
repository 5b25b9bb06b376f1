"""Opening an import file as a stream of CSV rows: plain `.csv` or xz-compressed `.csv.xz`.

Rows are read one at a time, so memory stays bounded whatever the file's size. `position()`
reports how many bytes of the file on disk were consumed, for a progress bar.
"""

from __future__ import annotations

import csv
import io
import lzma
from collections.abc import Iterator
from pathlib import Path
from typing import IO


class ImportFileError(Exception):
    """The file cannot be read as a CSV import (wrong type, empty, corrupt)."""


SUFFIXES = (".csv", ".csv.xz")


class CsvSource:
    """A CSV file opened for streaming. Use as a context manager."""

    def __init__(self, path: Path) -> None:
        name = path.name.lower()
        if not name.endswith(SUFFIXES):
            raise ImportFileError(f"{path.name} is not a CSV file: choose a .csv or .csv.xz file.")
        if not path.is_file():
            raise ImportFileError(f"There is no file {path}.")
        self.path = path
        self.size = path.stat().st_size
        if self.size == 0:
            raise ImportFileError(f"{path.name} is empty.")
        # Both stay open for the life of the source and are closed by close() / __exit__.
        self._raw: IO[bytes] = path.open("rb")
        binary: IO[bytes] = lzma.open(self._raw) if name.endswith(".xz") else self._raw  # noqa: SIM115
        self._text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
        self._reader = csv.reader(self._text)

    def __enter__(self) -> CsvSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._text.close()
        self._raw.close()

    @property
    def line(self) -> int:
        """The physical line the last row ended on (1 is the header)."""
        return self._reader.line_num

    def position(self) -> int:
        try:
            return self._raw.tell()
        except (OSError, ValueError):
            return self.size

    def header(self) -> list[str]:
        try:
            first = next(self._reader)
        except StopIteration:
            raise ImportFileError(f"{self.path.name} is empty.") from None
        except (UnicodeDecodeError, lzma.LZMAError, EOFError, csv.Error) as exc:
            raise ImportFileError(f"{self.path.name} is not a readable CSV file: {exc}") from exc
        return [column.strip() for column in first]

    def rows(self) -> Iterator[list[str]]:
        try:
            yield from self._reader
        except (UnicodeDecodeError, lzma.LZMAError, EOFError, csv.Error) as exc:
            raise ImportFileError(
                f"{self.path.name} could not be read after line {self.line}: {exc}"
            ) from exc
