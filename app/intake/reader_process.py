"""Read a large file in a separate process while this one stores what it has read.

A reader thread (`read_ahead`) shares the interpreter lock with the storer: parsing and
validating a chunk, and binding it for SQLite or writing COPY text for PostgreSQL, are both
Python work, so on two cores they mostly take turns. A reader *process* runs on the other
core for real. Chunks travel through a pipe; their repetitive text, code and date columns
are sent as integer codes plus the distinct values (a fraction of the bytes, and the
receiver rebuilds the column by indexing).

The process is started from a forkserver (a clean, single-threaded parent), never forked
from this process: a web worker has threads and open database connections that a forked
child would inherit. Only large files take this path (`reading_plan`); starting a
process costs more than it saves on a small one.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from collections.abc import Iterator
from multiprocessing import forkserver
from pathlib import Path

import numpy as np
import pandas as pd

from app.intake.read_ahead import read_ahead
from app.storage.distinct import by_code
from importers import Chunk, Limits, ReadContext, iter_file

PROCESS_MIN_BYTES = 16 * 1024 * 1024  # a CSV of about 130,000 declaration lines
# Workbooks are read in this process whatever their size: calamine parses the whole sheet
# before the first row comes out, so a reader process could only overlap the validation of
# later chunks, and measured slower (100,000 lines: 6.8 s against 5.6 s in a thread). Their
# rows are in memory once parsed, so smaller chunks cost nothing and let the storing of one
# overlap the validating of the next (100,000 lines: 5.8 s to 5.4 s on SQLite).
WORKBOOK_CHUNK_ROWS = 25_000
_WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # XLSX/ODS (zip), XLS (OLE2)
_PRELOAD = ["importers", "importers.words.shipped", "app.intake.reader_process"]
# Peak resident memory (MB) of the last reader process, as it reported it (benchmarks and
# logs: the importing process's own peak no longer includes the reading).
last_reader_peak_mb: float | None = None
log = logging.getLogger(__name__)


class ReaderStopped(RuntimeError):
    """The reader process ended without saying why (killed, out of memory)."""


def reading_plan(path: Path, chunk_rows: int) -> tuple[bool, int]:
    """Return whether to read a file in a reader process, and in chunks of how many rows."""
    with path.open("rb") as handle:
        if handle.read(4) in _WORKBOOK_MAGIC:
            return False, min(chunk_rows, WORKBOOK_CHUNK_ROWS)
    return path.stat().st_size >= PROCESS_MIN_BYTES, chunk_rows


def warm_up() -> None:
    """Start the forkserver (it imports pandas and the readers) while other work goes on.

    The first reader process of a process otherwise waits about half a second for it.
    """
    multiprocessing.get_context("forkserver").set_forkserver_preload(_PRELOAD)
    threading.Thread(target=forkserver.ensure_running, name="intake-forkserver",
                     daemon=True).start()


def read_in_process(
    feed: str, path: Path, *, filename: str, context: ReadContext, chunk_rows: int,
    categorical: bool = False, limits: Limits | None = None,
) -> Iterator[Chunk]:
    """Yield the chunks of `iter_file` computed in a reader process, one chunk ahead.

    `categorical`: repetitive text and date columns arrive as pandas Categoricals (for
    storers that only pass records on to `bulk_insert`/`BulkWriter`, which take them).
    """
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(_PRELOAD)
    receiving, sending = ctx.Pipe(duplex=False)
    process = ctx.Process(
        target=_produce,
        args=(sending, feed, str(path), filename, context, chunk_rows, limits),
        name="vigia-intake-reader", daemon=True,
    )
    try:
        process.start()
    except (OSError, EOFError, RuntimeError) as exc:  # no process here (a locked-down host)
        log.warning("%s: no reader process (%s); reading in the importing process", filename,
                    exc)
        receiving.close()
        sending.close()
        yield from read_ahead(iter_file(feed, path, filename=filename, context=context,
                                        chunk_rows=chunk_rows, limits=limits))
        return
    sending.close()  # the child holds the only sending end: its exit ends the pipe
    try:
        while True:
            try:
                kind, payload = receiving.recv()
            except EOFError:
                process.join()
                raise ReaderStopped(
                    f"{filename}: the reader process stopped unexpectedly "
                    f"(exit code {process.exitcode}); nothing of the file was stored"
                ) from None
            if kind == "chunk":
                yield _unpack(payload, categorical=categorical)
            elif kind == "error":
                raise payload
            else:
                global last_reader_peak_mb
                last_reader_peak_mb = payload
                log.info("%s: read in a separate process (peak %.0f MB)", filename, payload)
                return
    finally:
        receiving.close()
        if process.is_alive():
            process.terminate()  # the consumer stopped early (an error while storing)
        process.join()


def _produce(sending, feed: str, path: str, filename: str, context: ReadContext,
             chunk_rows: int, limits: Limits | None = None) -> None:
    """Run in the reader process: send each chunk, then the end (or the error)."""
    try:
        for chunk in iter_file(feed, Path(path), filename=filename, context=context,
                               chunk_rows=chunk_rows, limits=limits):
            sending.send(("chunk", _pack(chunk)))
        sending.send(("end", peak_memory_mb()))
    except Exception as exc:  # handed to the consumer, raised there
        try:
            sending.send(("error", exc))
        except Exception:  # an exception that does not pickle: its words still travel
            sending.send(("error", RuntimeError(f"{filename}: {exc!r}")))
    finally:
        sending.close()


def peak_memory_mb() -> float:
    """Return this process's peak resident memory in MB (Linux VmHWM; 0 where unknown)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _pack(chunk: Chunk) -> Chunk:
    """Replace the repetitive object columns of the records by (codes, distinct values)."""
    columns = {}
    for name, column in chunk.records.items():
        columns[name] = column
        if column.dtype != object or len(column) < 1000:
            continue
        try:
            codes, uniques = pd.factorize(column, use_na_sentinel=True)
        except TypeError:  # unhashable values (the `extra` dicts): sent as they are
            continue
        if len(uniques) <= len(column) // 2:
            columns[name] = _Coded(codes.astype(np.int32), list(uniques))
    return Chunk(_Packed(columns, len(chunk.records)), chunk.errors, chunk.rows_read,
                 chunk.warnings, chunk.sheet, chunk.encoding)


def _unpack(chunk: Chunk, *, categorical: bool = False) -> Chunk:
    """Rebuild the records of a packed chunk (missing values come back as None).

    With `categorical`, a coded column of text or dates stays coded, as a pandas
    Categorical (missing: NaN): the storers write each distinct value once instead of
    converting every cell again.
    """
    packed: _Packed = chunk.records
    data = {}
    for name, column in packed.columns.items():
        if isinstance(column, _Coded):
            if categorical and not any(isinstance(v, tuple) for v in column.uniques):
                column = pd.Series(pd.Categorical.from_codes(
                    column.codes, categories=pd.Index(column.uniques, dtype=object)))
            else:
                column = pd.Series(by_code(column.codes, column.uniques, missing=None),
                                   dtype=object, copy=False)
        data[name] = column
    records = pd.DataFrame(data, copy=False) if data else pd.DataFrame(index=range(packed.rows))
    return Chunk(records, chunk.errors, chunk.rows_read, chunk.warnings, chunk.sheet,
                 chunk.encoding)


class _Coded:
    """One column as integer codes into its distinct values (-1: missing)."""

    def __init__(self, codes: np.ndarray, uniques: list):
        self.codes = codes
        self.uniques = uniques


class _Packed:
    """The records of a chunk on their way between processes."""

    def __init__(self, columns: dict, rows: int):
        self.columns = columns
        self.rows = rows
