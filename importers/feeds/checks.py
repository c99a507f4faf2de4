"""Checks shared by several feeds: licences against the registry, when the registry is known."""

from __future__ import annotations

import numpy as np
import pandas as pd

from importers.engine import Cells, FileState, Parsed
from importers.numbers import readable
from lexicon.text import identifier_key

_NAMED_ROWS = 5  # implausible rows named one by one in the warning


def _licence_index(state: FileState) -> dict[str, str] | None:
    """Map each registry licence, reduced to letters and digits, to its registry spelling.

    A licence number made only of digits (`000123`) loses its leading zeros in a spreadsheet
    number cell (`123`): it is also found without them, unless two licences then collide.
    """
    known = state.context.known_licences
    if known is None:
        return None
    derived = getattr(known, "derived", None)  # KnownLicences: built once for many files
    if derived is not None:
        return derived("licence_index", lambda: _index(known))
    return state.cache("licence_index", lambda: _index(known))


def _index(known) -> dict[str, str]:
    """Build the licence lookup: exact keys, then numeric keys without their leading zeros."""
    index = {identifier_key(k): k for k in known}
    unpadded: dict[str, list[str]] = {}
    for key, licence in index.items():
        if key.isdigit() and key.startswith("0"):
            unpadded.setdefault(key.lstrip("0"), []).append(licence)
    for key, licences in unpadded.items():
        if key and key not in index and len(licences) == 1:
            index[key] = licences[0]
    return index


def canonical_licences(
    cells: Cells, name: str, parsed: Parsed, state: FileState, *, refuse_unknown: bool
) -> np.ndarray:
    """Return licence numbers in the registry's spelling; refuse unknown ones if asked.

    `lic 00123` and `LIC-00123` are the same licence: users retype numbers by hand. When
    the registry is not known (known_licences is None) the numbers are kept as written.
    Unknown licences leave `parsed.ok` False so that later checks skip those rows.
    """
    index = _licence_index(state)
    values = parsed.values
    if index is None:
        return values
    where = np.flatnonzero(parsed.ok)
    at, uniques = pd.factorize(values[where])
    found = np.array([index.get(identifier_key(u)) for u in uniques] + [None], dtype=object)[at]
    unknown = pd.isna(found)
    out = values.copy()
    out[where[~unknown]] = found[~unknown]
    if refuse_unknown and unknown.any():
        mask = np.zeros(cells.n, dtype=bool)
        mask[where[unknown]] = True
        reasons = np.full(cells.n, None, dtype=object)
        reasons[mask] = [f"unknown licence {v!r}: not in the registry" for v in values[mask]]
        cells.fail(name, mask, reasons)
        parsed.ok = parsed.ok & ~mask
    return out


def note_unlicensed_substances(
    cells: Cells, licences: np.ndarray, licence_ok: np.ndarray, substance: Parsed, state: FileState
) -> None:
    """Count movements of a substance the declaring licence does not cover, and keep them.

    Such a row is not wrong: it is what the operator really did, and the licence rule
    ("licensed for another substance") reports it. Refusing it would hide the finding, so
    it is stored and counted in a warning per licence and substance.
    """
    known = state.context.known_licences
    if known is None:
        return
    where = np.flatnonzero(licence_ok & substance.ok)
    if not len(where):
        return
    lic_at, lic_uniques = pd.factorize(licences[where])
    sub_at, sub_uniques = pd.factorize(substance.values[where])
    at, pairs = pd.factorize(lic_at.astype(np.int64) * len(sub_uniques) + sub_at)
    covered = np.array(
        [sub_uniques[p % len(sub_uniques)] in known[lic_uniques[p // len(sub_uniques)]].substances
         for p in pairs],
        dtype=bool,
    )[at]
    if covered.all():
        return
    uncovered = where[~covered]
    pairs = zip(licences[uncovered], substance.extra["substance"][uncovered], strict=True)
    for lic, s in pairs:
        state.notes[("unlicensed_substance", "substance", f"{lic}: {s.name}")] += 1


def note_implausible(cells: Cells, kilograms: np.ndarray, column: str, state: FileState) -> None:
    """Count good rows declaring more kg in one line than is plausible: stored, and named.

    1e300 kg is a typing or export accident, 20,000 t of acetone in one sale a matter for an
    officer; neither is refused (the row may be true), both are said in the file's warnings.
    """
    ceiling = state.context.max_row_kg if state.context is not None else None
    if not ceiling or not len(kilograms):
        return
    over = np.flatnonzero(~cells.bad & (np.nan_to_num(kilograms, nan=0.0) > ceiling))
    if not len(over):
        return
    state.notes[("implausible", column, ceiling)] += len(over)
    named = state.cache("implausible_rows", list)
    for i in over[: max(_NAMED_ROWS - len(named), 0)]:
        named.append(f"row {int(cells.rows[i])}: {readable(float(kilograms[i]))} kg")
