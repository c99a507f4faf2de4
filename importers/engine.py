"""Vectorised row validation: run a feed's marshmallow schema over a whole chunk at once.

The schema says which columns a row has, which are required, their types and accepted
codes; each field knows how to parse a column of cells with pandas/numpy. Only failing
cells turn into Python `RowError` objects, so a million good rows cost a few array passes.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from importers.aliases import HeaderMatch
from importers.context import ReadContext
from importers.dates import to_date_objects
from importers.marks import excel_error_reason, is_excel_error, is_placeholder
from importers.numbers import NumberStyle
from importers.results import RowError
from importers.text import cell_text, unsafe_reason

if TYPE_CHECKING:
    from marshmallow import Schema

    from importers.csv_reader import RawChunk


@dataclass
class FileState:
    """What a reader learns about one file as it goes: styles, caches, keys already seen."""

    context: ReadContext | None  # None only when a schema loads one row without a reader
    number_hint: str = "point"
    textual: bool = True  # cells are all str (CSV), not native workbook values
    styles: dict[str, NumberStyle] = field(default_factory=dict)
    caches: dict[str, Any] = field(default_factory=dict)
    notes: Counter = field(default_factory=Counter)  # counted remarks, reported as warnings
    # Workbook columns whose number cells are formatted as percentages (hold 0.33 for 33 %).
    percent_columns: set[str] = field(default_factory=set)

    def cache(self, name: str, factory):
        """Return the per-file cache called `name`, creating it with `factory` the first time."""
        if name not in self.caches:
            self.caches[name] = factory()
        return self.caches[name]


@dataclass
class Parsed:
    """One column parsed over the whole chunk."""

    values: np.ndarray
    ok: np.ndarray  # a usable value is present (parsed, or defaulted when empty)
    extra: dict[str, np.ndarray] = field(default_factory=dict)


class Cells:
    """One chunk's raw cells under canonical names, and the row errors found so far."""

    def __init__(self, raw: RawChunk, match: HeaderMatch, *, textual: bool):
        self.frame = raw.frame
        self.rows = raw.rows
        self.n = len(raw.frame)
        self.match = match
        self.textual = textual
        self.bad = np.zeros(self.n, dtype=bool)
        self._failures: list[tuple[int, int, str | None, str]] = []  # row, position, value, reason
        # cells refused before parsing (a control character): emptied, not "missing" too
        self.refused: dict[int, np.ndarray] = {}
        # "Cantidad (Kg)" and "Cantidad (L)": per row, the position the value comes from
        self._positions: dict[str, np.ndarray] = {}
        for name, (position, _) in match.alternates.items():
            first = self.frame[match.columns[name]].to_numpy(dtype=object)
            second = self.frame[position].to_numpy(dtype=object)
            take = np.array([cell_text(a).strip() == "" and cell_text(b).strip() != ""
                             for a, b in zip(first, second, strict=True)], dtype=bool)
            self._positions[name] = np.where(take, position, match.columns[name])

    def raw(self, name: str) -> np.ndarray | None:
        """Return the cells of a canonical column (None when the file lacks it)."""
        position = self.match.columns.get(name)
        if position is None:
            return None
        values = self.frame[position].to_numpy(dtype=object)
        if name in self._positions:
            alternate = self.match.alternates[name][0]
            take = self._positions[name] == alternate
            values = np.where(take, self.frame[alternate].to_numpy(dtype=object), values)
        return values

    def implied(self, name: str) -> np.ndarray:
        """Return the value another header implies for a column, per row ("Cantidad (L)": L)."""
        values = np.full(self.n, self.match.implied[name], dtype=object)
        if name == "unit" and "quantity" in self._positions:
            position, unit = self.match.alternates["quantity"]
            values[self._positions["quantity"] == position] = unit
        return values

    def header(self, name: str) -> str:
        """Return the header of a canonical column as written in the file."""
        return self.match.header(name)

    def refuse_unsafe(self, pattern: re.Pattern | None, *, cell_limit: int) -> None:
        """Refuse text cells holding a control character, or (extra columns) too much text.

        Such a cell is emptied after its error is recorded: its row is refused, and the
        parsers never echo a terminal escape or a megabyte of text in a message.
        `pattern` None: the file was seen to hold no control character at all.
        """
        extras = set(self.match.extras)
        for position in self.frame.columns:
            if pattern is None and position not in extras:
                continue
            column = self.frame[position].to_numpy(dtype=object)
            reasons = np.full(self.n, None, dtype=object)
            if pattern is not None:
                texts = [v for v in column if v.__class__ is str]
                if texts and pattern.search("\n".join(texts)):
                    for i, value in enumerate(column):
                        if value.__class__ is str and pattern.search(value):
                            reasons[i] = unsafe_reason(value)
            if position in extras:
                over = longer_than(column, cell_limit)
                reasons[over & pd.isna(reasons)] = (
                    f"more than {cell_limit:,} characters in one cell")
            refused = pd.notna(reasons)
            if refused.any():
                self.fail_at(int(position), refused, reasons)
                column = column.copy()
                column[refused] = ""
                self.frame[position] = pd.Series(column, index=self.frame.index, dtype=object)
                self.refused[int(position)] = refused

    def refused_cells(self, name: str) -> np.ndarray | None:
        """Return the cells of a canonical column refused before parsing, if any."""
        position = self.match.columns.get(name)
        return None if position is None else self.refused.get(position)

    def fail(self, name: str, mask: np.ndarray, reason: str | np.ndarray) -> None:
        """Record a failure for every cell of column `name` where `mask` is set.

        `reason` is one message, or an object array of messages aligned with the chunk.
        """
        self.fail_at(self._positions.get(name, self.match.columns[name]), mask, reason)

    def fail_at(
        self, position: int | np.ndarray, mask: np.ndarray, reason: str | np.ndarray
    ) -> None:
        """Record a failure for every cell of the column at `position` where `mask` is set.

        `position` may be an array: the column each row's value came from.
        """
        where = np.flatnonzero(mask)
        if not len(where):
            return
        self.bad[where] = True
        if isinstance(position, int | np.integer):
            positions = np.full(len(where), int(position))
            cells = self.frame[int(position)].to_numpy(dtype=object)[where]
        else:  # rare: a column whose values come from two ("Cantidad (Kg)", "Cantidad (L)")
            positions = position[where]
            cells = [self.frame[int(p)].iat[int(i)] for p, i in zip(positions, where, strict=True)]
        reasons = [reason] * len(where) if isinstance(reason, str) else reason[where]
        rows = self.rows[where]
        for row, at, cell, why in zip(rows.tolist(), positions.tolist(), cells, reasons,
                                      strict=True):
            text = cell_text(cell)
            self._failures.append((row, at, text if text.strip() else None, str(why)))

    def errors(self) -> list[RowError]:
        """Return the row errors in reading order: by row, then by column."""
        self._failures.sort(key=lambda f: (f[0], f[1]))
        headers = self.match.headers
        return [RowError(row, headers[pos], value, why) for row, pos, value, why in self._failures]


def parse_fields(schema: Schema, cells: Cells, state: FileState) -> dict[str, Parsed]:
    """Parse every field of the schema over the chunk, recording a failure per bad cell."""
    parsed: dict[str, Parsed] = {}
    for name, schema_field in schema.fields.items():
        values = cells.raw(name)
        if values is None and name in cells.match.implied:  # "Cantidad (Kg)": unit kg
            values = cells.implied(name)
            parsed[name] = schema_field.parse(values, state, name).as_parsed()
            continue
        if values is None:
            parsed[name] = schema_field.absent(cells.n, state)
            continue
        parsed[name] = _parse_column(name, schema_field, values, cells, state)
        if name in cells.match.scales:  # "Cantidad (t)" in a column of kg
            parsed[name].values = parsed[name].values * cells.match.scales[name]
            state.notes[("scaled", name, cells.match.scales[name])] = 1
    return parsed


def _parse_column(name: str, column, values: np.ndarray, cells: Cells, state: FileState) -> Parsed:
    """Parse the non-empty cells of one column, then default or flag the empty ones."""
    empty = values == ""
    refused = cells.refused_cells(name)
    if refused is not None:
        empty = empty & ~refused
    limit = getattr(column, "max_length", None)
    if limit is not None:  # refused before parsing: a 1 MB name is not looked up or kept
        over = longer_than(values, limit)
        if over.any():
            reasons = np.full(cells.n, None, dtype=object)
            reasons[over] = [too_long(cell_text(v).strip(), limit) for v in values[over]]
            cells.fail(name, over, reasons)
            values = values.copy()
            values[over] = ""
            empty = empty & ~over
            cells.bad[over] = True
    present = np.flatnonzero(~empty) if limit is None else np.flatnonzero(values != "")
    result = column.parse(values if len(present) == cells.n else values[present], state, name)
    failed = np.flatnonzero(~result.ok)
    if len(failed):
        # A cell of spaces is empty, not wrong; so is `N/A` or `-` where a value is optional.
        texts = [cell_text(v).strip() for v in values[present[failed]]]
        blank = np.array([t == "" for t in texts], dtype=bool)
        if not column.required:
            placeholder = np.array([is_placeholder(t) for t in texts], dtype=bool)
            if placeholder.any():
                state.notes[("placeholder", name, None)] += int(placeholder.sum())
                blank |= placeholder
        error = np.array([is_excel_error(t) for t in texts], dtype=bool)
        if error.any():  # `#N/A` says more than "not a number: '#N/A'"
            result.reasons[failed[error]] = [
                excel_error_reason(t) for t, e in zip(texts, error, strict=True) if e
            ]
        if blank.any():
            empty[present[failed[blank]]] = True
            keep = np.ones(len(present), dtype=bool)
            keep[failed[blank]] = False
            present, result = present[keep], result.take(keep)
    if len(present) == cells.n:
        full = Parsed(result.values, result.ok.copy(), result.extra)
    else:
        full = column.absent(cells.n, state)
        full.values[present] = result.values
        full.ok[present] = result.ok
        for key, array in result.extra.items():
            full.extra[key][present] = array
    if not result.ok.all():
        mask = np.zeros(cells.n, dtype=bool)
        mask[present[~result.ok]] = True
        reasons = np.full(cells.n, None, dtype=object)
        reasons[present] = result.reasons
        cells.fail(name, mask, reasons)
    if column.required and empty.any():
        cells.fail(name, empty, column.error_messages["required"])
        full.ok[empty] = False
    return full


def too_long(text: str, limit: int) -> str:
    """Say that a value is longer than its column allows."""
    return (f"{len(text):,} characters long: at most {limit:,} are stored in this column "
            "(shorten it, or put notes in a column of their own)")


def longer_than(values: np.ndarray, limit: int) -> np.ndarray:
    """Mark the cells whose text is longer than `limit` characters (after stripping)."""
    try:
        if not len(values) or max(map(len, values)) <= limit:  # all text (CSV): one C loop
            return np.zeros(len(values), dtype=bool)
    except TypeError:  # workbook numbers and dates among the text
        pass
    lengths = np.fromiter(map(_length, values), dtype=np.int64, count=len(values))
    over = lengths > limit
    if over.any():  # surrounding spaces do not count
        at = np.flatnonzero(over)
        over[at] = [len(cell_text(values[i]).strip()) > limit for i in at]
    return over


def _length(value: Any) -> int:
    """Return the length of a cell's text, cheaply (a number's text is short)."""
    return len(value) if value.__class__ is str else 0


@dataclass
class FieldResult:
    """What a field's parse returns for the cells it was given."""

    values: np.ndarray
    ok: np.ndarray
    reasons: np.ndarray | None  # object array: a message where not ok (None: all ok)
    extra: dict[str, np.ndarray] = field(default_factory=dict)

    def as_parsed(self) -> Parsed:
        """Return the result as a parsed column (for values that cannot fail)."""
        return Parsed(self.values, self.ok.copy(), self.extra)

    def take(self, keep: np.ndarray) -> FieldResult:
        """Return the result for the cells selected by a boolean mask."""
        extra = {key: array[keep] for key, array in self.extra.items()}
        reasons = None if self.reasons is None else self.reasons[keep]
        return FieldResult(self.values[keep], self.ok[keep], reasons, extra)


class KeyIndex:
    """Keys already kept in this file, to refuse later duplicates (64-bit hashes + row)."""

    def __init__(self) -> None:
        self.hashes = np.empty(0, dtype=np.uint64)
        self.rows = np.empty(0, dtype=np.int64)

    def earlier_rows(self, keys: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
        """Return, per key, the row that already holds it (0 if none), and remember new keys."""
        if not len(keys):
            return np.zeros(0, dtype=np.int64)
        hashes = pd.util.hash_pandas_object(keys, index=False).to_numpy(dtype=np.uint64)
        earlier = np.zeros(len(hashes), dtype=np.int64)
        if len(self.hashes):
            at = np.searchsorted(self.hashes, hashes).clip(max=len(self.hashes) - 1)
            known = self.hashes[at] == hashes
            earlier[known] = self.rows[at[known]]
        series = pd.Series(hashes)
        first_row = pd.Series(rows).groupby(series.to_numpy()).transform("first").to_numpy()
        repeated = series.duplicated(keep="first").to_numpy() & (earlier == 0)
        earlier[repeated] = first_row[repeated]
        fresh = earlier == 0
        self.hashes = np.concatenate([self.hashes, hashes[fresh]])
        self.rows = np.concatenate([self.rows, rows[fresh]])
        order = np.argsort(self.hashes, kind="stable")
        self.hashes, self.rows = self.hashes[order], self.rows[order]
        return earlier


def refuse_duplicates(
    cells: Cells,
    state: FileState,
    *,
    key: dict[str, np.ndarray],
    column: str,
    message: str,
    among: np.ndarray | None = None,
    index_name: str = "keys",
) -> None:
    """Fail rows whose key repeats an earlier good row of the file; `message` names `{row}`.

    Only rows without errors take part: a rejected row holds no key a later row could repeat.
    """
    candidates = ~cells.bad if among is None else among & ~cells.bad
    if not candidates.any():
        return
    index = state.cache(index_name, KeyIndex)
    keys = pd.DataFrame({name: array[candidates] for name, array in key.items()})
    earlier = np.zeros(cells.n, dtype=np.int64)
    earlier[candidates] = index.earlier_rows(keys, cells.rows[candidates])
    duplicate = earlier > 0
    if duplicate.any():
        reasons = np.full(cells.n, None, dtype=object)
        reasons[duplicate] = [message.format(row=r) for r in earlier[duplicate]]
        cells.fail(column, duplicate, reasons)


def build_records(
    columns: dict[str, np.ndarray], cells: Cells, *, int_columns: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Keep the good rows as a typed DataFrame, plus `source_row` and the `extra` columns."""
    good = ~cells.bad
    every = good.all()
    data: dict[str, Any] = {}
    for name, array in columns.items():
        kept = array if every else array[good]
        if kept.dtype.kind == "M":
            kept = to_date_objects(kept)
        elif name in int_columns:
            kept = kept.astype(np.int64)
        # object, not pandas 3's inferred `str`: missing text stays None, not NaN
        data[name] = pd.Series(kept, dtype=kept.dtype, copy=False)
    data["source_row"] = pd.Series(cells.rows[good].astype(np.int64), copy=False)
    data["extra"] = pd.Series(_extras(cells, good), dtype=object, copy=False)
    return pd.DataFrame(data, copy=False)  # one block per column: no 2-D copy of the cells


def _extras(cells: Cells, good: np.ndarray) -> np.ndarray:
    """Build {header as written: value} per kept row from the columns the feed does not know."""
    out = np.full(int(good.sum()), None, dtype=object)
    if not len(out):
        return out
    names: list[str] = []
    used: list[tuple[str, np.ndarray, np.ndarray]] = []  # name, cells, non-empty mask
    for position in cells.match.extras:
        name = cells.match.headers[position] or f"column {position + 1}"
        while name in names:
            name += "'"
        names.append(name)
        column = cells.frame[position].to_numpy(dtype=object)[good]
        present = column != ""
        if present.any():  # workbooks often carry dozens of empty formatted columns
            used.append((name, column, present))
    if not used:
        return out
    filled = np.logical_or.reduce([present for _, _, present in used])
    for i in np.flatnonzero(filled):
        found = {}
        for name, column, present in used:
            if present[i] and (text := cell_text(column[i]).strip()):
                found[name] = text
        out[i] = found or None
    return out
