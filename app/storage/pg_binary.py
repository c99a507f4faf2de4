"""PostgreSQL's binary COPY format, built column-wise with numpy.

In the text format every number and date is written out as text by the client and parsed
back by the server: for a million declaration lines that is about 1.5 s of client CPU
(`repr` of three float columns) and about 1 s of the server's COPY (docs/benchmarks.md).
In the binary format an integer, float or date is its big-endian bytes, which numpy
writes for a whole column at once.

A COPY binary row is a 2-byte field count, then per field a 4-byte length (-1: NULL) and
the value's bytes. Here the fixed-width fields without NULLs of every row are one numpy
record, and each other field is a `bytes` piece, the same object for every row holding
the same value (each distinct text is encoded once); the rows are the records and pieces
joined in order. The caller lists the columns in the COPY statement in `columns` order.
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
from sqlalchemy import Boolean, Date, Float, Integer, String, Table
from sqlalchemy import types as sqltypes

from app.storage.distinct import by_code, distinct_codes

SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"
TRAILER = b"\xff\xff"
NULL_FIELD = b"\xff\xff\xff\xff"
PG_EPOCH = date(2000, 1, 1)
INT4 = (-(2**31), 2**31 - 1)
INT8 = (-(2**63), 2**63 - 1)


class Unsupported(ValueError):
    """A column whose type or values this encoder does not write (use the text format)."""


def column_kinds(table: Table, names: list[str]) -> list[str]:
    """Return the binary kind of each named column, or raise Unsupported."""
    kinds = []
    for name in names:
        if name not in table.c:
            raise Unsupported(f"{table.name}.{name} is not in the model")
        kinds.append(_kind(table.c[name].type))
    return kinds


def _kind(sql_type: sqltypes.TypeEngine) -> str:
    if isinstance(sql_type, Boolean):
        return "bool"
    if isinstance(sql_type, sqltypes.BigInteger):
        return "int8"
    if isinstance(sql_type, sqltypes.SmallInteger):
        raise Unsupported("smallint")
    if isinstance(sql_type, Integer):
        return "int4"
    if isinstance(sql_type, Float):
        # FLOAT without a precision, or above 24 bits, is double precision in PostgreSQL.
        if sql_type.precision is not None and sql_type.precision <= 24:
            raise Unsupported("real")
        return "float8"
    if isinstance(sql_type, sqltypes.Numeric):
        raise Unsupported("numeric")
    if isinstance(sql_type, sqltypes.DateTime):
        raise Unsupported("timestamp")
    if isinstance(sql_type, Date):
        return "date"
    # json (not jsonb) sends its text as is: its binary form is the UTF-8 text, like text's.
    if isinstance(sql_type, String | sqltypes.JSON):  # String, Text, Unicode, JSON
        return "text"
    raise Unsupported(type(sql_type).__name__)


class Encoded:
    """One column of a frame in binary COPY form: fixed values, or one piece per row."""

    def __init__(self, fixed: np.ndarray | None = None, pieces: np.ndarray | None = None):
        self.fixed = fixed  # big-endian values, no NULL
        self.pieces = pieces  # object array of bytes: length + value, or NULL_FIELD

    def __len__(self) -> int:
        return len(self.fixed if self.fixed is not None else self.pieces)

    def take(self, start: int, stop: int) -> Encoded:
        if self.fixed is not None:
            return Encoded(fixed=self.fixed[start:stop])
        return Encoded(pieces=self.pieces[start:stop])


def encode(column: pd.Series, kind: str) -> Encoded:
    """Encode one column; raise Unsupported for values the kind cannot hold."""
    if kind == "text":
        return _text(column)
    if kind == "date":
        return _dates(column)
    if kind == "bool":
        if not pd.api.types.is_bool_dtype(column):
            raise Unsupported("not a boolean column")
        return Encoded(fixed=column.to_numpy(dtype=np.uint8))
    if kind in ("int4", "int8"):
        return _integers(column, kind)
    return _floats(column)


def _integers(column: pd.Series, kind: str) -> Encoded:
    if not (pd.api.types.is_integer_dtype(column) or pd.api.types.is_bool_dtype(column)):
        raise Unsupported("not an integer column")
    if column.isna().any():
        raise Unsupported("missing integers")
    values = column.to_numpy(dtype=np.int64)
    low, high = INT4 if kind == "int4" else INT8
    if len(values) and (values.min() < low or values.max() > high):
        raise Unsupported(f"a value out of the {kind} range")
    return Encoded(fixed=values.astype(">i4" if kind == "int4" else ">i8"))


def _floats(column: pd.Series) -> Encoded:
    if not (pd.api.types.is_float_dtype(column) or pd.api.types.is_integer_dtype(column)):
        raise Unsupported("not a numeric column")
    values = column.to_numpy(dtype=np.float64, na_value=np.nan)
    missing = np.isnan(values)
    if not missing.any():
        return Encoded(fixed=values.astype(">f8"))
    return Encoded(pieces=_with_nulls(values.astype(">f8"), missing))


def _with_nulls(values: np.ndarray, missing: np.ndarray) -> np.ndarray:
    """Pieces (length + value) of a fixed-width column that has NULLs."""
    fields = np.empty(len(values), dtype=[("length", ">i4"), ("value", values.dtype)])
    fields["length"] = values.dtype.itemsize
    fields["value"] = values
    pieces = np.empty(len(values), dtype=object)
    pieces[:] = _as_bytes(fields)
    pieces[missing] = NULL_FIELD
    return pieces


def _as_bytes(records: np.ndarray) -> list[bytes]:
    """Each record of a structured array as its bytes."""
    return records.view(np.dtype((np.void, records.dtype.itemsize))).tolist()


def _text(column: pd.Series) -> Encoded:
    codes, values = distinct_codes(column)
    if pd.api.types.infer_dtype(values, skipna=False) != "string":
        values = [str(_plain(value)) for value in values]
    data = [value.encode() for value in values]
    lengths = _as_bytes(np.fromiter(map(len, data), dtype=">i4", count=len(data)))
    encoded = list(map(bytes.__add__, lengths, data))
    return Encoded(pieces=by_code(codes, encoded, missing=NULL_FIELD))


def _plain(value):
    """A value of a mixed text column as the text format writes it (True as 1, ISO dates)."""
    if isinstance(value, bool | np.bool_):
        return int(value)
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _dates(column: pd.Series) -> Encoded:
    codes, values = distinct_codes(column)
    days = np.fromiter((_days(value) for value in values), dtype=np.int64, count=len(values))
    missing = codes < 0
    numbers = np.append(days, 0)[codes].astype(">i4")
    if not missing.any():
        return Encoded(fixed=numbers)
    return Encoded(pieces=_with_nulls(numbers, missing))


def _days(value) -> int:
    """Days since PostgreSQL's epoch of a date, or of its ISO text."""
    if isinstance(value, datetime | pd.Timestamp):
        raise Unsupported("a timestamp in a date column")
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError as exc:
            raise Unsupported(f"{value!r} is not an ISO date") from exc
    if not isinstance(value, date):
        raise Unsupported(f"{value!r} is not a date")
    return (value - PG_EPOCH).days


def in_row_order(columns: dict[str, Encoded]) -> list[str]:
    """The order to list the columns in: the fixed-width ones (one record per row) first."""
    return sorted(columns, key=lambda name: columns[name].fixed is None)


def rows(columns: list[Encoded]) -> bytes:
    """Join encoded columns into binary COPY rows (no signature): fixed-width ones first."""
    count = len(columns[0])
    fixed = [c.fixed for c in columns if c.fixed is not None]
    if any(c.fixed is not None for c in columns[len(fixed):]):
        raise ValueError("list the fixed-width columns first (in_row_order)")
    record = np.empty(count, dtype=[("fields", ">i2")] + [
        field for i, values in enumerate(fixed)
        for field in ((f"length{i}", ">i4"), (f"value{i}", values.dtype))
    ])
    record["fields"] = len(columns)
    for i, values in enumerate(fixed):
        record[f"length{i}"] = values.dtype.itemsize
        record[f"value{i}"] = values
    grid = np.empty((count, 1 + len(columns) - len(fixed)), dtype=object)
    grid[:, 0] = _as_bytes(record)
    for j, column in enumerate(columns[len(fixed):], start=1):
        grid[:, j] = column.pieces
    return b"".join(grid.ravel().tolist())
