"""What a reader hands back: records, row errors, and the one file-level failure."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


class FileRejected(Exception):
    """The file as a whole cannot be read; str() is one line naming the file and the reason."""

    def __init__(self, filename: str, reason: str):
        super().__init__(f"{filename}: {reason}")
        self.filename = filename
        self.reason = reason

    def __reduce__(self):
        """Pickle by filename and reason (a reader process sends it to the storer)."""
        return (type(self), (self.filename, self.reason))


@dataclass(frozen=True)
class RowError:
    """One failing cell (or row) as the user sees it in their spreadsheet program.

    `row` is the CSV physical line number (header line included) or the sheet row number;
    `column` is the header exactly as written in the file (None for a whole-row problem).
    """

    row: int
    column: str | None
    value: str | None
    reason: str


@dataclass
class Chunk:
    """A slice of a file: the good rows as typed records, and the errors of the bad ones."""

    records: pd.DataFrame
    errors: list[RowError]
    rows_read: int
    warnings: list[str] = field(default_factory=list)  # new remarks since the previous chunk
    sheet: str | None = None  # the workbook sheet read (None for CSV)
    encoding: str | None = None  # the CSV text encoding (None for workbooks)


@dataclass
class ReadResult:
    """A whole file read: every good row, every row error, and how the file was decoded."""

    feed: str
    filename: str
    records: pd.DataFrame
    errors: list[RowError]
    rows_read: int
    sheet: str | None
    encoding: str | None
    warnings: list[str]
