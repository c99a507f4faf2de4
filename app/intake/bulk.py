"""Fast bulk insert of a data frame inside the caller's transaction.

PostgreSQL gets COPY (CSV), SQLite the driver's executemany: both several times faster than
ORM or Core inserts, which matters for million-row declaration files.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

NULL = r"\N"
COPY_ROWS = 20_000  # rows per write to the COPY stream
SQLITE_CACHE_KIB = 256 * 1024  # page cache while bulk inserting (SQLite default: 2 MB)


def to_json_column(values: pd.Series) -> pd.Series:
    """Serialise a column of dicts (or None) as JSON text for storage."""
    return values.map(lambda v: json.dumps(v, ensure_ascii=False, default=str) if v else None)


def bulk_insert(session: Session, table: str, frame: pd.DataFrame) -> int:
    """Insert every row of a frame into a table using the fastest path of the backend."""
    if frame.empty:
        return 0
    connection = session.connection()
    raw = connection.connection.driver_connection
    columns = list(frame.columns)
    if connection.dialect.name == "postgresql":
        _copy_postgres(raw, table, columns, frame)
    else:
        _executemany_sqlite(raw, table, columns, frame)
    return len(frame)


def _copy_postgres(raw, table: str, columns: list[str], frame: pd.DataFrame) -> None:
    """Stream the frame through COPY ... FROM STDIN in PostgreSQL's text format."""
    cells = [_copy_column(frame[name]) for name in columns]
    names = ", ".join(f'"{c}"' for c in columns)
    with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for start in range(0, len(frame), COPY_ROWS):
            rows = zip(*(column[start:start + COPY_ROWS] for column in cells), strict=True)
            copy.write("\n".join(map("\t".join, rows)) + "\n")


def _copy_column(column: pd.Series) -> list[str]:
    """Return one column as COPY text cells (\\N for missing), converted column-wise."""
    if pd.api.types.is_bool_dtype(column):
        return np.where(column.to_numpy(), "t", "f").tolist()
    if pd.api.types.is_integer_dtype(column):
        return column.to_numpy().astype(str).tolist()
    if pd.api.types.is_float_dtype(column):
        values = column.to_numpy(dtype=np.float64)
        return np.where(np.isnan(values), NULL, values.astype(str)).tolist()
    kind = pd.api.types.infer_dtype(column, skipna=True)
    if kind == "date":
        days = np.array(column.to_numpy(dtype=object), dtype="datetime64[D]")
        return np.where(np.isnat(days), NULL, days.astype(str)).tolist()
    values = column.astype(object)
    missing = values.isna().to_numpy()
    if kind != "string":
        values = pd.Series([_copy_text(v) for v in values.tolist()], index=values.index,
                           dtype=object)
    text = values.where(~missing, "")
    special = text.str.contains(r"[\\\t\n\r]", regex=True).to_numpy(dtype=bool)
    if special.any():  # the text format escapes backslash, tab and line breaks
        escaped = text[special]
        for char, escape in (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r")):
            escaped = escaped.str.replace(char, escape, regex=False)
        text[special] = escaped
    return np.where(missing, NULL, text.to_numpy(dtype=object)).tolist()


def _copy_text(value) -> str:
    """Return a value of a mixed column as the text PostgreSQL reads for it."""
    stored = _sqlite_value(value)
    return str(int(stored) if isinstance(stored, bool) else stored)


def _executemany_sqlite(raw, table: str, columns: list[str], frame: pd.DataFrame) -> None:
    """Insert with the sqlite3 driver's executemany, values already in storage form."""
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    cursor = raw.cursor()
    try:
        # A million rows touch every page of five indexes: with SQLite's default 2 MB page
        # cache each insert would evict (and spill) pages the next one needs again.
        (cache,) = cursor.execute("PRAGMA cache_size").fetchone()
        if -SQLITE_CACHE_KIB < cache < 0 or 0 <= cache < SQLITE_CACHE_KIB // 4:
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        cursor.executemany(
            f"INSERT INTO {table} ({names}) VALUES ({marks})",
            _sqlite_rows(frame),
        )
    finally:
        cursor.close()


def _sqlite_rows(frame: pd.DataFrame):
    """Yield rows as tuples of values sqlite3 accepts (ISO dates, None for missing)."""
    return zip(*(_sqlite_column(frame[name]) for name in frame.columns), strict=True)


def _sqlite_column(column: pd.Series) -> list:
    """Return one column as a list of values sqlite3 accepts, converted column-wise."""
    if pd.api.types.is_bool_dtype(column):
        return column.astype(int).tolist()
    if pd.api.types.is_float_dtype(column):
        return column.astype(object).where(column.notna(), None).tolist()
    if pd.api.types.is_integer_dtype(column):
        return column.tolist()
    kind = pd.api.types.infer_dtype(column, skipna=True)
    if kind == "string" or kind == "empty":
        return column.astype(object).where(column.notna(), None).tolist()
    if kind == "date":
        # date objects -> 'YYYY-MM-DD' through numpy, not one isoformat() call per value
        days = np.array(column.to_numpy(dtype=object), dtype="datetime64[D]")
        text = days.astype(str).astype(object)
        text[np.isnat(days)] = None
        return text.tolist()
    return [_sqlite_value(v) for v in column.tolist()]


def _sqlite_value(value):
    """Return a value as SQLAlchemy would have stored it in SQLite."""
    if value is None:
        return None
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    if value is pd.NaT or value is pd.NA:
        return None
    return value
