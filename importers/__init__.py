"""Feed readers: turn a file (CSV or workbook) into validated records and row errors.

Knows nothing of Flask or the database. Entry points: `read_file` and `iter_file`.
"""

from importers.context import (
    Catalogue,
    KnownLicences,
    LicenceInfo,
    ReadContext,
    Resolution,
    Substance,
)
from importers.feeds import FEEDS, Feed
from importers.formats import Limits, Sniffed, sniff
from importers.reader import iter_file, read_file
from importers.results import Chunk, FileRejected, ReadResult, RowError

__all__ = [
    "FEEDS",
    "Catalogue",
    "Chunk",
    "Feed",
    "FileRejected",
    "KnownLicences",
    "LicenceInfo",
    "Limits",
    "ReadContext",
    "ReadResult",
    "Resolution",
    "RowError",
    "Sniffed",
    "Substance",
    "iter_file",
    "read_file",
    "sniff",
]
