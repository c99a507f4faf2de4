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
import queue
import signal
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing import forkserver
from pathlib import Path

import numpy as np
import pandas as pd

from app.intake.originals import TooLarge, keep_original
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
READER_NAME = "vigia-intake-reader"
NEXT_FILE_DEPTH = 4  # chunks of the next file that wait in memory for their turn
_POLL = 0.1
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
        name=READER_NAME, daemon=True,
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
            except (EOFError, OSError):  # OSError: it died in the middle of a message
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
        _send_error(sending, filename, exc)
    finally:
        sending.close()


@dataclass(frozen=True)
class ReadKey:
    """What a file is read with: a file read ahead is used only if its turn has the same."""

    feed: str
    source: Path
    filename: str
    context: ReadContext
    chunk_rows: int
    limits: Limits
    upload_folder: Path


class FileAhead:
    """A file kept and read in a reader process before its turn comes.

    The process copies the file into the store of originals (as `keep_original` would here),
    says its checksum, then sends its chunks; a thread of this process takes them off the
    pipe into a queue of at most NEXT_FILE_DEPTH chunks, so the reading goes on while this
    process is busy storing the file before. `close` stops the reader wherever it is (the
    copy in progress is removed); a file whose turn never comes costs nothing else.
    """

    def __init__(self, key: ReadKey, *, categorical: bool):
        self.key, self.categorical = key, categorical
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(_PRELOAD)
        self._receiving, sending = ctx.Pipe(duplex=False)
        self._process = ctx.Process(target=_keep_and_produce, args=(sending, key),
                                    name=READER_NAME, daemon=True)
        try:
            self._process.start()
        finally:
            sending.close()  # the child holds the only sending end: its exit ends the pipe
        self._waiting: queue.Queue = queue.Queue(maxsize=NEXT_FILE_DEPTH)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._drain, name="intake-next-file",
                                        daemon=True)
        self._thread.start()

    def kept(self) -> tuple[str, Path, int]:
        """Return the checksum, stored path and size of the original (as `keep_original`)."""
        kind, payload = self._next()
        if kind == "kept":
            return payload
        if kind == "too_large":
            raise TooLarge(payload)
        self._raise(kind, payload)
        raise AssertionError(kind)  # pragma: no cover - _raise always raises

    def chunks(self) -> Iterator[Chunk]:
        """Yield the file's chunks as `read_in_process` would."""
        global last_reader_peak_mb
        while True:
            kind, payload = self._next()
            if kind == "chunk":
                yield _unpack(payload, categorical=self.categorical)
            elif kind == "end":
                last_reader_peak_mb = payload
                log.info("%s: read ahead in a separate process (peak %.0f MB)",
                         self.key.filename, payload)
                return
            else:
                self._raise(kind, payload)

    def close(self) -> None:
        """Stop the reader if it is still at work and let go of everything it holds."""
        self._stop.set()
        if self._process.is_alive():
            self._process.terminate()  # its SIGTERM handler removes a half-made copy
        self._process.join()
        self._thread.join()
        self._receiving.close()

    def _next(self) -> tuple[str, object]:
        return self._waiting.get()

    def _raise(self, kind: str, payload) -> None:
        if kind == "error":
            raise payload
        raise ReaderStopped(
            f"{self.key.filename}: the reader process stopped unexpectedly "
            f"(exit code {self._process.exitcode}); nothing of the file was stored")

    def _drain(self) -> None:
        """Take the reader's messages off the pipe until its last one (or its end)."""
        while True:
            try:
                message = self._receiving.recv()
            except (EOFError, OSError):
                self._process.join()
                message = ("stopped", None)
            while not self._stop.is_set():
                try:
                    self._waiting.put(message, timeout=_POLL)
                    break
                except queue.Full:
                    continue
            if self._stop.is_set() or message[0] not in ("kept", "chunk"):
                return


class NextFile:
    """Read the next file of a list while this process stores the current one.

    A command importing many files (`vigia import`, the demo) hands each turn the file that
    comes after it: that file is kept and read in a reader process meanwhile, so reading and
    storing overlap across files, not only within a large one. A file read ahead is used
    only if its turn reads it the same way (`ReadKey`: the same feed, file, reading context
    and limits); otherwise it is dropped and the file is read again at its turn.
    """

    def __init__(self) -> None:
        self._pending: _Starting | None = None
        self.used = 0  # files whose turn took what was read ahead

    def take(self, key: ReadKey) -> FileAhead | None:
        """Return the file read ahead for this turn, if it was read the same way."""
        pending, self._pending = self._pending, None
        if pending is None:
            return None
        ahead = pending.ready()
        if ahead is not None and ahead.key == key:
            self.used += 1
            return ahead
        if ahead is not None:
            ahead.close()
        return None

    def start(self, key: ReadKey, *, categorical: bool) -> None:
        """Start keeping and reading a file that comes later (returns at once)."""
        self.close()
        if key.source.is_file():  # otherwise its turn says so
            self._pending = _Starting(key, categorical=categorical)

    def ready(self) -> FileAhead | None:
        """Wait until the next file's reader has started; return it (None: none started)."""
        return self._pending.ready() if self._pending is not None else None

    def close(self) -> None:
        """Stop reading a file whose turn will not come."""
        pending, self._pending = self._pending, None
        if pending is not None and (ahead := pending.ready()) is not None:
            ahead.close()

    def __enter__(self) -> NextFile:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _Starting:
    """A reader process being started in a thread.

    Starting one takes 0.1-0.2 s of waiting (the forkserver's child unpickles the reading
    context before the last of it is written); this process stores meanwhile.
    """

    def __init__(self, key: ReadKey, *, categorical: bool):
        self._ahead: FileAhead | None = None
        self._thread = threading.Thread(target=self._start, args=(key, categorical),
                                        name="intake-next-file-start", daemon=True)
        self._thread.start()

    def ready(self) -> FileAhead | None:
        """Return the started reader (None if no process could start)."""
        self._thread.join()
        return self._ahead

    def _start(self, key: ReadKey, categorical: bool) -> None:
        try:
            self._ahead = FileAhead(key, categorical=categorical)
        except (OSError, EOFError, RuntimeError) as exc:  # no process here (a locked-down host)
            log.warning("%s: not read ahead (%s)", key.filename, exc)


def _keep_and_produce(sending, key: ReadKey) -> None:
    """Run in a reader process: keep the original, say so, then send its chunks."""
    signal.signal(signal.SIGTERM, _stop_on_term)
    try:
        sha, stored, size = keep_original(source=key.source, upload_folder=key.upload_folder,
                                          max_bytes=key.limits.max_bytes)
    except TooLarge as too_large:
        sending.send(("too_large", too_large.args[0]))
        sending.close()
        return
    except Exception as exc:  # the consumer raises it at the file's turn
        _send_error(sending, key.filename, exc)
        sending.close()
        return
    sending.send(("kept", (sha, stored, size)))
    _produce(sending, key.feed, str(stored), key.filename, key.context, key.chunk_rows,
             key.limits)


def _stop_on_term(signum, frame) -> None:
    """Leave through the normal exits (a copy in progress is removed) when told to stop."""
    sys.exit(1)


def _send_error(sending, filename: str, exc: Exception) -> None:
    try:
        sending.send(("error", exc))
    except Exception:  # an exception that does not pickle: its words still travel
        sending.send(("error", RuntimeError(f"{filename}: {exc!r}")))


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
