"""The rules folder in force: find a rule's file, check a would-be file, write one atomically."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from app.detection.rules.loader import check_rules, rule_files
from app.regulation.ruletext import RuleTextError, rule_ids

BOM = "\ufeff"


@dataclass(frozen=True)
class Problem:
    """One message of the rule check, as `vigia rules check` prints it: file, line, message."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def sha256(text: str) -> str:
    """Return the SHA-256 of a text as UTF-8 (how a file written from it hashes)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_text(path: Path) -> str:
    """Read a rule file's text as the loader does (UTF-8, a BOM dropped)."""
    return path.read_bytes().decode("utf-8-sig")


def find_rule_file(rules_dir: Path, rule_id: str) -> Path | None:
    """Return the file of the folder that holds a rule, None when none does."""
    for path in rule_files(Path(rules_dir)):
        try:
            if rule_id in rule_ids(read_text(path)):
                return path
        except (RuleTextError, UnicodeDecodeError):
            continue
    return None


@contextmanager
def would_be_folder(rules_dir: Path, file_name: str, text: str) -> Iterator[Path]:
    """Yield a temporary copy of the rules folder with one file's text replaced."""
    with tempfile.TemporaryDirectory(prefix="vigia-rules-") as folder:
        for path in rule_files(Path(rules_dir)):
            shutil.copyfile(path, Path(folder) / path.name)
        (Path(folder) / file_name).write_text(text, encoding="utf-8")
        yield Path(folder)


def check_folder(folder: Path, *, catalogue) -> list[Problem]:
    """Check a folder with the loader `vigia rules check` uses; name files without the folder."""
    prefix = str(folder) + os.sep
    return [Problem(Path(e.file).name, e.line, e.message.replace(prefix, ""))
            for e in check_rules(folder, catalogue=catalogue)]


def write_atomically(path: Path, text: str) -> str:
    """Replace a rule file by a complete new text (temp file in the folder, then rename).

    Keeps a BOM the file had and its permissions; returns the SHA-256 of the bytes written.
    """
    keep_bom = path.exists() and path.read_bytes().startswith(BOM.encode("utf-8"))
    data = ((BOM if keep_bom else "") + text).encode("utf-8")
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return hashlib.sha256(data).hexdigest()
