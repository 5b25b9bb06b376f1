"""Opening an import file as a stream of CSV rows: plain `.csv` or xz-compressed `.csv.xz`.

Rows are read a block at a time and split into physical lines, and a line is never longer than
`MAX_LINE` bytes, so memory stays bounded whatever the file holds (a several-GB log, or one
100 MB field). What is not an incident log is refused with the file, the line and what is
wrong: binary data, text that is not UTF-8, a line too long to be a record, a file cut short in
the middle of a row.
`position()` reports how many bytes of the file on disk were consumed, for a progress bar.
"""

from __future__ import annotations

import csv
import io
import lzma
import re
from collections.abc import Iterable, Iterator
from itertools import chain
from pathlib import Path
from typing import IO


class ImportFileError(Exception):
    """The file cannot be read as a CSV import (wrong type, empty, corrupt)."""


SUFFIXES = (".csv", ".csv.xz")
MAX_LINE = 1024 * 1024  # bytes: no incident record needs a longer line
BLOCK = 256 * 1024  # bytes read at a time (less than MAX_LINE: a line spans few blocks)
_TOO_LONG = (
    f"the line is longer than {MAX_LINE // 1024} KB, which no incident record needs: this is "
    "not an incident log, or its quotes do not match."
)
_BINARY = "it holds binary data: this is not a CSV text file (save a spreadsheet as CSV first)."
_BOM = b"\xef\xbb\xbf"
# Control bytes no text file holds (tab, line feed, carriage return and escape are text; a lone
# NUL is damage in one row, which the row checks reject with its line).
_CONTROL_BYTES = re.compile(rb"[\x01-\x08\x0e-\x1a\x1c-\x1f]")
_CONTROL_SET = bytes([*range(0x01, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20)])


def separator_of(header_line: str) -> str:
    """The field separator a header line uses: whichever of comma, semicolon and tab it holds
    most of outside quotes (a comma on a tie, or when it holds none)."""
    outside = "".join(header_line.split('"')[::2])  # the text between quoted parts
    counts = {sep: outside.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > counts[","] else ","


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
        self._lines = self._text_lines()
        self._reader = csv.reader(self._lines)  # header() makes it again with the separator

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
        """The file's lines, read a block at a time: each block's checks (length, binary data,
        UTF-8) are made once in C, not once per line, and its lines are split in C too. A
        problem is raised once the good lines before it have been handed out, naming its line."""
        return chain.from_iterable(self._blocks())

    def _blocks(self) -> Iterator[Iterable[str]]:
        carry = b""
        while True:
            try:
                block = self._binary.read(BLOCK)
            except (lzma.LZMAError, EOFError, OSError) as exc:
                raise self._problem(f"the compressed file is damaged ({exc}).") from exc
            if not block:
                if carry:  # the last line, without its end
                    yield from self._checked(carry)
                return
            data = carry + block if carry else block
            end = data.rfind(b"\n") + 1
            if end == 0:
                carry = data
                if len(carry) > MAX_LINE:
                    self._lines_read += 1
                    raise self._problem(_TOO_LONG)
                continue
            carry = data[end:]
            yield from self._checked(data[:end])

    def _checked(self, chunk: bytes) -> Iterator[Iterable[str]]:
        """The lines of `chunk` (whole lines; only the file's last may lack its end), as one
        iterable, then the problem of the first bad line if there is one."""
        if self._lines_read == 0 and chunk.startswith(_BOM):
            chunk = chunk[len(_BOM) :]
        problem, good = self._first_problem(chunk)
        text = chunk[:good].decode("utf-8") if problem else chunk.decode("utf-8")
        ends = text.count("\n")
        if not problem and text and not text.endswith("\n"):
            ends += 1  # the file's last line, without its end
            self._ended_mid_line = not text.endswith("\r")
        # Split on line feeds only (as the csv module expects), each line keeping its end.
        yield io.StringIO(text, newline="\n")
        self._lines_read += ends
        if problem:
            self._lines_read += 1
            raise self._problem(problem)

    @staticmethod
    def _first_problem(chunk: bytes) -> tuple[str | None, int]:
        """What is wrong with the first bad line of `chunk`, and where that line starts."""
        first_end = chunk.find(b"\n") + 1 or len(chunk)
        if first_end > MAX_LINE:
            return _TOO_LONG, 0
        found: list[tuple[int, str]] = []
        # Whether a block holds any (deleting them, in C, is 4x quicker than the search), and
        # only then where.
        control = (
            _CONTROL_BYTES.search(chunk)
            if len(chunk.translate(None, _CONTROL_SET)) != len(chunk)
            else None
        )
        if control:
            found.append((chunk.rfind(b"\n", 0, control.start()) + 1, _BINARY))
        try:
            chunk.decode("utf-8")
        except UnicodeDecodeError as exc:
            found.append(
                (
                    chunk.rfind(b"\n", 0, exc.start) + 1,
                    f"byte 0x{chunk[exc.start]:02x} is not UTF-8 text. Save the file as "
                    '"CSV UTF-8" and import it again.',
                )
            )
        if not found:
            return None, len(chunk)
        start, problem = min(found, key=lambda item: item[0])  # binary first on one line
        return problem, start

    def header(self) -> list[str]:
        """The first row's names. Its line also says how fields are separated: a comma, or the
        semicolon that spreadsheets write where the comma is the decimal mark, or a tab."""
        try:
            line = next(self._lines)
        except StopIteration:
            raise ImportFileError(f"{self.path.name} is empty.") from None
        self._reader = csv.reader(chain([line], self._lines), delimiter=separator_of(line))
        try:
            first = next(self._reader)
        except StopIteration:
            raise ImportFileError(f"{self.path.name} is empty.") from None
        except csv.Error as exc:
            self._lines_read = self._reader.line_num
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
            self._lines_read = self._reader.line_num
            raise self._problem(f"this is not a readable CSV row ({exc}).") from exc
        if width and self._ended_mid_line and 0 < len(last) < width:
            raise self._problem(
                "the file ends in the middle of a row: it was probably cut short (a copy or "
                "download that did not finish). Nothing was imported; import the whole file."
            )
