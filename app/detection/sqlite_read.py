"""Read a SQLite query's rows into columns, texts as codes, in this process or in two.

The sqlite3 driver makes a new object for every cell and builds every row's tuple holding
the interpreter lock, so reading 1.5 million declaration lines is one busy core while the
other waits. `read_split` reads two id ranges of the same query at once: the lower one here,
the upper one in a reader process (started from the forkserver, like intake's readers, never
forked from this process), which opens the same database file read-only and sends back its
columns; they are joined in id order. The frame is the one a single read gives.

Each text column is kept as integer codes into its distinct values as the chunks arrive,
and the column is made at the end by taking the values by code (each distinct text checked
once, not every cell). The driver otherwise gave 1.5 million lines some 20 million strings,
and every rule hashed and compared them one by one (PostgreSQL's path does not have this:
pandas' CSV parser gives equal cells of a column one object). Only one chunk of the
driver's tuples is held at a time.

A second connection sees what was last committed, not this transaction's own writes: the
caller splits a read only when its transaction holds the write lock (nobody else can commit
meanwhile) and has written nothing the query reads (`app.db.rows_changed_in_transaction`).

This module imports only numpy and pandas: the reader process starts by importing it.
"""

from __future__ import annotations

import logging
import multiprocessing
import sqlite3
from collections.abc import Collection
from dataclasses import dataclass, field
from urllib.parse import quote

import numpy as np
import pandas as pd

CHUNK_ROWS = 100_000  # rows of one fetch: the driver's tuples of one chunk are held at a time
READER_NAME = "vigia-detection-reader"
log = logging.getLogger(__name__)


@dataclass
class Part:
    """Some rows of a query, column by column.

    `values[i]` is column i's array: floats, other numbers as objects, or for a text column
    (`texts[i]` not None) int32 codes into `texts[i]` (text -> code, in code order; -1: NULL).
    """

    columns: list[str]
    values: list[np.ndarray] = field(default_factory=list)
    texts: list[dict | None] = field(default_factory=list)


def read_part(raw: sqlite3.Connection, sql: str, columns: list[str], *,
              floats: Collection[str], numbers: Collection[str],
              chunk_rows: int = CHUNK_ROWS) -> Part:
    """Fetch a query's rows in chunks into one array per column, texts as codes."""
    chunks: list[list[np.ndarray]] = [[] for _ in columns]
    seen: list[dict] = [{} for _ in columns]
    cursor = raw.cursor()
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(chunk_rows):
            # One 2-D array of the chunk, its columns taken as slices: numpy's own loop, a
            # third of the time of transposing the tuples with zip (1.5 million lines: 2 s).
            table = np.empty((len(rows), len(columns)), dtype=object)
            table[:] = rows
            del rows
            for i, name in enumerate(columns):
                values = table[:, i]
                if name in floats:
                    chunks[i].append(values.astype(float))  # None: NaN
                elif name in numbers:
                    chunks[i].append(values.copy())
                else:
                    chunks[i].append(_coded(values, seen[i]))
            del table
    finally:
        cursor.close()
    part = Part(columns)
    for name, pieces, texts in zip(columns, chunks, seen, strict=True):
        text = name not in floats and name not in numbers
        kind = np.int32 if text else (float if name in floats else object)
        empty = np.empty(0, dtype=kind)
        part.values.append(np.concatenate(pieces) if pieces else empty)
        pieces.clear()
        part.texts.append(texts if text else None)
    return part


def read_split(raw: sqlite3.Connection, database: str, sqls: tuple[str, str],
               columns: list[str], *, floats: Collection[str],
               numbers: Collection[str]) -> Part:
    """Read `sqls[0]` here and `sqls[1]` in a reader process at the same time; join them.

    `database` is the file `raw` has open. Should the reader process not start, fail or
    die, its half is read here: the run is slower, not wrong.
    """
    options = {"floats": frozenset(floats), "numbers": frozenset(numbers)}
    try:
        ctx = multiprocessing.get_context("forkserver")
    except ValueError as exc:  # a platform without a forkserver
        return _read_both_here(raw, sqls, columns, options, exc)
    ctx.set_forkserver_preload([__name__])
    receiving, sending = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_read_in_reader, args=(sending, database, sqls[1], columns,
                                                        options),
                          name=READER_NAME, daemon=True)
    try:
        process.start()
    except (OSError, EOFError, RuntimeError) as exc:  # no process here (a locked-down host)
        receiving.close()
        sending.close()
        return _read_both_here(raw, sqls, columns, options, exc)
    sending.close()  # the reader holds the only sending end: its exit ends the pipe
    try:
        mine = read_part(raw, sqls[0], columns, **options)
        try:
            kind, payload = receiving.recv()
        except (EOFError, OSError):  # it died, maybe in the middle of a message
            process.join()
            kind, payload = "error", f"stopped unexpectedly (exit code {process.exitcode})"
    finally:
        receiving.close()
        if process.is_alive():
            process.terminate()
        process.join()
    if kind == "error":
        log.warning("the reader process of the declaration lines failed (%s): its half is "
                    "read here", payload)
        return join(mine, read_part(raw, sqls[1], columns, **options))
    return join(mine, _unpacked(payload))


def _read_both_here(raw, sqls: tuple[str, str], columns: list[str], options: dict,
                    why: Exception) -> Part:
    log.warning("no reader process for the declaration lines (%s): read in one", why)
    return join(read_part(raw, sqls[0], columns, **options),
                read_part(raw, sqls[1], columns, **options))


def join(first: Part, second: Part) -> Part:
    """Return the rows of `first` followed by those of `second`, texts coded as in `first`."""
    part = Part(first.columns)
    for mine, theirs, texts, other in zip(first.values, second.values, first.texts,
                                          second.texts, strict=True):
        if texts is not None:
            theirs = _recoded(theirs, other, texts)
        part.values.append(np.concatenate([mine, theirs]))
        part.texts.append(texts)
    return part


def frame(part: Part) -> pd.DataFrame:
    """Return the rows as a frame: numbers as read, texts as strings (equal texts one object).

    The part is used up: each column's codes are let go once its texts are made.
    """
    data = {}
    for i, (name, texts) in enumerate(zip(part.columns, part.texts, strict=True)):
        values, part.values[i] = part.values[i], None
        if texts is None:
            data[name] = values
            continue
        distinct = np.empty(len(texts), dtype=object)
        distinct[:] = list(texts)
        data[name] = pd.Series(pd.array(distinct, dtype="str").take(values, allow_fill=True))
        del values
    return pd.DataFrame(data, columns=part.columns)


def database_file(raw: sqlite3.Connection) -> str:
    """Return the file of the connection's main database ('' for one in memory)."""
    for _seq, name, path in raw.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return path or ""
    return ""


def _coded(values: np.ndarray, seen: dict) -> np.ndarray:
    """Return a chunk of a text column as codes into `seen` (text -> code), -1 for NULL."""
    local, uniques = pd.factorize(values, use_na_sentinel=True)
    return _recoded(local, uniques, seen)


def _recoded(codes: np.ndarray, values, seen: dict) -> np.ndarray:
    """Return codes into `values` as codes into `seen` (text -> code; new texts added)."""
    code = seen.setdefault
    # The last entry serves the NULLs (code -1).
    mapping = np.array([*(code(v, len(seen)) for v in values), -1], dtype=np.int32)
    return mapping[codes]


def _read_in_reader(sending, database: str, sql: str, columns: list[str], options: dict) -> None:
    """Run in the reader process: read the rows, send them (texts as lists), or the error."""
    try:
        raw = sqlite3.connect(f"file:{quote(database)}?mode=ro", uri=True)
        try:
            raw.execute("PRAGMA busy_timeout = 120000")
            part = read_part(raw, sql, columns, **options)
        finally:
            raw.close()
        texts = [None if t is None else list(t) for t in part.texts]
        sending.send(("part", (part.columns, part.values, texts)))
    except Exception as exc:  # said to the reading process, which reads the half itself
        sending.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        sending.close()


def _unpacked(payload) -> Part:
    columns, values, texts = payload
    return Part(columns, values, [None if t is None else {v: i for i, v in enumerate(t)}
                                  for t in texts])
