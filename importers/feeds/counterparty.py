"""A counterparty given in two columns, one for customers and one for suppliers.

Operators' own sheets often have "Cliente" and "Proveedor" side by side, each filled on the
rows it concerns. Reading only the first put a purchase's supplier in the extra columns and
left the row without a counterparty; giving both a canonical name refused the file.
"""

from __future__ import annotations

import numpy as np

from importers.engine import Cells, FileState, Parsed, longer_than
from importers.fields import IDENTIFIER, NAME, Text, too_long
from lexicon.movements import TRADED_INFLOWS, TRADED_OUTFLOWS

_INFLOWS = np.array(TRADED_INFLOWS, dtype=object)  # from a supplier
_OUTFLOWS = np.array(TRADED_OUTFLOWS, dtype=object)  # to a customer


def counterparty_by_direction(cells: Cells, parsed: dict[str, Parsed], state: FileState) -> None:
    """Take each row's counterparty from the supplier column on inflows, customer on outflows.

    When the movement's side is empty and the other is not, the other is the counterparty
    (written in the wrong column, it is still who the goods came from or went to). Movements
    with no side (stocks, consumption, losses) take whichever is given, and are refused when
    both are: which one is the counterparty?
    """
    movement = parsed["movement"].values
    inflow, outflow = np.isin(movement, _INFLOWS), np.isin(movement, _OUTFLOWS)
    for name, position in cells.match.pairs.items():
        customer = parsed[name]
        supplier = _parse_supplier(cells, position, state, name)
        has_customer = customer.ok & customer.values.astype(bool)
        has_supplier = supplier.ok & supplier.values.astype(bool)
        take = (inflow & has_supplier) | (~inflow & has_supplier & ~has_customer)
        both = ~inflow & ~outflow & has_customer & has_supplier
        values = customer.values.copy()
        values[take] = supplier.values[take]
        customer.values = values
        if both.any():
            headers = f"{cells.header(name)!r} and {cells.match.headers[position]!r}"
            cells.fail(name, both, f"both {headers} are given for a movement that has no "
                                   "customer or supplier side: which is the counterparty?")
            customer.ok = customer.ok & ~both


_LIMITS = {"counterparty_name": NAME, "counterparty_licence": IDENTIFIER}


def _parse_supplier(cells: Cells, position: int, state: FileState, name: str) -> Parsed:
    """Parse the supplier column as text; a spreadsheet error in it refuses the row."""
    raw = cells.frame[position].to_numpy(dtype=object)
    values = np.full(cells.n, None, dtype=object)
    ok = np.ones(cells.n, dtype=bool)
    present = np.flatnonzero(raw != "")
    if len(present):
        result = Text().parse(raw[present], state, name)
        values[present] = result.values
        limit = _LIMITS.get(name)
        over = longer_than(raw[present], limit) if limit else np.zeros(len(present), bool)
        if over.any():
            if result.reasons is None:
                result.reasons = np.full(len(present), None, dtype=object)
            result.reasons[over] = [too_long(str(v).strip(), limit) for v in raw[present][over]]
        if result.reasons is not None:
            failed = np.array([r is not None and r != "blank" for r in result.reasons], bool)
            if failed.any():
                mask = np.zeros(cells.n, dtype=bool)
                mask[present[failed]] = True
                reasons = np.full(cells.n, None, dtype=object)
                reasons[present[failed]] = result.reasons[failed]
                cells.fail_at(position, mask, reasons)
                ok[present[failed]] = False
    return Parsed(values, ok)
