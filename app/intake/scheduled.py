"""The drop-folder job: import each complete file left in a feed's folder, once.

`<VIGIA_DROP_DIR>/<folder>/` per feed (registry, baselines, declarations, customs,
notifications). A file is taken once its size and modification time stay the same between
two looks `drop_settle_seconds` apart and it is at least that old; temporary names (`.part`,
`~$…`, dot files) are left alone. It goes through the same intake service as every import
(its feed's lock, the SHA-256 that stores a file once), then is moved, never copied or
deleted: to `done/` when stored (`enero.batch-12.csv`) or when already stored (the earlier
batch's number), to `failed/` when refused, beside a `.reason.txt` saying why. A failure of
the database or the disk leaves the file where it is, for the next run; any other failure
on one file moves it to `failed/` and the job goes on with the others. A crash between the
commit and the move leaves the file in place: the next run finds it stored (same SHA-256)
and moves it to `done/` under that batch's number.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from app.errors import explain
from app.extensions import Vigia
from app.intake.service import ImportOutcome
from app.scheduler.service import JobResult

log = logging.getLogger(__name__)
# Folder name -> feed, in the order the pipeline imports (reference data first).
FOLDERS = {"registry": "registry", "baselines": "baselines", "declarations": "declarations",
           "customs": "customs", "notifications": "export_notifications"}
SUBMITTER = "drop folder"
TEMPORARY_SUFFIXES = (".part", ".partial", ".tmp", ".temp", ".crdownload", ".filepart",
                      ".download", "~")


@dataclass(frozen=True)
class Look:
    """What a file looked like at one moment."""

    size: int
    mtime_ns: int


def is_temporary(name: str) -> bool:
    """Tell a name that a program is still writing (or a lock file of an office suite)."""
    lowered = name.lower()
    return (name.startswith((".", "~$")) or lowered.endswith(TEMPORARY_SUFFIXES))


def ensure_folders(drop_dir: Path) -> None:
    """Create the feed folders with their done/ and failed/ (so people see where to drop)."""
    for folder in FOLDERS:
        for sub in ("done", "failed"):
            (drop_dir / folder / sub).mkdir(parents=True, exist_ok=True)


def candidates(folder: Path) -> dict[Path, Look]:
    """Return the files of a feed folder that may be complete, with how they look now."""
    found = {}
    for path in folder.iterdir():
        if is_temporary(path.name):
            continue
        try:
            stat = path.stat()
        except FileNotFoundError:  # moved away meanwhile
            continue
        if path.is_file():
            found[path] = Look(stat.st_size, stat.st_mtime_ns)
    return found


def complete_files(drop_dir: Path, *, settle: float, sleep=time.sleep) -> dict[str, list[Path]]:
    """Return per feed the files whose size and time held still for `settle` seconds."""
    first = {folder: candidates(drop_dir / folder) for folder in FOLDERS}
    if not any(first.values()):
        return {}
    sleep(settle)
    ready: dict[str, list[Path]] = {}
    now_ns = time.time_ns()
    for folder, looks in first.items():
        again = candidates(drop_dir / folder)
        stable = [path for path, look in looks.items()
                  if again.get(path) == look and now_ns - look.mtime_ns >= settle * 1e9]
        # Arrival order: of two declarations of one period, the later file is the amendment.
        ready[FOLDERS[folder]] = sorted(stable, key=lambda p: (looks[p].mtime_ns, p.name))
    return ready


def move_aside(path: Path, to: Path, tag: str) -> Path:
    """Move a file into `to` as `<stem>.<tag><suffix>`, never over another file."""
    to.mkdir(parents=True, exist_ok=True)
    stem, suffix = path.stem, path.suffix
    target = to / f"{stem}.{tag}{suffix}"
    n = 2
    while target.exists():
        target = to / f"{stem}.{tag}-{n}{suffix}"
        n += 1
    os.replace(path, target)  # same file system: atomic, the file is never half moved
    return target


def _write_reason(target: Path, text: str) -> None:
    """Write why a file failed beside it."""
    target.with_name(target.name + ".reason.txt").write_text(text + "\n", encoding="utf-8")


def file_outcome(outcome: ImportOutcome, path: Path, folder: Path) -> tuple[str, Path]:
    """Move an imported file where its outcome says; return (what happened, where it went)."""
    if outcome.status == "stored":
        return "stored", move_aside(path, folder / "done", f"batch-{outcome.batch_id}")
    if outcome.status == "duplicate":
        return "already stored", move_aside(path, folder / "done", f"batch-{outcome.duplicate_of}")
    tag = f"batch-{outcome.batch_id}" if outcome.batch_id else f"refused-{date.today():%Y%m%d}"
    target = move_aside(path, folder / "failed", tag)
    _write_reason(target, outcome.summary())
    return "refused", target


def import_drop_folders(services: Vigia, *, now: datetime) -> JobResult:
    """Import every complete file of the drop folders, reference data first."""
    from app.pipeline import import_one

    settings = services.settings.scheduler
    drop_dir = settings.drop_dir
    ensure_folders(drop_dir)
    ready = complete_files(drop_dir, settle=settings.drop_settle_seconds)
    counts = {"stored": 0, "already stored": 0, "refused": 0, "failed": 0}
    batch_ids: list[int] = []
    files = []
    by_feed = {feed: folder for folder, feed in FOLDERS.items()}
    for feed in FOLDERS.values():
        folder = drop_dir / by_feed[feed]
        for path in ready.get(feed, []):
            try:
                outcome = import_one(services, feed=feed, path=path, submitted_by=SUBMITTER,
                                     as_of=now.date())
            except Exception as exc:
                if explain(exc) is not None:
                    raise  # the database or the disk: the file waits for the next run
                log.exception("drop folder: %s failed", path.name,
                              extra={"feed": feed, "file": path.name})
                target = move_aside(path, folder / "failed", f"error-{now:%Y%m%dT%H%M%S}")
                _write_reason(target, f"{path.name}: import failed, nothing stored: {exc}")
                counts["failed"] += 1
                files.append({"file": path.name, "feed": feed, "result": "failed"})
                continue
            result, target = file_outcome(outcome, path, folder)
            counts[result] += 1
            batch_id = outcome.batch_id or outcome.duplicate_of
            if outcome.status == "stored":
                batch_ids.append(outcome.batch_id)
            files.append({"file": path.name, "feed": feed, "result": result,
                          "batch_id": batch_id, "moved_to": str(target.relative_to(drop_dir))})
            log.info("drop folder: %s", outcome.summary(),
                     extra={"feed": feed, "file": path.name, "batch_id": batch_id,
                            "user": SUBMITTER, "result": result})
    parts = [f"{n} {what}" for what, n in counts.items() if n]
    if batch_ids:
        parts[0] += " (batch " + ", ".join(f"#{i}" for i in batch_ids) + ")"
    summary = ", ".join(parts) or "no new files"
    return JobResult(summary=summary, details={"files": files, "batch_ids": batch_ids},
                     stored_data=bool(batch_ids), partial=counts["failed"] > 0)
