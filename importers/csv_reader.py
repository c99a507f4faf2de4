"""CSV files: find the separator and the header row, then stream raw chunks with line numbers."""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from importers.aliases import HeaderMatch, match_headers
from importers.formats import Source
from importers.numbers import COMMA, POINT
from importers.results import FileRejected, RowError
from importers.text import drop_invisible, invisible_bytes

SEPARATORS = (";", ",", "\t")
HEADER_SEARCH_ROWS = 20
_SAMPLE_BYTES = 256 * 1024
_BAD_LINE = re.compile(r"Skipping line (\d+): expected (\d+) fields, saw (\d+)")
_UNCLOSED = re.compile(r"EOF inside string starting at row (\d+)")
csv.field_size_limit(16 * 2**20)


@dataclass
class RawChunk:
    """Cells of consecutive data rows, by column position, with the user's row numbers."""

    frame: pd.DataFrame  # columns 0..n-1; CSV: str cells, XLSX: native cell values
    rows: np.ndarray  # int64 row numbers as the user's spreadsheet program shows them
    errors: list[RowError] = field(default_factory=list)  # rows the reader itself could not split

    @property
    def rows_read(self) -> int:
        """Count the data rows of the chunk, including those the reader refused whole."""
        return len(self.frame) + len(self.errors)


@dataclass
class CsvLayout:
    """Where the data of a CSV file is: separator, header line, and the header mapping."""

    separator: str
    header_line: int  # last physical line of the header (1 when it is the first line)
    header_records: int  # records up to the header; differs from lines when cells hold newlines
    match: HeaderMatch
    number_hint: str


def find_layout(
    src: Source, encoding: str, *, filename: str, columns: Sequence[str], required: Collection[str]
) -> CsvLayout:
    """Find the separator and header row whose headers give the feed's required columns."""
    sample = _sample_text(src, encoding)
    best: tuple[int, int, str, int, HeaderMatch] | None = None  # score, -row, sep, line, match
    for separator in SEPARATORS:
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=separator)
        for index in range(HEADER_SEARCH_ROWS):
            try:
                record = next(reader)
            except (StopIteration, csv.Error):
                break
            if len(record) < 2:
                continue
            match = match_headers(record, columns, required)
            complete = not match.missing
            score = (2 if complete else 0) * 1000 + len(match.columns)
            candidate = (score, -index, separator, reader.line_num, match)
            if best is None or candidate[:2] > best[:2]:
                best = candidate
            if complete:
                break
    if best is None:
        raise FileRejected(filename, "no header row found: the file has no separated columns")
    _, row, separator, line, match = best
    raise_for_header(match, filename)
    # pandas skips records, not lines: a header cell "Cantidad\n(kg)" spans two lines, one record
    return CsvLayout(separator, line, 1 - row, match, COMMA if separator in ";\t" else POINT)


def unwrap_quoted_lines(src: Source, encoding: str) -> bytes | None:
    """Undo an export that quoted each whole line (`"LIC-1;2025-09;Compra"`), if this is one.

    Such a file has one column to a CSV reader. Each line is read as the one quoted field it
    is (doubled quotes inside become the quotes of the inner cells) and written out as a line.
    """
    lines = [line for line in _sample_text(src, encoding).splitlines()[:HEADER_SEARCH_ROWS]
             if line.strip()]
    if not lines or not all(_wrapped(line) for line in lines):
        return None
    text = src.head(src.size).decode(encoding, errors="replace")
    out = [_unwrapped(line) if _wrapped(line) else line for line in text.splitlines()]
    return ("\n".join(out) + "\n").encode("utf-8")


def _wrapped(line: str) -> bool:
    """Say whether a line is one quoted field holding separated cells."""
    stripped = line.strip()
    if len(stripped) < 3 or stripped[0] != '"' or stripped[-1] != '"':
        return False
    fields = next(csv.reader([stripped], delimiter="\x00"), [])
    return len(fields) == 1 and any(sep in fields[0] for sep in SEPARATORS)


def _unwrapped(line: str) -> str:
    """Return the text of a line that is one quoted field."""
    return next(csv.reader([line.strip()], delimiter="\x00"))[0]


def raise_for_header(match: HeaderMatch, filename: str) -> None:
    """Refuse a header row that lacks a required column or names one column twice."""
    if match.duplicates:
        raise FileRejected(filename, match.describe_duplicates())
    if match.missing:
        found = ", ".join(repr(h) for h in match.headers if h) or "none"
        missing = match.missing[0]
        years = [h for h in match.headers if re.fullmatch(r"(?:19|20)\d\d", h.strip())]
        if missing == "year" and years:
            raise FileRejected(
                filename,
                f"the years are columns ({', '.join(repr(y) for y in years)}): write one row "
                "per substance and year, with a year column and a quantity column",
            )
        if missing in match.in_pounds:
            raise FileRejected(
                filename,
                f"column {match.in_pounds[missing]!r} is in pounds: give {missing!r} in kg "
                "(pounds are not converted)",
            )
        raise FileRejected(filename, f"missing required column {missing!r} (found: {found})")


def _sample_text(src: Source, encoding: str) -> str:
    """Decode the start of the file, cut at the last complete line."""
    head = src.head(_SAMPLE_BYTES)
    text = head.decode(encoding, errors="replace")
    if len(head) == _SAMPLE_BYTES and "\n" in text:
        text = text[: text.rindex("\n") + 1]
    return text


def iter_csv(
    src: Source, encoding: str, layout: CsvLayout, *, chunk_rows: int, filename: str,
    scan: ByteScan | None = None,
) -> Iterator[RawChunk]:
    """Stream the data rows after the header as raw string chunks (pandas' C parser)."""
    width = len(layout.match.headers)
    scan = scan or scan_bytes(src, encoding)
    quoted, invisible = scan.quoted, scan.invisible
    state = _LineState(first_line=layout.header_line + 1, width=width, separator=layout.separator)
    with src.open() as handle:
        reader = pd.read_csv(
            handle,
            sep=layout.separator,
            header=None,
            # One column more than the header: pandas (index_col=False) would drop a row's
            # extra field silently, and `1234,5` unquoted in a `,` file is two fields.
            names=list(range(width + 1)),
            index_col=False,
            skiprows=layout.header_records,
            dtype=object,  # plain Python str cells: 30% faster than pandas 3's `str` dtype
            na_filter=False,
            keep_default_na=False,
            skip_blank_lines=False,  # keep blank lines so that line numbers stay true
            on_bad_lines="warn",
            encoding=encoding,
            encoding_errors="replace",
            quotechar='"',
            engine="c",
            chunksize=chunk_rows,
        )
        while True:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", pd.errors.ParserWarning)
                try:
                    frame = next(reader)
                except StopIteration:
                    break
                except pd.errors.ParserError as exc:
                    raise FileRejected(filename, _broken(exc)) from exc
            if invisible:
                drop_invisible(frame)
            yield state.chunk(frame, caught, quoted=quoted)


@dataclass(frozen=True)
class ByteScan:
    """What one pass over a CSV's bytes found: quotes, invisible or control characters."""

    quoted: bool
    invisible: bool
    unsafe: bool  # some cell may hold a control or bidi character: look at the cells
    # Bytes of the longest line, as far as blocks tell: the longest run without a newline
    # across blocks, or a block's bytes per newline (a 30,000-character note on each line).
    line_bytes: int = 0

    def chunk_rows(self, chunk_rows: int, chunk_bytes: int) -> int:
        """Return how many rows to read at a time so that a chunk holds about `chunk_bytes`.

        pandas cuts chunks by rows: a file of long lines was read whole, and an import's
        memory grew with the file (2 GB for one of 512 MB). Any run of N lines spans about
        N x `line_bytes` (plus the blocks at its ends), so N is chosen for the bytes.
        """
        return max(1, min(chunk_rows, chunk_bytes // max(self.line_bytes, 1)))


# Control bytes other than tab and line breaks, as every encoding read here writes them.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_KEEP = bytes(b for b in range(256) if b not in _CONTROL_BYTES)
# UTF-8 of the C1 controls and of the bidi embeddings, overrides and isolates.
_UTF8_UNSAFE = re.compile(rb"\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]")


def scan_bytes(src: Source, encoding: str) -> ByteScan:
    """Say, in one pass over the bytes, what the cells may hold that needs a closer look."""
    needles = invisible_bytes(encoding)
    # UTF-16: look at every cell's text (small files)
    quoted = invisible = unsafe = needles is None
    utf8 = encoding.startswith("utf-8")
    first = True
    tail = b""
    longest = run = 0  # the longest line so far; the bytes since the last newline
    for block in src.blocks():
        if first and block.startswith(codecs.BOM_UTF8):
            block = block[len(codecs.BOM_UTF8):]  # the file's own mark, not a cell's
        first = False
        quoted = quoted or b'"' in block
        invisible = invisible or any(needle in block for needle in needles)
        if not unsafe:
            window = tail + block
            unsafe = bool(window.translate(None, _KEEP)) or (
                utf8 and _UTF8_UNSAFE.search(window) is not None)
            tail = block[-2:]
        newlines = block.count(b"\n")
        if newlines:
            longest = max(longest, run + block.index(b"\n") + 1, len(block) // newlines)
            run = len(block) - block.rindex(b"\n") - 1
        else:
            run += len(block)
    return ByteScan(quoted, invisible, unsafe, max(longest, run))


class _LineState:
    """Keeps physical line numbers true across chunks: multi-line cells and skipped lines.

    pandas numbers records (a quoted cell spanning lines counts once), both in its row
    index and in its "Skipping line N" warnings; the newlines inside cells are added back.
    """

    def __init__(self, first_line: int, width: int, separator: str):
        self.first_line = first_line
        self.width = width
        self.separator = separator
        self.extra_newlines = 0  # newlines inside quoted cells of earlier chunks
        self.skipped: list[int] = []  # record numbers pandas skipped

    def chunk(self, frame: pd.DataFrame, caught: list, *, quoted: bool) -> RawChunk:
        """Number the rows of one chunk and turn skipped lines into row errors."""
        skipped_now = [
            (int(m[1]), int(m[3])) for w in caught for m in _BAD_LINE.finditer(str(w.message))
        ]
        self.skipped = sorted(self.skipped + [record for record, _ in skipped_now])
        records = self.first_line + frame.index.to_numpy(dtype=np.int64)
        for record in self.skipped:
            records[records >= record] += 1
        newlines = np.zeros(len(frame), dtype=np.int64)
        if quoted and len(frame):
            newlines = _newlines_in_cells(frame)
        before = self.extra_newlines + np.concatenate([[0], np.cumsum(newlines)[:-1]])
        lines = records + before
        errors = [
            RowError(
                record + self.extra_newlines + int(newlines[records < record].sum()),
                None,
                None,
                f"expected {self.width} fields, found {fields}",
            )
            for record, fields in skipped_now
        ]
        self.extra_newlines += int(newlines.sum())
        spill = frame.pop(self.width).to_numpy(dtype=object)
        over = spill != ""  # a value after the last column; a trailing separator is fine
        if over.any():
            hint = " (a decimal comma without quotes?)" if self.separator == "," else ""
            errors += [
                RowError(int(line), None, None, f"expected {self.width} fields, found more: the "
                         f"row goes on with {value!r}{hint}")
                for line, value in zip(lines[over], spill[over], strict=True)
            ]
            errors.sort(key=lambda e: e.row)
        blank = _blank_rows(frame) | over
        if blank.any():
            frame, lines = frame[~blank], lines[~blank]
        return RawChunk(frame.reset_index(drop=True), lines, errors)


def _newlines_in_cells(frame: pd.DataFrame) -> np.ndarray:
    """Count the newlines inside each row's cells, looking cell by cell only in columns with one.

    A quoted file most often quotes a name with a comma, not a cell of several lines: one
    join per column (a C loop) tells which columns need counting at all.
    """
    newlines = np.zeros(len(frame), dtype=np.int64)
    for position in frame.columns:
        cells = frame[position].to_numpy(dtype=object)
        if "\n" in "".join(cells):
            newlines += np.fromiter((c.count("\n") for c in cells), dtype=np.int64,
                                    count=len(cells))
    return newlines


def _broken(exc: Exception) -> str:
    """Explain why the parser stopped, with the line where the trouble starts."""
    if m := _UNCLOSED.search(str(exc)):
        line = int(m[1]) + 1  # pandas counts from 0
        return f'a quote (") opened on line {line} is never closed: the file cannot be read past it'
    return f"cannot read the CSV past a broken line ({exc})"


def _blank_rows(frame: pd.DataFrame) -> np.ndarray:
    """Mark rows whose cells are all empty, looking further only while some could be."""
    blank = np.ones(len(frame), dtype=bool)
    for position in frame.columns:
        blank &= frame[position].to_numpy(dtype=object) == ""
        if not blank.any():
            break
    return blank
