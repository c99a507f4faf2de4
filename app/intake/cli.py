"""Console side of intake: run imports file by file, print progress and summaries."""

from __future__ import annotations

import logging
import sys
import time
from datetime import date
from pathlib import Path

import click

from app.errors import explain
from app.extensions import vigia
from app.intake.reader_process import NextFile
from app.intake.service import ImportOutcome
from app.pipeline import import_one
from importers.text import printable_name as display_name

log = logging.getLogger(__name__)
BIG_FILE = 20 * 1024 * 1024  # smaller files are read in a few seconds: no progress shown
PROGRESS_EVERY = 2.0  # seconds between progress lines when stderr is not a terminal


def run_imports(
    *, feed: str, files: list[Path], submitted_by: str, as_of: date, max_errors: int
) -> bool:
    """Import each file in its own transaction; return False if any could not be read."""
    services = vigia()
    all_read = True
    with NextFile() as next_file:  # each file is read while the one before it is stored
        for path, upcoming in zip(files, [*files[1:], None], strict=False):
            if not path.is_file():
                click.secho(f"{display_name(str(path))}: no such file", fg="red", err=True)
                all_read = False
                continue
            outcome = _import_one(services, feed=feed, path=path, submitted_by=submitted_by,
                                  as_of=as_of, next_file=next_file, upcoming=upcoming)
            if outcome is None:
                all_read = False
                continue
            print_outcome(outcome, max_errors=max_errors)
            all_read &= outcome.status != "rejected"
    return all_read


def _import_one(services, *, feed: str, path: Path, submitted_by: str, as_of: date,
                next_file: NextFile, upcoming: Path | None) -> ImportOutcome | None:
    """Import one file in one transaction; report unexpected failures without a traceback."""
    progress = progress_reporter(path)
    try:
        return import_one(services, feed=feed, path=path, submitted_by=submitted_by,
                          as_of=as_of, progress=progress, next_file=next_file,
                          upcoming=upcoming)
    except Exception as exc:  # one bad file must not stop the others; nothing was stored
        if explain(exc) is not None:
            raise  # the database or the disk: the next file would fail the same way
        log.exception("import of %s failed", path)
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
        click.secho(f"{display_name(path.name)}: import failed, nothing stored: {first} "
                    "(details in the log file)", fg="red", err=True)
        return None
    finally:
        if progress is not None:
            progress.finish()


class ProgressReporter:
    """Say on stderr how far the reading of a large file has got.

    On a terminal one line is rewritten in place; otherwise (a log, a cron job) a plain line
    is written at most every PROGRESS_EVERY seconds.
    """

    def __init__(self, name: str, *, live: bool):
        self.name, self.live = name, live
        self.started = self.last = time.monotonic()
        self.rows = 0
        self.shown = False

    def __call__(self, rows: int) -> None:
        """Report the rows read so far."""
        self.rows = rows
        now = time.monotonic()
        if not self.live and now - self.last < PROGRESS_EVERY:
            return
        self.last = now
        rate = rows / max(now - self.started, 1e-9)
        text = f"{self.name}: {rows:,} rows read ({rate:,.0f} rows/s)"
        click.echo(f"\r{text}" if self.live else text, nl=not self.live, err=True)
        self.shown = True

    def finish(self) -> None:
        """End the live line so that the summary starts on its own line."""
        if self.live and self.shown:
            click.echo("", err=True)


def progress_reporter(path: Path, *, live: bool | None = None) -> ProgressReporter | None:
    """Return a progress reporter for a large file (rows read so far), or None for small ones."""
    if path.stat().st_size < BIG_FILE:
        return None
    if live is None:
        live = sys.stderr.isatty()
    return ProgressReporter(display_name(path.name), live=live)


def print_outcome(outcome: ImportOutcome, *, max_errors: int) -> None:
    """Print a file's summary line, its warnings and its first rejected rows."""
    colour = {"stored": None, "duplicate": "yellow", "rejected": "red"}[outcome.status]
    click.secho(outcome.summary(), fg=colour)
    for warning in outcome.warnings:
        click.secho(f"  warning: {warning}", fg="yellow")
    for error in outcome.errors[:max_errors]:
        column = f", column '{error.column}'" if error.column else ""
        value = f" (value {error.value!r})" if error.value not in (None, "") else ""
        click.echo(f"  row {error.row}{column}: {error.reason}{value}")
    hidden = len(outcome.errors) - max_errors
    if hidden > 0:
        click.echo(f"  … and {hidden:,} more rejected cells, stored with batch #{outcome.batch_id}")
    if outcome.errors_not_listed:
        click.echo(f"  … and {outcome.errors_not_listed:,} more rejected cells, counted only")
