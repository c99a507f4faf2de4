"""What calamine does not tell of a workbook, read from its XML: error cells, invisible text.

calamine reads an error cell (`#N/A`, `#REF!`) as an empty one, which would let a failed
lookup pass for a value left out (a concentration taken as 100 %). The workbook's XML is
scanned for error cells while calamine parses it (calamine releases the GIL, so the scan
costs no wall time), and a sheet is parsed for them only when it has some. XLSX marks an
error cell `t="e"`; ODS (LibreOffice) `calcext:value-type="error"`.
"""

from __future__ import annotations

import re
import threading
import zipfile
from typing import IO
from xml.etree import ElementTree

from importers.formats import Source
from importers.text import invisible_bytes
from importers.xlsx_reader import SheetLayout

_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_TABLE_NS = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_CALCEXT_NS = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
_ERROR_MARKERS = {
    "xlsx": (b't="e"', b"t='e'"),
    "ods": (b'value-type="error"', b"value-type='error'"),
}
_INVISIBLE_UTF8 = invisible_bytes("utf-8") or ()
# A control character in a workbook's XML: escaped as `_x001B_` (OOXML), a character
# reference, or (C1, bidi marks) in UTF-8.
_UNSAFE_XML = re.compile(
    rb"_x00[01][0-9a-fA-F]_|_x007[fF]_|&#|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]"
)
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


class XmlScan:
    """Find, in a thread, which parts of an XLSX or ODS hold error cells or invisible text."""

    def __init__(self, src: Source, kind: str):
        self._src = src
        self._kind = kind
        self._with_errors: set[str] = set()
        self._invisible = False
        self._unsafe = False
        self._thread = threading.Thread(target=self._scan, daemon=True)
        self._thread.start()

    def _scan(self) -> None:
        """Record the worksheet members whose XML has an error-typed cell."""
        try:
            with self._src.open() as handle, zipfile.ZipFile(handle) as archive:
                for name in archive.namelist():
                    sheets = name.startswith("xl/worksheets/") or name == "content.xml"
                    if not (sheets or name == "xl/sharedStrings.xml"):
                        continue
                    errors, invisible, unsafe = _scan_member(archive, name,
                                                             _ERROR_MARKERS[self._kind])
                    if errors and sheets:
                        self._with_errors.add(name)
                    self._invisible = self._invisible or invisible
                    self._unsafe = self._unsafe or unsafe
        except (zipfile.BadZipFile, OSError, EOFError):
            pass  # calamine says what is wrong with the file

    @property
    def unsafe(self) -> bool:
        """Say whether some text of the workbook may hold a control character."""
        self._thread.join()
        return self._unsafe

    @property
    def invisible(self) -> bool:
        """Say whether some text of the workbook holds invisible characters."""
        self._thread.join()
        return self._invisible

    def cells(self, layout: SheetLayout) -> dict[tuple[int, int], str]:
        """Return the sheet's error cells by (row number, position among the sheet's columns)."""
        self._thread.join()
        if not self._with_errors:
            return {}
        try:
            with self._src.open() as handle, zipfile.ZipFile(handle) as archive:
                ods = self._kind == "ods"
                member = "content.xml" if ods else sheet_member(archive, layout.sheet)
                if member not in self._with_errors:
                    return {}
                first_column = (getattr(layout.loaded, "start", None) or (0, 0))[1]
                with archive.open(member) as xml:
                    if ods:
                        return _ods_error_cells(xml, layout.sheet, first_column)
                    return _error_cells(xml, first_column)
        except (zipfile.BadZipFile, KeyError, OSError, ElementTree.ParseError):
            return {}  # calamine read the workbook; errors stay as calamine gave them


def _error_cells(xml: IO[bytes], first_column: int) -> dict[tuple[int, int], str]:
    """Parse an XLSX sheet's XML for its error-typed cells."""
    found: dict[tuple[int, int], str] = {}
    for _, element in ElementTree.iterparse(xml):
        if element.tag.endswith("}row") or element.tag == "row":
            element.clear()  # its cells are done: keep memory flat
        if not (element.tag.endswith("}c") or element.tag == "c"):
            continue
        ref = _CELL_REF.fullmatch(element.get("r", ""))
        if element.get("t") == "e" and ref:
            value = next((v.text for v in element if v.tag.endswith("v")), None)
            found[(int(ref[2]), _column_index(ref[1]) - first_column)] = value or "#N/A"
        element.clear()
    return found


def sheet_member(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """Find the zip member holding the named sheet (workbook.xml, then its relationships)."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    sheets = workbook.iter(f"{_MAIN_NS}sheet")
    rel_id = next((e.get(f"{_REL_NS}id") for e in sheets if e.get("name") == sheet), None)
    if rel_id is None:
        return None
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.iter(f"{_PACKAGE_REL_NS}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return None


def _scan_member(
    archive: zipfile.ZipFile, member: str, markers: tuple[bytes, ...]
) -> tuple[bool, bool, bool]:
    """Say whether a part's XML has error cells, invisible and control characters, in blocks."""
    tail = b""
    errors = invisible = unsafe = False
    with archive.open(member) as xml:
        while block := xml.read(4 * 2**20):
            window = tail + block
            errors = errors or any(marker in window for marker in markers)
            invisible = invisible or any(needle in window for needle in _INVISIBLE_UTF8)
            unsafe = unsafe or _UNSAFE_XML.search(window) is not None
            if errors and invisible and unsafe:
                break
            tail = block[-8:]
    return errors, invisible, unsafe


def _ods_error_cells(
    xml: IO[bytes], sheet: str, first_column: int
) -> dict[tuple[int, int], str]:
    """Parse an ODS document for the error cells of one table, counting repeated rows/cells."""
    found: dict[tuple[int, int], str] = {}
    inside, row, column = False, 0, 0
    for event, element in ElementTree.iterparse(xml, events=("start", "end")):
        tag = element.tag
        if event == "start":
            if tag == f"{_TABLE_NS}table":
                inside, row = element.get(f"{_TABLE_NS}name") == sheet, 0
            elif tag == f"{_TABLE_NS}table-row":
                column = 0
            continue
        if tag in (f"{_TABLE_NS}table-cell", f"{_TABLE_NS}covered-table-cell"):
            repeated = int(element.get(f"{_TABLE_NS}number-columns-repeated", "1"))
            if inside and element.get(f"{_CALCEXT_NS}value-type") == "error":
                text = "".join(element.itertext()).strip() or "#N/A"
                for offset in range(min(repeated, 1000)):
                    found[(row + 1, column + offset - first_column)] = text
            column += repeated
            element.clear()
        elif tag == f"{_TABLE_NS}table-row":
            row += int(element.get(f"{_TABLE_NS}number-rows-repeated", "1"))
            element.clear()
        elif tag == f"{_TABLE_NS}table":
            inside = False
    return found


def _column_index(letters: str) -> int:
    """Turn column letters into a 0-based index (A -> 0, AA -> 26)."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1
