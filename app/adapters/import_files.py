"""Opening an import file as a stream of CSV rows: plain `.csv` or xz-compressed `.csv.xz`.

Rows are read one physical line at a time, and a line is never longer than `MAX_LINE` bytes, so
memory stays bounded whatever the file holds (a several-GB log, or one 100 MB field). What is
not an incident log is refused with the file, the line and what is wrong: binary data, text that
is not UTF-8, a line too long to be a record, a file cut short in the middle of a row.
`position()` reports how many bytes of the file on disk were consumed, for a progress bar.
"""

from __future__ import annotations

import csv
import lzma
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO


class ImportFileError(Exception):
    """The file cannot be read as a CSV import (wrong type, empty, corrupt)."""


SUFFIXES = (".csv", ".csv.xz")
MAX_LINE = 1024 * 1024  # bytes: no incident record needs a longer line
_BOM = b"\xef\xbb\xbf"
# Control bytes no text file holds (tab, line feed, carriage return and escape are text; a lone
# NUL is damage in one row, which the row checks reject with its line).
_CONTROL_BYTES = re.compile(rb"[\x01-\x08\x0e-\x1a\x1c-\x1f]")


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
        self._binary: IO[bytes] = lzma.open(self._raw) if name.endswith(".xz") else self._raw  # noqa: SIM115
        self._lines_read = 0
        self._ended_mid_line = False
        self._reader = csv.reader(self._text_lines())

    def __enter__(self) -> CsvSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._binary.close()
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

    def _problem(self, what: str) -> ImportFileError:
        return ImportFileError(f"{self.path.name}, line {self._lines_read}: {what}")

    def _text_lines(self) -> Iterator[str]:
        while True:
            try:
                raw = self._binary.readline(MAX_LINE + 1)
            except (lzma.LZMAError, EOFError, OSError) as exc:
                raise self._problem(f"the compressed file is damaged ({exc}).") from exc
            if not raw:
                return
            self._lines_read += 1
            if self._lines_read == 1 and raw.startswith(_BOM):
                raw = raw[len(_BOM) :]
            if len(raw) > MAX_LINE:
                raise self._problem(
                    f"the line is longer than {MAX_LINE // 1024} KB, which no incident record "
                    "needs: this is not an incident log, or its quotes do not match."
                )
            if _CONTROL_BYTES.search(raw):
                raise self._problem(
                    "it holds binary data: this is not a CSV text file (save a spreadsheet "
                    "as CSV first)."
                )
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise self._problem(
                    f"byte 0x{raw[exc.start]:02x} is not UTF-8 text. Save the file as "
                    '"CSV UTF-8" and import it again.'
                ) from None
            self._ended_mid_line = not text.endswith(("\n", "\r"))
            yield text

    def header(self) -> list[str]:
        try:
            first = next(self._reader)
        except StopIteration:
            raise ImportFileError(f"{self.path.name} is empty.") from None
        except csv.Error as exc:
            raise self._problem(f"this is not a readable CSV file ({exc}).") from exc
        return [column.strip() for column in first]

    def rows(self, width: int = 0) -> Iterator[list[str]]:
        """The rows after the header. A last row with fewer than `width` fields on a last line
        without its end is a file cut short (a copy or download that did not finish): refused."""
        last: list[str] = []
        try:
            for last in self._reader:
                yield last
        except csv.Error as exc:
            raise self._problem(f"this is not a readable CSV row ({exc}).") from exc
        if width and self._ended_mid_line and 0 < len(last) < width:
            raise self._problem(
                "the file ends in the middle of a row: it was probably cut short (a copy or "
                "download that did not finish). Nothing was imported; import the whole file."
            )
