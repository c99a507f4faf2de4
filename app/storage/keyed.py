"""The keyed storer: rows that replace the earlier rows of the same key, the latest file winning.

"Latest" is by submission: of two batches of a feed, the one submitted later (then the
larger id) holds the current rows, whatever order they were stored in.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.storage.bulk import bulk_insert, to_json_column
from app.storage.results import StoreResult, collect_chunk_facts
from importers import Chunk

# Of two batches, the later submission: by submission time, then batch id. `o` is the batch
# of a row already stored, `n` this batch.
SUBMITTED_BEFORE = ("(o.submitted_at < n.submitted_at OR (o.submitted_at = n.submitted_at "
                     "AND o.id < n.id))")


def only_older(session: Session, batch_id: int, row: str) -> tuple[str, str]:
    """Return the joins and condition that keep rows (alias `row`) of earlier submissions.

    Empty when no stored batch of the feed was submitted after this one (files are usually
    stored in the order they were sent): every other row is then older, and the statement
    needs no join to the batches.
    """
    if not later_submissions(session, batch_id):
        return "", ""
    return (f"JOIN import_batch o ON o.id = {row}.batch_id JOIN import_batch n ON n.id = :batch",
            f"AND {SUBMITTED_BEFORE}")


def later_submissions(session: Session, batch_id: int) -> bool:
    """Say whether a stored batch of this feed was submitted after this one.

    Files are usually stored in the order they were sent, and then the rule "the later
    submission is current" needs no comparison row by row.
    """
    return session.execute(
        text(f"SELECT 1 FROM import_batch o JOIN import_batch n ON n.id = :batch "
             f"WHERE o.feed = n.feed AND o.status = 'stored' AND o.id <> n.id "
             f"AND NOT {SUBMITTED_BEFORE} LIMIT 1"),
        {"batch": batch_id},
    ).first() is not None


def supersede(session: Session, table: str, keys: list[str], batch_id: int) -> int:
    """Mark rows of earlier submissions sharing a key with this batch's rows as not current.

    And, where a later submission already holds the key, this batch's own rows. Returns how
    many earlier rows this batch replaced.
    """
    match = " AND ".join(f"od.{k} = nd.{k}" for k in keys)
    joins, older = only_older(session, batch_id, "od")
    # Driven from this batch's rows through the key's index, as the declarations' election is.
    replaced = session.execute(
        text(
            f"UPDATE {table} SET is_current = :no WHERE is_current = :yes "
            f"AND id IN (SELECT od.id FROM {table} nd JOIN {table} od ON {match} {joins} "
            f"WHERE nd.batch_id = :batch AND od.batch_id <> :batch {older})"
        ),
        {"batch": batch_id, "yes": True, "no": False},
    ).rowcount
    if older:
        own = " AND ".join(f"od.{k} = {table}.{k}" for k in keys)
        session.execute(
            text(f"UPDATE {table} SET is_current = :no WHERE batch_id = :batch AND EXISTS "
                 f"(SELECT 1 FROM {table} od WHERE {own} AND od.batch_id <> :batch "
                 f"AND od.is_current = :yes)"),
            {"batch": batch_id, "yes": True, "no": False},
        )
    return replaced


def store_keyed_rows(
    *, session: Session, batch_id: int, chunks: Iterator[Chunk], table: str,
    columns: list[str], keys: list[str], noun: str,
) -> StoreResult:
    """Store rows that replace earlier rows with the same key (the latest file wins)."""
    facts = collect_chunk_facts()
    stored = 0
    for chunk in facts.watch(chunks):
        records = chunk.records
        if records.empty:
            continue
        rows = records[columns].copy()
        rows.insert(0, "batch_id", batch_id)
        rows.insert(1, "source_row", records["source_row"].astype("int64"))
        rows.insert(2, "is_current", True)
        rows["extra"] = to_json_column(records["extra"])
        stored += bulk_insert(session, table, rows)
    replaced = supersede(session, table, keys, batch_id) if stored else 0
    message = f"{replaced} earlier {noun} replaced" if replaced else ""
    return facts.result(rows_stored=stored, message=message)
