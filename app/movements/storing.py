"""Store declarations, customs items and export notifications of one import batch."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.db import utcnow
from app.intake.bulk import BulkWriter, bulk_insert, to_json_column
from app.intake.distinct import distinct_codes
from app.intake.feeds import StoreResult, collect_chunk_facts
from app.intake.models import ImportBatch
from app.movements.models import Declaration
from app.registry.models import Operator
from importers import Chunk, ReadContext

LINE_COLUMNS = [  # the declaration's licence, period and batch are on the declaration
    "movement", "date", "substance_code", "substance_text", "form_code",
    "quantity", "unit", "concentration_pct", "quantity_kg", "counterparty_licence",
    "counterparty_name", "counterparty_country", "document_ref", "payment_method", "delivery",
]
CUSTOMS_COLUMNS = [
    "declaration_no", "item_no", "date", "flow", "hs_code", "hs6", "substance_code",
    "goods_description", "net_mass_kg", "trader_tax_id", "tax_id_key", "trader_name",
    "partner_country", "customs_office", "statistical_value_usd",
]
NOTIFICATION_COLUMNS = [
    "notification_ref", "date", "exporter_licence", "importer_name", "importing_country",
    "substance_code", "quantity_kg", "status",
]


def _reserve_declaration_ids(session: Session, count: int, *, after: int | None) -> list[int]:
    """Take `count` new declaration ids now; their rows are inserted at the end of the batch.

    Lines name their declaration by id as they are stored, but a declaration's line count
    is only known once the whole file is read: reserving the ids lets the headers be
    written once, complete, instead of inserted chunk by chunk and updated at the end.
    PostgreSQL hands them out from the table's sequence (safe beside other writers);
    SQLite continues after `after`, the batch's last id so far, or the table's largest
    (this transaction holds SQLite's only write lock since it added the batch).
    """
    if session.connection().dialect.name == "postgresql":
        return list(session.execute(
            text("SELECT nextval(pg_get_serial_sequence('declaration', 'id')) "
                 "FROM generate_series(1, :n)"), {"n": count}).scalars())
    if after is None:
        after = session.execute(text("SELECT coalesce(max(id), 0) FROM declaration")).scalar_one()
    return list(range(after + 1, after + 1 + count))


def _add_declarations(
    session: Session, *, batch: ImportBatch, declared: dict[tuple[str, str], int],
    counts: Counter[int], operator_ids: dict[str, int],
) -> None:
    """Insert the batch's declaration headers, each with its reserved id and line count."""
    table = Declaration.__table__
    dialect = session.connection().dialect
    received = utcnow()
    to_storage = table.c.received_at.type.dialect_impl(dialect).bind_processor(dialect)
    keys, ids = list(declared), list(declared.values())
    bulk_insert(session, "declaration", pd.DataFrame({
        "id": np.array(ids, dtype=np.int64),
        "batch_id": batch.id,
        "operator_id": pd.Series([operator_ids.get(licence) for licence, _ in keys],
                                 dtype=object),
        "licence_no": pd.Series([licence for licence, _ in keys], dtype=object),
        "period": pd.Series([period for _, period in keys], dtype=object),
        "lines": np.array([counts[i] for i in ids], dtype=np.int64),
        "is_current": False,  # until _elect_current_declarations: one current per key
        "received_at": to_storage(received) if to_storage else received,
    }))


# Of two batches, the later submission: by submission time, then batch id. `o` is the batch
# of a row already stored, `n` this batch.
_SUBMITTED_BEFORE = ("(o.submitted_at < n.submitted_at OR (o.submitted_at = n.submitted_at "
                     "AND o.id < n.id))")


def _only_older(session: Session, batch: ImportBatch, row: str) -> tuple[str, str]:
    """Return the joins and condition that keep rows (alias `row`) of earlier submissions.

    Empty when no stored batch of the feed was submitted after this one (files are usually
    stored in the order they were sent): every other row is then older, and the statement
    needs no join to the batches.
    """
    if not _later_submissions(session, batch):
        return "", ""
    return (f"JOIN import_batch o ON o.id = {row}.batch_id JOIN import_batch n ON n.id = :batch",
            f"AND {_SUBMITTED_BEFORE}")


def _later_submissions(session: Session, batch: ImportBatch) -> bool:
    """Say whether a stored batch of this feed was submitted after this one.

    Files are usually stored in the order they were sent, and then the rule "the later
    submission is current" needs no comparison row by row.
    """
    return session.execute(
        text(f"SELECT 1 FROM import_batch o JOIN import_batch n ON n.id = :batch "
             f"WHERE o.feed = n.feed AND o.status = 'stored' AND o.id <> n.id "
             f"AND NOT {_SUBMITTED_BEFORE} LIMIT 1"),
        {"batch": batch.id},
    ).first() is not None


def _elect_current_declarations(session: Session, *, batch: ImportBatch) -> tuple[int, int]:
    """Make the latest submission of each licence and period this batch declares current.

    Returns (earlier declarations amended, declarations of this batch that a later
    submission already amends). This batch's headers arrive not current; the earlier current
    one steps down first, so that at no moment are two current (a unique index says so).
    """
    same = "o.licence_no = declaration.licence_no AND o.period = declaration.period"
    joins, older = _only_older(session, batch, "od")
    # Driven from this batch's declarations (by batch, then licence and period), not from
    # every current declaration: the other way round grew with the whole database.
    amended = session.execute(
        text(
            "UPDATE declaration SET is_current = :no, superseded_by_id = (SELECT d.id "
            "FROM declaration d WHERE d.batch_id = :batch AND d.licence_no = "
            "declaration.licence_no AND d.period = declaration.period) "
            "WHERE is_current = :yes AND id IN (SELECT od.id FROM declaration d "
            f"JOIN declaration od ON od.licence_no = d.licence_no AND od.period = d.period "
            f"{joins} WHERE d.batch_id = :batch AND od.batch_id <> :batch {older})"
        ),
        {"batch": batch.id, "yes": True, "no": False},
    ).rowcount
    # `o.is_current` as the partial unique index says it, so that SQLite looks the key up in
    # that index (`= :yes` made it scan every current declaration: 2 s per 7,000 headers).
    session.execute(
        text(f"UPDATE declaration SET is_current = :yes WHERE batch_id = :batch AND NOT EXISTS "
             f"(SELECT 1 FROM declaration o WHERE {same} AND o.is_current)"),
        {"batch": batch.id, "yes": True},
    )
    late = 0
    if older:
        late = session.execute(
            text(f"UPDATE declaration SET superseded_by_id = (SELECT o.id FROM declaration o "
                 f"WHERE {same} AND o.is_current) "
                 f"WHERE batch_id = :batch AND is_current = :no"),
            {"batch": batch.id, "no": False},
        ).rowcount
    return amended, late


def _declaration_keys(records: pd.DataFrame) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """Say which (licence, first day of the period) each line declares, by integer codes.

    Returns, per line, the position of its pair among the chunk's distinct pairs, and those
    pairs. Codes of the two columns (a Categorical's own, from the reader process) are
    combined as integers: joining text keys per line took a second per million lines.
    """
    licence_codes, licences = distinct_codes(records["licence_no"])  # required: no -1
    period_codes, periods = distinct_codes(records["period"])
    combined = licence_codes.astype(np.int64) * len(periods) + period_codes
    distinct, first, at = np.unique(combined, return_index=True, return_inverse=True)
    order = np.argsort(first)  # the pairs in the order the file first declares them
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    distinct, at = distinct[order], rank[at.reshape(-1)]
    starts = [f"{period}-01" for period in periods]
    pairs = [(str(licences[c // len(periods)]), starts[c % len(periods)])
             for c in distinct.tolist()]
    return at, pairs


def store_declarations(
    *, session: Session, batch: ImportBatch, chunks: Iterator[Chunk], as_of: date,
    context: ReadContext,
) -> StoreResult:
    """Store declaration lines; a second declaration of an operator and period amends the first."""
    operator_ids = dict(session.execute(select(Operator.licence_no, Operator.id)).all())
    declared: dict[tuple[str, str], int] = {}  # (licence, period) -> reserved declaration id
    counts: Counter[int] = Counter()  # declaration id -> lines stored
    facts = collect_chunk_facts()
    writer = BulkWriter(session)
    try:
        for chunk in facts.watch(chunks):
            records = chunk.records
            if records.empty:
                continue
            lines = records[LINE_COLUMNS].copy()
            lines.insert(0, "source_row", records["source_row"].astype("int64"))
            lines["extra"] = to_json_column(records["extra"])
            prepared = writer.prepare("declaration_line", lines)  # while the last is stored
            at, pairs = _declaration_keys(records)
            new = [pair for pair in pairs if pair not in declared]
            if new:
                writer.wait()  # the connection is the COPY's until it is done
                reserved = _reserve_declaration_ids(
                    session, len(new), after=max(declared.values(), default=None))
                declared.update(zip(new, reserved, strict=True))
            pair_ids = np.array([declared[pair] for pair in pairs], dtype=np.int64)
            writer.insert(prepared.with_column(0, "declaration_id", pair_ids[at]))
            counts.update(dict(zip(pair_ids.tolist(), np.bincount(at).tolist(), strict=True)))
        writer.wait()
    finally:
        writer.close()
    stored = writer.stored
    if declared:
        _add_declarations(session, batch=batch, declared=declared, counts=counts,
                          operator_ids=operator_ids)
    amended, late = _elect_current_declarations(session, batch=batch) if declared else (0, 0)
    message = f"{len(declared)} declarations"
    if amended:
        message += f", {amended} earlier declarations amended (superseded)"
    if late:
        message += (f", {late} older than declarations already stored from a later submission "
                    "(kept, superseded)")
    return facts.result(rows_stored=stored, message=message)


def _supersede(session: Session, table: str, keys: list[str], batch: ImportBatch) -> int:
    """Mark rows of earlier submissions sharing a key with this batch's rows as not current.

    And, where a later submission already holds the key, this batch's own rows. Returns how
    many earlier rows this batch replaced.
    """
    match = " AND ".join(f"od.{k} = nd.{k}" for k in keys)
    joins, older = _only_older(session, batch, "od")
    # Driven from this batch's rows through the key's index (see _elect_current_declarations).
    replaced = session.execute(
        text(
            f"UPDATE {table} SET is_current = :no WHERE is_current = :yes "
            f"AND id IN (SELECT od.id FROM {table} nd JOIN {table} od ON {match} {joins} "
            f"WHERE nd.batch_id = :batch AND od.batch_id <> :batch {older})"
        ),
        {"batch": batch.id, "yes": True, "no": False},
    ).rowcount
    if older:
        own = " AND ".join(f"od.{k} = {table}.{k}" for k in keys)
        session.execute(
            text(f"UPDATE {table} SET is_current = :no WHERE batch_id = :batch AND EXISTS "
                 f"(SELECT 1 FROM {table} od WHERE {own} AND od.batch_id <> :batch "
                 f"AND od.is_current = :yes)"),
            {"batch": batch.id, "yes": True, "no": False},
        )
    return replaced


def store_keyed_rows(
    *, session: Session, batch: ImportBatch, chunks: Iterator[Chunk], table: str,
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
        rows.insert(0, "batch_id", batch.id)
        rows.insert(1, "source_row", records["source_row"].astype("int64"))
        rows.insert(2, "is_current", True)
        rows["extra"] = to_json_column(records["extra"])
        stored += bulk_insert(session, table, rows)
    replaced = _supersede(session, table, keys, batch) if stored else 0
    message = f"{replaced} earlier {noun} replaced" if replaced else ""
    return facts.result(rows_stored=stored, message=message)


def store_customs(
    *, session: Session, batch: ImportBatch, chunks: Iterator[Chunk], as_of: date,
    context: ReadContext,
) -> StoreResult:
    """Store customs items, controlled or not; a re-sent item replaces the earlier one."""
    return store_keyed_rows(session=session, batch=batch, chunks=chunks, table="customs_item",
                            columns=CUSTOMS_COLUMNS, keys=["declaration_no", "item_no"],
                            noun="customs items")


def store_export_notifications(
    *, session: Session, batch: ImportBatch, chunks: Iterator[Chunk], as_of: date,
    context: ReadContext,
) -> StoreResult:
    """Store pre-export notifications; a later row for the same reference updates its status."""
    return store_keyed_rows(session=session, batch=batch, chunks=chunks,
                            table="export_notification", columns=NOTIFICATION_COLUMNS,
                            keys=["notification_ref"], noun="notifications")
