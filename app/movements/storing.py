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
from app.registry.models import Operator
from app.storage.bulk import BulkWriter, bulk_insert, to_json_column
from app.storage.distinct import distinct_codes
from app.storage.keyed import only_older, store_keyed_rows
from app.storage.results import Batch, StoreResult, collect_chunk_facts
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
    session: Session, *, batch: Batch, declared: dict[tuple[str, str], int],
    counts: Counter[int], operator_ids: dict[str, int],
) -> None:
    """Insert the batch's declaration headers, each with its reserved id and line count."""
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
        "received_at": utcnow(),
    }))


def _elect_current_declarations(session: Session, *, batch: Batch) -> tuple[int, int]:
    """Make the latest submission of each licence and period this batch declares current.

    Returns (earlier declarations amended, declarations of this batch that a later
    submission already amends). This batch's headers arrive not current; the earlier current
    one steps down first, so that at no moment are two current (a unique index says so).
    """
    same = "o.licence_no = declaration.licence_no AND o.period = declaration.period"
    joins, older = only_older(session, batch.id, "od")
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
    *, session: Session, batch: Batch, chunks: Iterator[Chunk], as_of: date,
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


def store_customs(
    *, session: Session, batch: Batch, chunks: Iterator[Chunk], as_of: date,
    context: ReadContext,
) -> StoreResult:
    """Store customs items, controlled or not; a re-sent item replaces the earlier one."""
    return store_keyed_rows(session=session, batch_id=batch.id, chunks=chunks, table="customs_item",
                            columns=CUSTOMS_COLUMNS, keys=["declaration_no", "item_no"],
                            noun="customs items")


def store_export_notifications(
    *, session: Session, batch: Batch, chunks: Iterator[Chunk], as_of: date,
    context: ReadContext,
) -> StoreResult:
    """Store pre-export notifications; a later row for the same reference updates its status."""
    return store_keyed_rows(session=session, batch_id=batch.id, chunks=chunks,
                            table="export_notification", columns=NOTIFICATION_COLUMNS,
                            keys=["notification_ref"], noun="notifications")
