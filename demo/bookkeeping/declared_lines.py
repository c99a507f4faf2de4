"""Rewrite declaration lines the way each operator's clerk writes them.

Who the counterparty is (licence as written, tax id, name only, or nothing but the
document number the other side also declares), the other side's invoice and the customs
numbers in the clerk's format, receipts of one invoice split over two lines or two
invoices received as one, quantities rounded to whole units (the end user's consumption,
worked out from its stock count, absorbs the difference), opening stocks dated the last
day of the previous month. Month totals and every stock stay as they were.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

from demo.bookkeeping.clerks import ID_FORMS, Clerk
from demo.bookkeeping.documents import customs_written, invoice_written, invoices_written
from demo.bookkeeping.identities import licence_written, name_written, tax_id_written
from demo.market import CONSUMER, Market

TRADES = ("purchase", "sale")
CROSSINGS = ("import", "export")
TAX_ID = "counterparty_tax_id"  # written to the file as an extra column
REMARK = "remark"
PARTIAL = {"es": "Entrega parcial {i} de 2", "en": "Partial delivery {i} of 2",
           "pt": "Entrega parcial {i} de 2"}
RETURNED = {"es": "Devolución a proveedor, NC {doc}", "en": "Returned to supplier, credit note "
            "{doc}", "pt": "Devolução ao fornecedor, NC {doc}"}
RECEIVED_BACK = {"es": "Devolución de cliente, NC {doc}", "en": "Customer return, credit note "
                 "{doc}", "pt": "Devolução de cliente, NC {doc}"}


class _Writer:
    """One pass over the lines, remembering how each clerk writes each counterparty."""

    def __init__(self, market: Market, clerks: dict[str, Clerk], rng: np.random.Generator,
                 counter_lines: set[tuple[str, str, str]]) -> None:
        self.market, self.clerks, self.rng = market, clerks, rng
        self.ops = {op.licence_no: op for op in market.operators}
        self.counter_lines = counter_lines  # (declarant, counterparty, document) declared
        self.forms: dict[tuple[str, str], str] = {}
        self.names: dict[tuple[str, str], str] = {}
        self.identities: dict[str, str] = {}  # text as written -> licence it stands for

    def form(self, clerk: Clerk, other: str) -> str:
        """Return how a clerk names a registered counterparty (decided once per pair)."""
        key = (clerk.licence_no, other)
        if key not in self.forms:
            form = "licence"
            if self.rng.random() < clerk.counterparty:
                form = clerk.id_form if self.rng.random() < 0.7 else ID_FORMS[
                    int(self.rng.integers(len(ID_FORMS)))]
            self.forms[key] = form
        return self.forms[key]

    def name(self, clerk: Clerk, name: str, licence: str | None, force: bool = False) -> str:
        """Return a counterparty's name as the clerk's master data holds it."""
        key = (clerk.licence_no, name)
        if key not in self.names:
            styled = name
            if clerk.name_styles and (force or self.rng.random() < clerk.names):
                styled = name_written(name, clerk.name_styles, self.rng)
            self.names[key] = styled
        written = self.names[key]
        if licence and written != name:
            self.identities.setdefault(written, licence)
        return written

    def counterparty(self, row: dict, clerk: Clerk) -> None:
        """Rewrite who the counterparty of a purchase or sale is."""
        other = row["counterparty_licence"]
        if not other:
            if row["counterparty_name"]:
                row["counterparty_name"] = self.name(clerk, row["counterparty_name"], None)
            return
        op = self.ops[other]
        form = self.form(clerk, other)
        if form == "document_only" and (other, row["licence_no"], row["document_ref"]) \
                not in self.counter_lines:
            form = "name_only"  # nothing else would say who it was
        name = self.name(clerk, op.name, other, force=form == "name_only")
        row["counterparty_name"] = name
        if form == "licence":
            return
        if form == "licence_written":
            row["counterparty_licence"] = licence_written(other, clerk.licence_style)
        elif form == "tax_id_in_licence":
            row["counterparty_licence"] = tax_id_written(op.tax_id, clerk.tax_id_style)
        else:
            row["counterparty_licence"] = ""
            if form == "tax_id_column":
                row[TAX_ID] = tax_id_written(op.tax_id, clerk.tax_id_style)
            elif form == "document_only":
                row["counterparty_name"] = ""
        for text in (row["counterparty_licence"], row.get(TAX_ID, "")):
            if text and text != other:
                self.identities.setdefault(text, other)


def _counter_lines(rows: list[dict]) -> set[tuple[str, str, str]]:
    """Return (declarant, counterparty, document) of every purchase and sale line, as tidy."""
    return {(r["licence_no"], r["counterparty_licence"], r["document_ref"]) for r in rows
            if r["movement"] in TRADES and r["counterparty_licence"]}


def rewrite_lines(lines: pd.DataFrame, market: Market, clerks: dict[str, Clerk],
                  rng: np.random.Generator) -> tuple[pd.DataFrame, dict[str, str]]:
    """Return the lines as each clerk writes them, and who each non-registry text stands for."""
    columns = list(lines.columns)
    rows = [dict(zip(columns, values, strict=True)) | {TAX_ID: "", REMARK: ""}
            for values in zip(*(lines[c].tolist() for c in columns), strict=True)]
    rows = _returns(rows, market, clerks, rng)
    writer = _Writer(market, clerks, rng, _counter_lines(rows))
    for row in rows:
        clerk = clerks[row["licence_no"]]
        movement = row["movement"]
        if movement == "purchase" and clerk.invoice_style and rng.random() < clerk.documents:
            row["document_ref"] = invoice_written(row["document_ref"], clerk.invoice_style)
        if movement in CROSSINGS:
            if clerk.customs_style:
                row["document_ref"] = customs_written(row["document_ref"], clerk.customs_style)
            row["counterparty_name"] = writer.name(clerk, row["counterparty_name"], None)
        if movement in TRADES:
            writer.counterparty(row, clerk)
        if movement == "opening_stock" and clerk.stock_dates:
            row["date"] = row["date"] - timedelta(days=1)
    rows = _partial_deliveries(rows, market, clerks, rng)
    _whole_units(rows, market, clerks, rng)
    frame = pd.DataFrame(rows, columns=[*lines.columns, TAX_ID, REMARK])
    return frame, writer.identities


def _returns(rows: list[dict], market: Market, clerks: dict[str, Clerk],
             rng: np.random.Generator) -> list[dict]:
    """Send back part of some deliveries within the month, booked gross or net.

    The buyer books the whole invoice, then the return to its supplier (a sale back, with
    the credit note's number). Half the sellers book the return too (the sale as invoiced
    and a purchase back from the customer); the others only net their sale by the credit
    note. What physically moved, and every stock, stays as it was.
    """
    cal = market.cal
    sales = {id(r["origin"]): r for r in rows
             if r["movement"] == "sale" and r["origin"] is not None}
    added: list[dict] = []
    for row in rows:
        if row["movement"] != "purchase" or not clerks[row["licence_no"]].returns \
                or row["origin"] is None or _exact(row):
            continue
        sale = sales.get(id(row["origin"]))
        if sale is None or _exact(sale) or sale["t"] != row["t"] \
                or rng.random() >= clerks[row["licence_no"]].returns:
            continue
        start, last = max(row["date"], sale["date"]), cal.end(row["t"])
        share = rng.uniform(0.10, 0.30)
        back, back_sold = int(round(row["quantity"] * share)), int(round(sale["quantity"] * share))
        if (last - start).days < 2 or back < 1 or back_sold < 1:
            continue
        day = start + timedelta(days=int(rng.integers(1, min(20, (last - start).days) + 1)))
        credit = f"NC01-{int(rng.integers(1, 10**6)):08d}"
        language = market.by_licence(row["licence_no"]).language
        row["quantity"] += back
        added.append({**row, "movement": "sale", "date": day, "quantity": back,
                      "document_ref": credit, "origin": None,
                      REMARK: RETURNED[language].format(doc=credit)})
        if rng.random() < 0.5:
            sale["quantity"] += back_sold
            seller_language = market.by_licence(sale["licence_no"]).language
            added.append({**sale, "movement": "purchase", "date": day, "quantity": back_sold,
                          "document_ref": credit, "origin": None,
                          REMARK: RECEIVED_BACK[seller_language].format(doc=credit)})
    return rows + added


def _exact(row: dict) -> bool:
    """Tell whether a line must stay as placed: a planted order, written exactly so."""
    origin = row["origin"]
    return origin is not None and getattr(origin, "plant", None) is not None


def _partial_deliveries(rows: list[dict], market: Market, clerks: dict[str, Clerk],
                        rng: np.random.Generator) -> list[dict]:
    """Split some received invoices over two lines, and write some pairs as one receipt."""
    cal = market.cal
    result: list[dict] = []
    pending: dict[tuple, dict] = {}  # an earlier receipt waiting to be merged
    for row in rows:
        clerk = clerks[row["licence_no"]]
        if row["movement"] != "purchase" or not clerk.partial or _exact(row):
            result.append(row)
            continue
        key = (row["licence_no"], row["node"], row["t"], row["counterparty_name"],
               row["payment_method"], row["delivery"])
        if key in pending:  # the next invoice of that supplier arrives in the same truck
            earlier = pending.pop(key)
            earlier["quantity"] += row["quantity"]
            earlier["date"] = max(earlier["date"], row["date"])
            earlier["document_ref"] = invoices_written(
                [earlier["document_ref"], row["document_ref"]], None)
            continue
        if rng.random() >= clerk.partial:
            result.append(row)
            continue
        language = market.by_licence(row["licence_no"]).language
        if rng.random() < 0.6 and row["quantity"] >= 2:
            first = int(np.clip(round(row["quantity"] * rng.uniform(0.3, 0.7)), 1,
                                row["quantity"] - 1))
            later = min(row["date"] + timedelta(days=int(rng.integers(0, 5))),
                        cal.end(row["t"]))
            result.append({**row, "quantity": first,
                           REMARK: PARTIAL[language].format(i=1)})
            result.append({**row, "quantity": row["quantity"] - first, "date": later,
                           REMARK: PARTIAL[language].format(i=2)})
        else:
            pending[key] = row
            result.append(row)
    return result


def _whole_units(rows: list[dict], market: Market, clerks: dict[str, Clerk],
                 rng: np.random.Generator) -> None:
    """Round some end users' received quantities to whole units; consumption absorbs it."""
    nodes = {node.idx: node for node in market.nodes}
    consumption: dict[tuple, dict] = {}
    for row in rows:
        if row["movement"] == "consumption":
            key = (row["licence_no"], row["node"], row["t"])
            if key not in consumption or row["quantity"] > consumption[key]["quantity"]:
                consumption[key] = row
    for row in rows:
        clerk = clerks[row["licence_no"]]
        if row["movement"] != "purchase" or not clerk.whole_units or _exact(row) \
                or nodes[row["node"]].tier != CONSUMER or row["quantity"] < 1000 \
                or row["quantity"] % 100 == 0 or rng.random() >= clerk.whole_units:
            continue
        used = consumption.get((row["licence_no"], row["node"], row["t"]))
        delta = int(round(row["quantity"] / 100)) * 100 - row["quantity"]
        if used is not None and used["quantity"] + delta >= 1:
            row["quantity"] += delta
            used["quantity"] += delta
