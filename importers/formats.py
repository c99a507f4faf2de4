"""Tell what a file is from its bytes (never its name), and refuse what must not be opened."""

from __future__ import annotations

import codecs
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from importers.mixed_encoding import NAME as MIXED
from importers.mixed_encoding import holds_utf8_sequence
from importers.results import FileRejected

MB = 2**20
_BLOCK = 4 * MB
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_OTHER_BINARIES = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
    b"Rar!": "a RAR archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
}
_CP1252_UNDEFINED = bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D])
_SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
_SPREADSHEET_ML = b"urn:schemas-microsoft-com:office:spreadsheet"


@dataclass(frozen=True)
class Limits:
    """How big a file may be, how far a zip (XLSX) may expand and how much one read may hold.

    `max_rows`: a file with more data rows is refused (nothing of it stored: half a
    declaration would read as undeclared movements). `max_sheet_cells`: calamine holds a
    sheet's whole used range in memory (24 bytes a cell, empty or not, plus each text), and
    the rows become Python lists; a sheet spanning more is refused before it is loaded.
    Measured (docs/security.md): 14 million cells of declarations peaked at 1.4 GB, so the
    default keeps the largest accepted sheet under 1 GB. `chunk_bytes`: a CSV is read in
    chunks of about this much text (fewer rows than the chunk size when lines are long), so
    that what one import holds is bounded by it, not by the file.
    """

    max_bytes: int = 512 * MB
    max_uncompressed: int = 1024 * MB
    max_ratio: float = 200.0
    ratio_min_bytes: int = 8 * MB  # small members compress wildly without being bombs
    max_rows: int = 2_000_000
    max_sheet_cells: int = 8_000_000
    chunk_bytes: int = 32 * MB


@dataclass(frozen=True)
class Sniffed:
    """What the bytes of a file are: `csv`, `html`, `xlsx`, `xls` or `ods`, and the encoding."""

    kind: str
    encoding: str | None
    size: int
    warnings: tuple[str, ...] = field(default=())


class Source:
    """The bytes of an uploaded file, whether held in memory or on disk."""

    def __init__(self, source: Path | bytes | str):
        if isinstance(source, bytes | bytearray | memoryview):
            self.path: Path | None = None
            self.data: bytes | None = bytes(source)
            self.size = len(self.data)
        else:
            self.path, self.data = Path(source), None
            self.size = self.path.stat().st_size

    def open(self) -> BinaryIO:
        """Open the bytes for reading from the start."""
        return io.BytesIO(self.data) if self.data is not None else open(self.path, "rb")

    def head(self, n: int) -> bytes:
        """Return the first n bytes."""
        with self.open() as handle:
            return handle.read(n)

    def blocks(self) -> Iterator[bytes]:
        """Yield the bytes in blocks, without holding a large file in memory."""
        with self.open() as handle:
            while block := handle.read(_BLOCK):
                yield block


def sniff(source: Path | bytes | Source, *, filename: str, limits: Limits | None = None) -> Sniffed:
    """Detect the format and encoding of a file from its bytes; raise FileRejected if unreadable."""
    limits = limits or Limits()
    src = source if isinstance(source, Source) else Source(source)
    if src.size > limits.max_bytes:
        raise FileRejected(
            filename,
            f"file is {describe_size(src.size)}, more than the "
            f"{describe_size(limits.max_bytes)} allowed",
        )
    head = src.head(64 * 1024)
    if not head.strip():
        raise FileRejected(filename, "the file is empty")
    named_spreadsheet = filename.lower().endswith(_SPREADSHEET_SUFFIXES)
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(src, filename, limits)
        note = f"{filename} is a {kind.upper()} workbook; read as such"
        warnings = () if named_spreadsheet else (note,)
        return Sniffed(kind, None, src.size, warnings)
    if head.startswith(_OLE2):
        return Sniffed("xls", None, src.size)
    for magic, what in _OTHER_BINARIES.items():
        if head.startswith(magic):
            raise FileRejected(filename, f"not a CSV or spreadsheet file ({what})")
    encoding = _text_encoding(src, head)
    if _looks_binary(head, encoding):
        raise FileRejected(filename, "not a CSV or spreadsheet file (binary content)")
    if head.lstrip(codecs.BOM_UTF8).startswith(b"<?xml") and _SPREADSHEET_ML in head:
        raise FileRejected(
            filename, "an Excel 2003 XML spreadsheet: open it in Excel and save it as XLSX or CSV"
        )
    if _looks_like_html(head):
        note = f"{filename} is a web page holding a table (a report saved as a spreadsheet)"
        return Sniffed("html", encoding, src.size, (f"{note}; read as such",))
    note = f"{filename} contains CSV text, not a workbook; read as CSV"
    warnings = (note,) if named_spreadsheet else ()
    if encoding == MIXED:
        warnings += (f"{filename} mixes UTF-8 and Windows-1252 text (two exports put "
                     "together?): each line was read in its own encoding; check the names",)
    return Sniffed("csv", encoding, src.size, warnings)


def describe_size(n: int) -> str:
    """Write a size for people: bytes below a megabyte, else megabytes."""
    return f"{n:,} bytes" if n < MB else f"{n / MB:,.1f} MB"


def _zip_kind(src: Source, filename: str, limits: Limits) -> str:
    """Classify a zip as XLSX or ODS after checking it cannot expand into a bomb."""
    try:
        with src.open() as handle, zipfile.ZipFile(handle) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise FileRejected(filename, f"damaged XLSX/zip file ({exc})") from exc
    total = sum(m.file_size for m in members)
    if total > limits.max_uncompressed:
        raise FileRejected(
            filename,
            f"workbook expands to {describe_size(total)}, more than the "
            f"{describe_size(limits.max_uncompressed)} allowed: refused as a possible zip bomb",
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > limits.ratio_min_bytes and ratio > limits.max_ratio:
            raise FileRejected(
                filename,
                f"workbook member {member.filename} expands {ratio:.0f}-fold "
                f"(more than {limits.max_ratio:g}): refused as a possible zip bomb",
            )
    if "xl/workbook.xml" in names:
        return "xlsx"
    if mimetype.startswith(_ODS_MIMETYPE) or "content.xml" in names:
        return "ods"
    raise FileRejected(filename, "a zip archive that is not an XLSX or ODS workbook")


def _text_encoding(src: Source, head: bytes) -> str:
    """Choose UTF-8 (with or without BOM) or UTF-16 by BOM, else Windows-1252, else Latin-1.

    A file that is not UTF-8 as a whole but has lines that are (two exports pasted
    together) is read line by line in the encoding of each (`mixed_encoding`).
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if unmarked := _utf16_without_bom(head):
        return unmarked
    decoder = codecs.getincrementaldecoder("utf-8")()
    undefined_in_cp1252 = False
    utf8 = True
    utf8_lines = False  # some text is UTF-8 although the whole is not
    for block in src.blocks():
        if block.isascii():  # most blocks of most files: nothing to decide here
            continue
        if utf8:
            try:
                decoder.decode(block)
            except UnicodeDecodeError:
                utf8 = False
        utf8_lines = utf8_lines or holds_utf8_sequence(block)
        if not utf8 and any(b in block for b in _CP1252_UNDEFINED):
            undefined_in_cp1252 = True
        if not utf8 and utf8_lines:
            return MIXED
        if not utf8 and undefined_in_cp1252:
            break
    if utf8:
        try:
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            pass
    return "latin-1" if undefined_in_cp1252 else "cp1252"


def _utf16_without_bom(head: bytes) -> str | None:
    """Recognise UTF-16 text written without its byte-order mark by the zeros of its ASCII.

    Text in the region's languages is mostly ASCII, so in UTF-16 every other byte is zero:
    the odd ones in little-endian, the even ones in big-endian. Binary files are not so tidy.
    """
    sample = head[:4096]
    if len(sample) < 16 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2], sample[1::2]
    for zeros, other, encoding in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) >= 0.9 * len(zeros) and other.count(0) <= 0.01 * len(other):
            try:
                sample[: len(sample) // 2 * 2].decode(encoding)
            except UnicodeDecodeError:
                return None
            return encoding
    return None


def _looks_like_html(head: bytes) -> bool:
    """Say whether a text file is an HTML page holding a table (a web report saved as .xls)."""
    start = head.lstrip(codecs.BOM_UTF8 + b" \t\r\n").lower()
    opens = start.startswith((b"<html", b"<!doctype html", b"<table", b"<meta", b"<head"))
    return opens and b"<table" in head.lower()


_CONTROL_CHARS = [chr(code) for code in range(32) if chr(code) not in "\t\r\n\f"]


def _looks_binary(head: bytes, encoding: str) -> bool:
    """Say whether the start of a file is not text (NULs or control characters)."""
    text = head.decode(encoding, errors="replace")
    if "\x00" in text:
        return True
    controls = sum(text.count(ch) for ch in _CONTROL_CHARS)
    return controls > len(text) / 100


def too_many_rows(limit: int) -> str:
    """Say that a file has more rows than one import reads."""
    return (f"more than {limit:,} rows, the most one import reads (VIGIA_MAX_ROWS): split the "
            "file (by period, for example); nothing of it was stored")
