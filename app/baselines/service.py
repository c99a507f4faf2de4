"""Store and look up national legitimate-need baselines."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.baselines.models import Baseline
from app.storage.keyed import store_keyed_rows
from app.storage.results import Batch, StoreResult
from importers import Chunk, ReadContext

BASELINE_COLUMNS = ["substance_code", "year", "quantity_kg", "source"]


def store_baselines(
    *, session: Session, batch: Batch, chunks: Iterator[Chunk], as_of: date,
    context: ReadContext,
) -> StoreResult:
    """Store baselines; a later figure for the same substance and year replaces the earlier."""
    return store_keyed_rows(session=session, batch_id=batch.id, chunks=chunks, table="baseline",
                            columns=BASELINE_COLUMNS, keys=["substance_code", "year"],
                            noun="baselines")


def current_baselines(*, session: Session) -> dict[tuple[str, int], float]:
    """Return the national baseline (kg pure) in force per (substance, year)."""
    rows = session.execute(
        select(Baseline.substance_code, Baseline.year, Baseline.quantity_kg)
        .where(Baseline.is_current.is_(True))
    )
    return {(code, year): quantity for code, year, quantity in rows}
