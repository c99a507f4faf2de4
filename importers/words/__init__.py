"""The words people write, kept as data: headers, coded values and countries.

The shipped files beside this module are read once per process (on first use, not at
import); national additions come from a folder the application names through
`ReadContext.words_folder` (its instance folder's `words/`), read over the shipped files with
the same validation. The matching logic stays in Python (`importers.aliases`,
`importers.codes`, `importers.countries`); see docs/words.md.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from importers.words.loader import SHIPPED_FILES, SHIPPED_FOLDER, build_words, word_files
from importers.words.model import CodeWords, Example, Words, WordsError

__all__ = [
    "SHIPPED_FILES",
    "SHIPPED_FOLDER",
    "CodeWords",
    "Example",
    "Words",
    "WordsError",
    "build_words",
    "in_force",
    "load_words",
    "use_folder",
    "word_files",
]

_in_force: Words | None = None
_folder: Path | None = None


def load_words(folder: Path | None = None) -> Words:
    """Return the shipped words plus a folder's national files (read once per folder)."""
    if folder is not None and not Path(folder).is_dir():
        folder = None  # no national words: the one shipped set
    return _load(Path(folder) if folder is not None else None)


@lru_cache(maxsize=8)
def _load(folder: Path | None) -> Words:
    return build_words(SHIPPED_FILES, word_files([folder]) if folder is not None else [])


def use_folder(folder: Path | None) -> Words:
    """Put the words of a national folder (None: the shipped words alone) in force."""
    global _in_force, _folder
    folder = Path(folder) if folder is not None else None
    if _in_force is None or folder != _folder:
        _in_force, _folder = load_words(folder), folder
    return _in_force


def in_force() -> Words:
    """Return the words the readers use: the last folder put in force, else the shipped ones."""
    return _in_force if _in_force is not None else use_folder(None)
