"""A process that imports a file (or runs detection) and holds its transaction open.

    python -m tests.intake.holding import FEED FILE [--submitted-at ISO] [--hold DIR]
    python -m tests.intake.holding detect [--hold DIR]

The concurrency tests run it beside the real `vigia` command, on the database named by
DATABASE_URL. With --hold it does its work exactly as `vigia` does (the same session, the
same services), then writes DIR/stored and waits, without committing, until DIR/go exists:
the test starts the second process while the first provably holds its locks.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date, datetime
from pathlib import Path

from app import create_app
from app.extensions import vigia
from app.pipeline import import_file, read_context

WAIT_FOR_GO = 60.0


def _hold(folder: Path | None) -> None:
    """Say the work is done and wait for the test's go (the transaction still open)."""
    if folder is None:
        return
    (folder / "stored").write_text("stored")
    deadline = time.monotonic() + WAIT_FOR_GO
    while not (folder / "go").exists():
        if time.monotonic() > deadline:
            raise SystemExit("no go within 60 s")
        time.sleep(0.02)


def main() -> None:
    """Run one import or detection, holding its transaction when asked."""
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["import", "detect"])
    parser.add_argument("feed", nargs="?")
    parser.add_argument("file", nargs="?", type=Path)
    parser.add_argument("--submitted-at", type=datetime.fromisoformat, default=None)
    parser.add_argument("--hold", type=Path, default=None)
    args = parser.parse_args()
    services = vigia(create_app())
    with services.db.session() as session:
        if args.what == "import":
            outcome = import_file(
                session=session, feed=args.feed, source=args.file, submitted_by="holding",
                upload_folder=services.settings.upload_folder,
                context=read_context(services, session=session, feed=args.feed),
                as_of=date.today(), submitted_at=args.submitted_at,
            )
            print(outcome.summary(), flush=True)
        else:
            from app.pipeline import run_detection

            run = run_detection(session=session, catalogue=services.catalogue,
                                rules_dir=services.settings.rules_dir, as_of=date.today(),
                                home_country=services.settings.home_country)
            print(f"detect: run #{run.id} {run.status}", flush=True)
        _hold(args.hold)
    sys.exit(0)


if __name__ == "__main__":
    main()
