"""Which service stores the records of each feed, and what a storer reports back."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy.orm import Session

from app.intake.models import ImportBatch
from importers import Chunk, ReadContext, RowError


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


Storer = Callable[..., StoreResult]


def store_registry(
    *, session: Session, batch: ImportBatch, chunks: Iterator[Chunk], as_of: date,
    context: ReadContext,
) -> StoreResult:
    """Apply a registry file to the operators and licences."""
    from app.registry.service import apply_registry_records

    facts = collect_chunk_facts()
    frames = [chunk.records for chunk in facts.watch(chunks) if len(chunk.records)]
    if not frames:
        return facts.result(rows_stored=0)
    changes = apply_registry_records(
        session=session, records=pd.concat(frames, ignore_index=True), batch_id=batch.id,
        as_of=as_of,
    )
    rejected = [RowError(row=r, column=c, value=v, reason=why) for r, c, v, why in changes.rejected]
    message = (
        f"operators {changes.operators_created} new, {changes.operators_updated} updated; "
        f"licence lines {changes.licences_created} new, {changes.licences_changed} changed, "
        f"{changes.licences_unchanged} unchanged"
    )
    return facts.result(rows_stored=changes.rows_stored, message=message, extra_errors=rejected)


def storer_for(feed: str) -> Storer:
    """Return the function that stores the records of a feed."""
    from app.baselines.service import store_baselines
    from app.movements.service import (
        store_customs,
        store_declarations,
        store_export_notifications,
    )

    storers: dict[str, Storer] = {
        "registry": store_registry,
        "declarations": store_declarations,
        "customs": store_customs,
        "baselines": store_baselines,
        "export_notifications": store_export_notifications,
    }
    if feed not in storers:
        raise ValueError(f"unknown feed {feed!r}; expected one of {', '.join(storers)}")
    return storers[feed]
