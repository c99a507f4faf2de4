"""Failures of what a command depends on, said in one line: what failed and what to do.

An unreachable database, a lock another process holds past the lock timeout, or a full disk
is no bug of Vigía and no fault of the file: the person at the console needs one line
naming it and the next step, not two tracebacks. `explain` recognises them (through the
chain of causes, so a driver error wrapped by SQLAlchemy is found too); anything it does
not recognise is a bug, whose traceback goes to the log file.
"""

from __future__ import annotations

import errno
import logging
import sys
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_FILE = "vigia.log"  # in the instance folder
log = logging.getLogger(__name__)


class Unavailable(RuntimeError):
    """Something the work needs is not available now; str() says what and what to do."""


_DISK_FULL = (errno.ENOSPC, errno.EDQUOT)
# PostgreSQL SQLSTATEs: 53xxx insufficient resources (53100 disk full), 55P03 lock not
# available (lock_timeout), 57P01-57P03 the server shut down or cannot take connections now.
_PG_LOCK = {"55P03"}
_PG_DISK = {"53100"}
_PG_GONE = {"57P01", "57P02", "57P03", "08000", "08001", "08003", "08004", "08006"}


def explain(exc: BaseException, *, lock_timeout: float | None = None) -> str | None:
    """Return the one-line explanation of an environmental failure, or None for a bug."""
    for cause in _chain(exc):
        if isinstance(cause, Unavailable):
            return str(cause)
        if isinstance(cause, OSError) and cause.errno in _DISK_FULL:
            where = f" writing {cause.filename}" if cause.filename else ""
            return f"the disk is full{where}: free some space, then run the command again"
        found = _database_failure(cause, lock_timeout)
        if found:
            return found
    return None


def _chain(exc: BaseException):
    """Yield an exception, then its causes and contexts, each once."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__ or getattr(exc, "orig", None)


def _database_failure(exc: BaseException, lock_timeout: float | None) -> str | None:
    """Recognise a database driver's error: unreachable, locked, full."""
    module = type(exc).__module__ or ""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    waited = f" for {lock_timeout:g} s" if lock_timeout else ""
    if module.startswith("sqlite3"):
        lowered = text.lower()
        if "database is locked" in lowered or "database is busy" in lowered:
            return (f"the database is locked by another import or detection run (waited{waited}):"
                    " run the command again when it has finished, or raise VIGIA_LOCK_TIMEOUT")
        if "disk is full" in lowered or "disk i/o error" in lowered:
            return f"the database could not be written ({text}): free disk space, then retry"
        if "unable to open database" in lowered:
            return (f"the database file cannot be opened ({text}): check DATABASE_URL or "
                    "VIGIA_INSTANCE_PATH and the folder's permissions")
        return None
    if not module.startswith("psycopg"):
        return None
    state = getattr(exc, "sqlstate", None) or ""
    if state in _PG_LOCK:
        return (f"another import or detection run holds a lock (waited{waited}): run the "
                "command again when it has finished, or raise VIGIA_LOCK_TIMEOUT")
    if state in _PG_DISK or state.startswith("53"):
        return f"the database server is out of space or memory ({text}): free some, then retry"
    if state in _PG_GONE or (type(exc).__name__ == "OperationalError" and not state):
        return (f"cannot reach the PostgreSQL database ({text}): check that the server is "
                "running and that DATABASE_URL names it")
    return None


def log_to_file(instance_path: Path) -> Path | None:
    """Send Vigía's log (tracebacks included) to the instance folder's log file."""
    path = Path(instance_path) / LOG_FILE
    loggers = [logging.getLogger(name) for name in ("app", "importers")]
    if any(getattr(h, "baseFilename", None) == str(path) for h in loggers[0].handlers):
        return path
    for logger in loggers:
        # Without a handler of its own, Python prints warnings and tracebacks on stderr.
        logger.addHandler(logging.NullHandler())
        logger.setLevel(logging.INFO)
    try:
        handler = RotatingFileHandler(path, maxBytes=5 * 2**20, backupCount=3, encoding="utf-8")
    except OSError:
        return None  # a read-only instance folder: the one-line message still tells
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for logger in loggers:
        logger.addHandler(handler)
    return path


def say_waits_on_console() -> None:
    """Print on stderr, as they happen, the waits for a lock (`app.waiting`)."""
    logger = logging.getLogger("app.waiting")
    if not any(getattr(h, "vigia_console", False) for h in logger.handlers):
        console = logging.StreamHandler(sys.stderr)
        console.setFormatter(logging.Formatter("%(message)s…"))
        console.vigia_console = True
        logger.addHandler(console)
        logger.setLevel(logging.INFO)


def report(exc: BaseException, *, debug: bool, log_path: Path | None,
           lock_timeout: float | None = None) -> str:
    """Return the one line to print for a failed command; log (or, with debug, print) the rest."""
    known = explain(exc, lock_timeout=lock_timeout)
    log.error("command failed: %s", known or repr(exc), exc_info=exc)
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    if known:
        return known
    where = f" (details in {log_path})" if log_path else ""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return (f"unexpected error: {type(exc).__name__}{': ' + first[:300] if first else ''}{where};"
            " run with --debug for the traceback")
