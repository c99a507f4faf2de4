"""Keep each received file as it came, under its SHA-256, before anything reads it."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

CHUNK = 1024 * 1024


class TooLarge(Exception):
    """The file grew past the size limit while it was being copied."""


def keep_original(*, source: Path, upload_folder: Path,
                  max_bytes: int | None = None) -> tuple[str, Path, int]:
    """Copy a received file into the store under its SHA-256; return hash, path and size.

    A file longer than `max_bytes` is not kept (TooLarge): its size is checked before the
    copy, and again as it is copied (a file still being written, a pipe).
    """
    upload_folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    if max_bytes is not None and source.stat().st_size > max_bytes:
        raise TooLarge(source.stat().st_size)
    fd, tmp_name = tempfile.mkstemp(dir=upload_folder, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            while block := src.read(CHUNK):
                size += len(block)
                if max_bytes is not None and size > max_bytes:
                    raise TooLarge(size)
                digest.update(block)
                out.write(block)
        sha = digest.hexdigest()
        target = upload_folder / sha[:2] / sha
        target.parent.mkdir(exist_ok=True)
        if target.exists():
            os.unlink(tmp_name)
        else:
            # Rename is atomic: a crash never leaves a half-written original under its hash.
            os.replace(tmp_name, target)
        return sha, target, size
    except BaseException:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
        raise
