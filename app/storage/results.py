"""What a storer reports back: the counts, errors and file facts of one batch."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from importers import Chunk, RowError


@dataclass
class StoreResult:
    """What a feed's storer did with the records of one batch."""

    rows_read: int
    rows_stored: int
    errors: list[RowError]
    message: str = ""
    warnings: list[str] = field(default_factory=list)
    sheet: str | None = None
    encoding: str | None = None


@dataclass
class ChunkFacts:
    """Counts, errors and file facts gathered while a storer walks through the chunks."""

    rows_read: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sheet: str | None = None
    encoding: str | None = None

    def watch(self, chunks: Iterator[Chunk]) -> Iterator[Chunk]:
        """Pass chunks through while recording what they say about the file."""
        for chunk in chunks:
            self.rows_read += chunk.rows_read
            self.errors.extend(chunk.errors)
            self.sheet = getattr(chunk, "sheet", None) or self.sheet
            self.encoding = getattr(chunk, "encoding", None) or self.encoding
            for warning in getattr(chunk, "warnings", None) or ():
                if warning not in self.warnings:
                    self.warnings.append(warning)
            yield chunk

    def result(self, *, rows_stored: int, message: str = "",
               extra_errors: list[RowError] | None = None) -> StoreResult:
        """Return the storer's result with what was gathered."""
        return StoreResult(
            rows_read=self.rows_read, rows_stored=rows_stored,
            errors=self.errors + list(extra_errors or []), message=message,
            warnings=self.warnings, sheet=self.sheet, encoding=self.encoding,
        )


def collect_chunk_facts() -> ChunkFacts:
    """Return an empty collector of chunk facts."""
    return ChunkFacts()


class Batch(Protocol):
    """The import batch a storer stores for: intake's ImportBatch, known here by its id."""

    id: int


# A feed's storer: called with session, batch, chunks, as_of and context (keywords).
Storer = Callable[..., StoreResult]
