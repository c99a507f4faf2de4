"""How far a workbook's sheet really reaches, read from its XML before calamine loads it.

calamine holds a sheet as one dense grid from its first to its last cell, about 24 bytes a
cell whether it holds anything or not. One cell typed at XFD1048576 beside a table at A1
makes a grid of 17 billion cells: the process asked for 549 GB and was killed (SIGABRT),
which in a web worker takes the server down. So each sheet's XML is scanned first (a few
array passes per 4 MB of XML) for the cells that hold a value, and a sheet whose grid
would pass the budget is refused, saying where its stray cell is.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from xml.etree import ElementTree

import numpy as np

from importers.formats import Limits, Source, too_many_rows
from importers.results import FileRejected
from importers.workbook_xml import sheet_member

_BLOCK = 4 * 2**20
_AFTER_TAG = np.frombuffer(b" >/\t\n\r", dtype=np.uint8)  # `<c` then this: a cell's tag
_LETTERS = 3  # XFD, the last column, has three letters
_DIGITS = 7  # 1048576, the last row, has seven digits


@dataclass(frozen=True)
class Extent:
    """The grid calamine would build for a sheet: rows from row 1, columns first to last."""

    rows: int
    first_column: int  # 1-based
    last_column: int
    cells: int  # cells that hold a value

    @property
    def columns(self) -> int:
        """Count the columns of the grid."""
        return max(self.last_column - self.first_column + 1, 0)

    @property
    def grid(self) -> int:
        """Count the cells of the grid, empty ones included."""
        return self.rows * self.columns


def check_sheet(src: Source, sheet: str, *, filename: str, limits: Limits) -> None:
    """Refuse a workbook sheet whose grid is too large to load, before it is loaded.

    When the sheet's part cannot be told by its name (names calamine and the XML parser
    read differently: line breaks, escapes), every worksheet of the workbook is checked.
    """
    try:
        with src.open() as handle, zipfile.ZipFile(handle) as archive:
            try:
                member = sheet_member(archive, sheet)
            except (KeyError, ElementTree.ParseError):
                member = None
            members = [member] if member in archive.namelist() else [
                name for name in archive.namelist()
                if name.startswith("xl/worksheets/") and name.endswith(".xml")]
            for member in members:
                extent = sheet_extent(archive, member, budget=limits.max_sheet_cells)
                if extent.grid > limits.max_sheet_cells:  # formatted empty cells counted
                    extent = sheet_extent(archive, member, budget=limits.max_sheet_cells,
                                          valued=True)
                _refuse(extent, sheet, filename=filename, limits=limits)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error):
        return  # calamine cannot inflate it either, and says what is wrong with the file
    except (ElementTree.ParseError, zipfile.LargeZipFile, KeyError) as exc:
        raise FileRejected(filename, f"cannot read sheet {sheet!r} ({exc})") from exc


def _refuse(extent: Extent, sheet: str, *, filename: str, limits: Limits) -> None:
    """Refuse a sheet whose grid passes the cell budget, or whose rows pass the row limit."""
    if extent.grid > limits.max_sheet_cells:
        raise FileRejected(filename, _too_large(sheet, extent, limits))
    if extent.rows - 1 > limits.max_rows:
        raise FileRejected(filename, f"sheet {sheet!r} has {too_many_rows(limits.max_rows)}")


def _too_large(sheet: str, extent: Extent, limits: Limits) -> str:
    """Explain why a sheet is refused: a stray cell far from the data, or sheer size."""
    grid = f"{extent.rows:,} rows x {extent.columns:,} columns"
    if extent.cells * 20 < extent.grid:
        return (f"sheet {sheet!r} has cells as far as row {extent.rows:,} and column "
                f"{_letters(extent.last_column)}, far beyond its data ({extent.cells:,} cells "
                f"with a value in a grid of {grid}): delete the cells beyond the table, or copy "
                "the table to a new workbook")
    return (f"sheet {sheet!r} holds more than the {limits.max_sheet_cells:,} cells one import "
            f"reads (VIGIA_MAX_SHEET_CELLS; at least {grid} found): save it as CSV, which is "
            "read in bounded memory, or split it")


def sheet_extent(archive: zipfile.ZipFile, member: str, *, budget: int,
                 valued: bool = False) -> Extent:
    """Scan a worksheet's XML for the extent of its cells.

    Every cell counts, formatted empty ones too, unless `valued` (a second, slower look:
    calamine leaves empty cells out). Stops once the grid passes `budget` cells (what was
    found is refused anyway).
    """
    found = _Bounds(valued=valued)
    carry = b""
    with archive.open(member) as xml:
        while True:
            block = xml.read(_BLOCK)
            window = carry + block
            if not block:
                if window and not found.add_block(window):
                    return _slow_extent(archive, member, budget)
                break
            cut = window.rfind(b"<")  # a tag cut by the block's end waits for the next
            cut = len(window) if cut <= 0 else cut
            if not found.add_block(window[:cut]):
                return _slow_extent(archive, member, budget)  # exact: valued cells only
            if found.extent().grid > budget:
                break
            carry = window[cut:]
    return found.extent()


class _Bounds:
    """The running extent of the cells seen so far."""

    def __init__(self, *, valued: bool = False) -> None:
        self.valued = valued
        self.rows = 0
        self.first_column = 0
        self.last_column = 0
        self.cells = 0

    def add_block(self, data: bytes) -> bool:
        """Take the cells of a block of XML; False when it must be read the slow way.

        Every writer seen puts `r="A1"` first in each cell (`<c r="A1" ...>`, with or
        without a namespace prefix); a cell without it goes the slow way. Formatted empty
        cells count here too: only when the grid they make is too large does the slow way
        tell them from cells with a value (calamine leaves them out).
        """
        array = np.frombuffer(data, dtype=np.uint8)
        # Every cell's start tag: `<c` (or `:c`, namespaced) then a space, `>` or `/`. A `:c `
        # in text counts too, and sends the block the slow way: safe, and rare.
        opening = np.concatenate([_find(data, b"<c"), _find(data, b":c")])
        after = [array[np.minimum(opening + k, len(array) - 1)] for k in range(2, 6)]
        tags = int(np.isin(after[0], _AFTER_TAG).sum())
        with_reference = ((after[0] == ord(" ")) & (after[1] == ord("r")) & (after[2] == ord("="))
                          & (after[3] == ord('"')))
        starts = opening[with_reference] + 6
        if len(starts) != tags:
            return False
        if self.valued and len(starts):
            starts = starts[_holding_a_value(array, starts)]
        if not len(starts):
            return True
        window = array[np.minimum(starts[:, None] + np.arange(_LETTERS + _DIGITS + 1),
                                  len(array) - 1)]
        columns, rows = _references(window)
        if columns is None:
            return False
        self.cells += len(starts)
        self._take(columns, rows)
        return True

    def _take(self, columns: np.ndarray, rows: np.ndarray) -> None:
        """Widen the extent to cover these cells (`rows`: their largest row, at least)."""
        row = int(rows.max())
        self.rows = max(self.rows, row)
        low, high = int(columns.min()), int(columns.max())
        self.first_column = low if not self.first_column else min(self.first_column, low)
        self.last_column = max(self.last_column, high)

    def extent(self) -> Extent:
        """Return the extent found."""
        return Extent(self.rows, self.first_column or 1, self.last_column, self.cells)


def _holding_a_value(array: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Mark the cells that are not empty: `<c r="Z9" s="1"/>` and `<c ...></c>` are."""
    closes = np.flatnonzero(array == ord(">"))
    end = closes[np.minimum(np.searchsorted(closes, starts), len(closes) - 1)]
    last = len(array) - 1
    empty = array[end - 1] == ord("/")
    empty |= ((array[np.minimum(end + 1, last)] == ord("<"))
              & (array[np.minimum(end + 2, last)] == ord("/")))
    return ~empty


def _find(data: bytes, pattern: bytes) -> np.ndarray:
    """Return every position of a short pattern, comparing words of its first 2 or 4 bytes."""
    size = 4 if len(pattern) >= 4 else 2
    key = int.from_bytes(pattern[:size], "little")
    found = []
    for offset in range(size):
        count = (len(data) - offset) // size
        words = np.frombuffer(data, dtype=f"<u{size}", count=count, offset=offset)
        found.append(np.flatnonzero(words == key) * size + offset)
    at = np.concatenate(found)
    array = np.frombuffer(data, dtype=np.uint8)
    for extra in range(size, len(pattern)):
        at = at[at + extra < len(data)]
        at = at[array[at + extra] == pattern[extra]]
    return at


def _references(window: np.ndarray):
    """Read the column numbers, and the largest row, of the references the windows start with.

    Returns (columns, rows) where rows holds only the largest row number: the grid is
    counted from row 1, so no other row matters.
    """
    letter = (window[:, : _LETTERS + 1] >= ord("A")) & (window[:, : _LETTERS + 1] <= ord("Z"))
    letters = np.argmin(letter, axis=1)  # the first non-letter
    if (letters == 0).any() or letter[:, _LETTERS].any():
        return None, None  # not a plain reference: read it the slow way
    columns = np.zeros(len(window), dtype=np.int64)
    best = (0, 0)  # (digits, row) of the largest row
    for count in range(1, _LETTERS + 1):
        these = letters == count
        if not these.any():
            continue
        part = window[these]
        columns[these] = sum((part[:, i].astype(np.int64) - ord("A") + 1) * 26 ** (count - 1 - i)
                             for i in range(count))
        digits = part[:, count:count + _DIGITS + 1]
        is_digit = (digits >= ord("0")) & (digits <= ord("9"))
        length = np.argmin(is_digit, axis=1)  # digits before the closing quote
        if (length == 0).any():
            return None, None
        # Of references with the most digits, the largest is the last in byte order.
        longest = int(length.max())
        candidates = digits[length == longest, :longest]
        keys = np.ascontiguousarray(np.pad(candidates, ((0, 0), (0, 8 - longest))))
        top = candidates[int(np.argmax(keys.view(">u8").ravel()))]
        best = max(best, (longest, int(bytes(top))))
    return columns, np.array([best[1]], dtype=np.int64)


def _slow_extent(archive: zipfile.ZipFile, member: str, budget: int) -> Extent:
    """Read the extent with an XML parser (cells without a leading `r`, odd layouts).

    Stops as soon as the grid passes `budget`: the sheet is refused either way.
    """
    found = _Bounds()
    row = column = 0
    with archive.open(member) as xml:
        for event, element in ElementTree.iterparse(xml, events=("start", "end")):
            tag = element.tag.rsplit("}", 1)[-1]
            if event == "start":
                if tag == "row":
                    number = element.get("r", "")
                    row, column = (int(number) if number.isdigit() else row + 1), 0
                continue
            if tag == "row":
                element.clear()
            if tag != "c":
                continue
            reference = re.fullmatch(r"([A-Z]{1,3})(\d{1,7})", element.get("r", ""))
            if reference:
                row, column = int(reference[2]), _number(reference[1])
            else:
                row, column = max(row, 1), column + 1
            if len(element) or element.text:
                found.cells += 1
                found._take(np.array([column]), np.array([row]))
                if found.extent().grid > budget:
                    break
            element.clear()
    return found.extent()


def _number(letters: str) -> int:
    """Turn column letters into a 1-based number (A -> 1, AA -> 27)."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _letters(number: int) -> str:
    """Turn a 1-based column number into letters (27 -> AA)."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
