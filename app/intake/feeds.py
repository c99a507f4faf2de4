"""Which service stores the records of each feed."""

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


Storer = Callable[..., StoreResult]


def store_registry(
    *, session: Session, batch: ImportBatch, chunks: Iterator[Chunk], as_of: date,
    context: ReadContext,
) -> StoreResult:
    """Apply a registry file to the operators and licences."""
    from app.registry.service import apply_registry_records

    read = list(chunks)
    errors = [e for chunk in read for e in chunk.errors]
    frames = [chunk.records for chunk in read if len(chunk.records)]
    rows_read = sum(chunk.rows_read for chunk in read)
    if not frames:
        return StoreResult(rows_read=rows_read, rows_stored=0, errors=errors)
    changes = apply_registry_records(
        session=session, records=pd.concat(frames, ignore_index=True), batch_id=batch.id,
        as_of=as_of,
    )
    errors += [RowError(row=r, column=c, value=v, reason=why) for r, c, v, why in changes.rejected]
    message = (
        f"operators {changes.operators_created} new, {changes.operators_updated} updated; "
        f"licence lines {changes.licences_created} new, {changes.licences_changed} changed, "
        f"{changes.licences_unchanged} unchanged"
    )
    return StoreResult(rows_read=rows_read, rows_stored=changes.rows_stored, errors=errors,
                       message=message)


STORERS: dict[str, Storer] = {
    "registry": store_registry,
}
