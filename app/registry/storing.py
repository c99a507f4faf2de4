"""Store a registry file: its records applied to the operators and licences of one batch."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pandas as pd
from sqlalchemy.orm import Session

from app.registry.service import apply_registry_records
from app.storage.results import Batch, StoreResult, collect_chunk_facts
from importers import Chunk, ReadContext, RowError


def store_registry(
    *, session: Session, batch: Batch, chunks: Iterator[Chunk], as_of: date,
    context: ReadContext,
) -> StoreResult:
    """Apply a registry file to the operators and licences."""
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
