"""Read the next chunk of a file in a thread while the current one is being stored.

Parsing (pandas' C tokenizer) and storing (SQLite's page writes, PostgreSQL's COPY on the
server) both release the GIL for much of their work, so on two cores they overlap. At most
`depth` chunks wait in the queue: memory stays bounded however large the file.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")
_POLL = 0.1


class _End:
    """The reader thread is done: normally (error None) or with an exception to re-raise."""

    def __init__(self, error: BaseException | None = None):
        self.error = error


def read_ahead(chunks: Iterator[T], *, depth: int = 1) -> Iterator[T]:
    """Yield the chunks of an iterator that a background thread reads one step ahead."""
    waiting: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        """Queue an item unless the consumer has gone; return False if it has."""
        while not stop.is_set():
            try:
                waiting.put(item, timeout=_POLL)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for chunk in chunks:
                if not put(chunk):
                    return
            put(_End())
        except BaseException as exc:  # handed to the consumer, raised there
            put(_End(exc))
        finally:
            close = getattr(chunks, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=work, name="intake-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item = waiting.get()
            if isinstance(item, _End):
                if item.error is not None:
                    raise item.error
                return
            yield item
    finally:
        stop.set()
        thread.join()
