"""Web reports saved as `.xls`: an HTML table that Excel opens as a sheet.

Many systems of the region (tax and customs portals, older ERPs) export "Excel" files that
are HTML pages. Their table rows become CSV lines, one per row as Excel shows them, and are
read down the CSV path.
"""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser

from importers.formats import Source

_SPACES = re.compile(r"\s+")


class _TableRows(HTMLParser):
    """Collect the text of every table cell, row by row, in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._span = 1

    def handle_starttag(self, tag, attrs):
        """Open rows and cells; a line break inside a cell is a space."""
        if tag == "tr":
            self._close_row()
            self._row = []
        elif tag in ("td", "th"):
            self._close_cell()
            if self._row is None:
                self._row = []
            self._cell = []
            span = dict(attrs).get("colspan") or "1"
            self._span = int(span) if span.isdigit() and 0 < int(span) < 1000 else 1
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        """Close cells and rows (HTML often leaves them unclosed)."""
        if tag in ("td", "th"):
            self._close_cell()
        elif tag in ("tr", "table"):
            self._close_row()

    def handle_data(self, data):
        """Keep the text of the open cell."""
        if self._cell is not None:
            self._cell.append(data)

    def _close_cell(self) -> None:
        if self._cell is not None and self._row is not None:
            self._row.append(_SPACES.sub(" ", "".join(self._cell)).strip())
            self._row.extend([""] * (self._span - 1))  # a merged cell, as Excel shows it
        self._cell, self._span = None, 1

    def _close_row(self) -> None:
        self._close_cell()
        if self._row is not None:
            self.rows.append(self._row)
        self._row = None

    def close(self) -> None:
        """Finish the document, keeping a last row left open."""
        super().close()
        self._close_row()


def html_as_csv(src: Source, encoding: str) -> bytes:
    """Turn the tables of an HTML page into UTF-8 CSV text, `;`-separated, one line per row."""
    parser = _TableRows()
    with src.open() as handle:
        text = io.TextIOWrapper(handle, encoding=encoding, errors="replace")
        while block := text.read(1 << 20):
            parser.feed(block)
    parser.close()
    width = max((len(row) for row in parser.rows), default=0)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerows(row + [""] * (width - len(row)) for row in parser.rows)
    return out.getvalue().encode("utf-8")

