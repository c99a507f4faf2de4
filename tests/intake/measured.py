"""A process that imports one file and says how much its resident memory grew while it did.

    python -m tests.intake.measured FEED FILE CHUNK_MB

The memory test of issue 12 runs it on the database named by DATABASE_URL: the file is read
in this process (no reader process, whose memory would not be this one's) with chunks of at
most CHUNK_MB of text, and it prints one JSON line: the summary, the resident memory when
everything was loaded and ready, and the peak during the import (Linux VmHWM, reset first).
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from app import create_app
from app.extensions import vigia
from app.pipeline import import_file, read_context
from app.storage import bulk
from importers import Limits


def _status_mb(field: str) -> float:
    """Return one memory figure of this process from /proc/self/status, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def main() -> None:
    """Import the file named on the command line; print the summary and the memory figures."""
    feed, path, chunk_mb = sys.argv[1], Path(sys.argv[2]), float(sys.argv[3])
    # SQLite's page cache while bulk inserting is a fixed 256 MB of its own (app.storage.bulk),
    # counted by bench/bench_hostile.py; here it would hide what the reading holds.
    bulk.SQLITE_CACHE_KIB = 2000  # SQLite's default
    services = vigia(create_app())
    limits = Limits(chunk_bytes=int(chunk_mb * 2**20))
    with services.db.session() as session:
        context = read_context(services, session=session, feed=feed)
        Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS, from here on
        ready = _status_mb("VmRSS")
        outcome = import_file(session=session, feed=feed, source=path, submitted_by="t",
                              upload_folder=services.settings.upload_folder, context=context,
                              as_of=date.today(), processes=False, limits=limits)
        peak = _status_mb("VmHWM")
    print(json.dumps({"summary": outcome.summary(), "ready_mb": ready, "peak_mb": peak}))


if __name__ == "__main__":
    main()
