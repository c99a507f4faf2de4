"""Fast bulk insert of a data frame inside the caller's transaction.

PostgreSQL gets COPY, SQLite the driver's executemany: both several times faster than ORM
or Core inserts, which matters for million-row declaration files. `bulk_insert` sends COPY
text (any table, temporary ones too); `BulkWriter`, the declaration lines' storer, sends
binary COPY built by pg_binary when every column's type allows it, which spares the
client writing numbers and dates as text and the server parsing them back.
"""

from __future__ import annotations

import math
import threading
from datetime import date, datetime

import numpy as np
import pandas as pd
from psycopg.copy import QueuedLibpqWriter
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from app.db import Base, json_text
from app.storage import pg_binary
from app.storage.distinct import by_code

NULL = r"\N"
_COPY_SPECIAL = ("\\", "\t", "\n", "\r")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
COPY_ROWS = 20_000  # rows per write to the COPY stream
SQLITE_CACHE_KIB = 256 * 1024  # page cache while bulk inserting (SQLite default: 2 MB)
# SQLAlchemy's own conversion of a date-time for SQLite: text with six microsecond digits
# and no offset ("2026-12-04 21:57:03.000000"). Rows written here and rows the ORM writes
# must compare alike in SQL (an offset or a missing fraction sorts differently).
_SQLITE_DATETIME = sqlite.DATETIME().bind_processor(sqlite.dialect())


def to_json_column(values: pd.Series) -> pd.Series:
    """Serialise a column of dicts (or None) as the text of a JSON column (empty: NULL)."""
    return values.map(lambda v: json_text(v) if v else None)


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


class Prepared:
    """A frame on its way into a table: on PostgreSQL already in COPY form.

    `encoded` holds the columns in binary COPY form where the table's types allow it (see
    pg_binary), else `cells` holds them as COPY text.
    """

    def __init__(self, table: str, frame: pd.DataFrame, *,
                 cells: dict[str, list[str]] | None = None,
                 encoded: dict[str, pg_binary.Encoded] | None = None):
        self.table = table
        self.frame = frame
        self.cells = cells
        self.encoded = encoded

    def with_column(self, position: int, name: str, values: np.ndarray) -> Prepared:
        """Add a column known only later (the declaration ids), converted the same way."""
        frame = self.frame.copy(deep=False)
        frame.insert(position, name, values)
        if self.encoded is not None:
            try:
                encoded = {**self.encoded, name: _encode(self.table, frame, [name])[name]}
                return Prepared(self.table, frame, encoded=encoded)
            except pg_binary.Unsupported:
                return Prepared(self.table, frame, cells=_cells(frame))
        if self.cells is not None:
            return Prepared(self.table, frame, cells={**self.cells,
                                                      name: _copy_column(frame[name])})
        return Prepared(self.table, frame)


class BulkWriter:
    """Insert frames one after another; on PostgreSQL each COPY runs while the caller goes on.

    The server needs about as long to store a chunk of declaration lines as the client needs
    to read and prepare the next one: done in turn, each waits for the other. Here the
    caller converts the next frame (`prepare`: binary COPY form where the table's model
    allows, else COPY text) while the server stores the previous one,
    which a thread sends and waits for. The connection is the caller's transaction, so the
    caller must `wait()` before any other statement on it, and `close()` at the end (also on
    error). On SQLite `insert` simply inserts: binding values is Python work that a thread
    could only take turns at.
    """

    def __init__(self, session: Session):
        self.session = session
        self.stored = 0
        self._postgres = session.connection().dialect.name == "postgresql"
        self._running: threading.Thread | None = None
        self._error: BaseException | None = None

    def prepare(self, table: str, frame: pd.DataFrame) -> Prepared:
        """Convert a frame for storage now (binary COPY, else COPY text, on PostgreSQL)."""
        if not self._postgres:
            return Prepared(table, frame)
        try:
            return Prepared(table, frame, encoded=_encode(table, frame, list(frame.columns)))
        except pg_binary.Unsupported:
            return Prepared(table, frame, cells=_cells(frame))

    def insert(self, prepared: Prepared) -> None:
        """Store a prepared frame, once the previous one is stored."""
        self.wait()
        if prepared.frame.empty:
            return
        self.stored += len(prepared.frame)
        if not self._postgres:
            bulk_insert(self.session, prepared.table, prepared.frame)
            return
        raw = self.session.connection().connection.driver_connection

        def copy() -> None:
            try:
                if prepared.encoded is not None:
                    _copy_binary(raw, prepared.table, prepared.encoded)
                else:
                    columns = list(prepared.frame.columns)
                    _copy_cells(raw, prepared.table, columns,
                                [prepared.cells[name] for name in columns])
            except BaseException as exc:  # raised in the caller by wait()
                self._error = exc

        self._running = threading.Thread(target=copy, name="intake-copy", daemon=True)
        self._running.start()

    def wait(self) -> None:
        """Return once the last frame is stored; raise what storing it raised."""
        self.close()
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def close(self) -> None:
        """Wait for a COPY still running, without raising (use on the way out of an error)."""
        if self._running is not None:
            self._running.join()
            self._running = None


def _encode(table: str, frame: pd.DataFrame, names: list[str]) -> dict[str, pg_binary.Encoded]:
    """Encode columns of a frame for a binary COPY into a table of the models."""
    model = Base.metadata.tables.get(table)
    if model is None:
        raise pg_binary.Unsupported(f"{table} is not a table of the models")
    kinds = pg_binary.column_kinds(model, names)
    return {name: pg_binary.encode(frame[name], kind)
            for name, kind in zip(names, kinds, strict=True)}


def _cells(frame: pd.DataFrame) -> dict[str, list[str]]:
    return {name: _copy_column(frame[name]) for name in frame.columns}


def _copy_binary(raw, table: str, encoded: dict[str, pg_binary.Encoded]) -> None:
    """Send encoded columns through one binary COPY ... FROM STDIN."""
    columns = pg_binary.in_row_order(encoded)
    names = ", ".join(f'"{c}"' for c in columns)
    count = len(encoded[columns[0]])
    with raw.cursor() as cursor, cursor.copy(
        f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)",
        writer=QueuedLibpqWriter(cursor),
    ) as copy:
        copy.write(pg_binary.SIGNATURE)
        for start in range(0, count, COPY_ROWS):
            stop = min(start + COPY_ROWS, count)
            copy.write(pg_binary.rows([encoded[c].take(start, stop) for c in columns]))
        copy.write(pg_binary.TRAILER)


def _copy_postgres(raw, table: str, columns: list[str], frame: pd.DataFrame) -> None:
    """Stream the frame through COPY ... FROM STDIN in PostgreSQL's text format."""
    _copy_cells(raw, table, columns, [_copy_column(frame[name]) for name in columns])


def _copy_cells(raw, table: str, columns: list[str], cells: list[list[str]]) -> None:
    """Send columns of COPY text cells through COPY ... FROM STDIN."""
    names = ", ".join(f'"{c}"' for c in columns)
    with raw.cursor() as cursor, cursor.copy(
        f"COPY {table} ({names}) FROM STDIN", writer=QueuedLibpqWriter(cursor)
    ) as copy:
        # The queued writer hands each block to the server from its own thread, so the
        # next block's text is joined while the server is still storing the last one.
        for start in range(0, len(cells[0]), COPY_ROWS):
            rows = zip(*(column[start:start + COPY_ROWS] for column in cells), strict=True)
            copy.write("\n".join(map("\t".join, rows)) + "\n")


def _copy_column(column: pd.Series) -> list[str]:
    """Return one column as COPY text cells (\\N for missing), each distinct value written once.

    Most columns of a declaration file repeat a few values (codes, licences, dates, batch);
    converting the distinct values and spreading them back by code is several times faster
    than converting every cell, and costs little on a column of unique values.
    """
    codes, uniques = pd.factorize(column, use_na_sentinel=True)  # missing: code -1
    return by_code(codes, _copy_texts(uniques), missing=NULL).tolist()


def _copy_texts(values) -> list[str]:
    """Return distinct non-missing values as COPY text."""
    if pd.api.types.is_bool_dtype(values):
        return ["t" if v else "f" for v in values]
    if pd.api.types.is_integer_dtype(values):
        return list(map(str, values.tolist()))
    if pd.api.types.is_float_dtype(values):
        # Python's repr is the shortest exact text of a float, and faster than numpy's.
        return list(map(repr, values.tolist()))
    items = list(values)
    kind = pd.api.types.infer_dtype(items, skipna=False)
    if kind == "date":
        return [day.isoformat() for day in items]
    if kind != "string":
        return [_copy_text(_sqlite_value(v)) for v in items]
    if any(char in "".join(items) for char in _COPY_SPECIAL):  # the text format escapes these
        return [v.translate(_COPY_ESCAPES) for v in items]
    return items


def _date_texts(column: pd.Series, *, missing) -> list:
    """Write date objects as ISO text, converting each distinct date once."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    return by_code(codes, [day.isoformat() for day in uniques], missing=missing).tolist()


def _copy_text(stored) -> str:
    """Return a value of a mixed column (already in storage form) as COPY text."""
    text = str(int(stored) if isinstance(stored, bool) else stored)
    return text.translate(_COPY_ESCAPES)


def _executemany_sqlite(raw, table: str, columns: list[str], frame: pd.DataFrame) -> None:
    """Insert with the sqlite3 driver's executemany, binding as few and cheap values as can be.

    Binding dominates, and its cost is per value bound: a None costs several times an int,
    a float or a str (the driver looks for an adapter each time). So a column that is one
    constant is written into the statement, missing text is bound as '' behind
    `NULLIF(?, '')`, and missing floats are bound as NaN, which SQLite stores as NULL.
    """
    names, marks, values = [], [], []
    for name in columns:
        mark, column = _sqlite_binding(frame[name])
        names.append(f'"{name}"')
        marks.append(mark)
        if column is not None:
            values.append(column)
    cursor = raw.cursor()
    try:
        # A million rows touch every page of the indexes: with SQLite's default 2 MB page
        # cache each insert would evict (and spill) pages the next one needs again.
        (cache,) = cursor.execute("PRAGMA cache_size").fetchone()
        if -SQLITE_CACHE_KIB < cache < 0 or 0 <= cache < SQLITE_CACHE_KIB // 4:
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(marks)})"
        if values:
            cursor.executemany(sql, zip(*values, strict=True))
        else:
            cursor.executemany(sql, ((),) * len(frame))
    finally:
        cursor.close()


def _sqlite_binding(column: pd.Series) -> tuple[str, list | None]:
    """Return the value expression of one column and the values it binds (None: none)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return _sqlite_coded(column)
    if pd.api.types.is_bool_dtype(column) or pd.api.types.is_integer_dtype(column):
        numbers = column.to_numpy(dtype=np.int64)
        if len(numbers) and numbers.min() == numbers.max():
            return str(int(numbers[0])), None  # the same for every row: a literal
        return "?", numbers.tolist()
    if pd.api.types.is_float_dtype(column):
        return "?", column.to_numpy(dtype=np.float64).tolist()  # NaN is stored as NULL
    values = _sqlite_column(column)
    if None not in values:
        return "?", values
    if "" in values:  # an empty text that must stay distinct from NULL
        return "?", values
    return "NULLIF(?, '')", ["" if v is None else v for v in values]


def _sqlite_coded(column: pd.Series) -> tuple[str, list]:
    """Bind a Categorical column: each distinct value converted once, spread by its code."""
    values = _sqlite_column(pd.Series(column.cat.categories.to_numpy(dtype=object), dtype=object))
    codes = column.cat.codes.to_numpy()
    missing = bool((codes < 0).any())
    if missing and "" not in values and None not in values:
        return "NULLIF(?, '')", by_code(codes, values, missing="").tolist()
    return "?", by_code(codes, values, missing=None).tolist()


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
        return _date_texts(column, missing=None)
    return [_sqlite_value(v) for v in column.tolist()]


def _sqlite_value(value):
    """Return a value as SQLAlchemy would have stored it in SQLite."""
    if value is None or value is pd.NaT:  # NaT is a datetime too: checked first
        return None
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, datetime):
        return _SQLITE_DATETIME(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    if value is pd.NA:
        return None
    return value
