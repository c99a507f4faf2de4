"""Small text helpers shared by the readers: cells, control characters, invisible marks."""

from __future__ import annotations

import datetime as dt
import math
import re

import numpy as np
import pandas as pd

# Characters that show nothing but make `LIC-1` another licence and `12` no number: zero-width
# space, non-joiner, joiner, word joiner, a byte-order mark inside a cell, soft hyphen. They
# come with text pasted from web pages, PDFs and chat messages.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE_TABLE = str.maketrans(dict.fromkeys(INVISIBLE))
# Characters refused in a text cell: C0 controls but tab and line breaks, DEL, C1 controls,
# and the marks that reorder text on screen (bidi embeddings, overrides, isolates). A
# terminal runs the first as commands (colours, cursor moves, a forged line); PostgreSQL
# cannot store NUL; the last make `LIC-1` display as another licence (Trojan Source).
UNSAFE = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
UNSAFE_IN_CELL = re.compile(f"[{UNSAFE}]")
UNSAFE_C0 = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # a Latin-1 file's C1 are text
_UNSAFE_IN_NAME = re.compile(f"[{UNSAFE}\t\n\r\u2028\u2029\u200e\u200f\u061c]")
QUOTED_CHARS = 200  # the most of one value a message quotes


def unsafe_reason(text: str) -> str | None:
    """Say why a cell's text cannot be stored (a control character), or None if it can."""
    found = UNSAFE_IN_CELL.search(text)
    if found is None:
        return None
    char = found.group()
    return (f"holds the control character U+{ord(char):04X} at position {found.start() + 1}; "
            "control characters are not stored (retype the cell)")


def printable_value(text: str) -> str:
    """Write the control characters of a value as escapes (`\\x00`, `\\u202e`) to show it safely."""
    if UNSAFE_IN_CELL.search(text) is None:
        return text
    return UNSAFE_IN_CELL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def shorten(text: str, limit: int = QUOTED_CHARS) -> str:
    """Return text as a message may quote it: at most `limit` characters, saying how long."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)"


def printable_name(text: str, limit: int = 255) -> str:
    """Return a file, sheet or sender name safe to print and store: no control or bidi marks.

    A newline in a file name would forge a summary line; escapes would drive the terminal;
    an override would show `gpj.exe` as `exe.jpg`. Each such character becomes `?`.
    """
    clean = _UNSAFE_IN_NAME.sub("?", str(text))
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"


def cell_text(value: object) -> str:
    """Write one spreadsheet cell as the text the user sees (numbers without a spurious .0)."""
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def as_text(values: np.ndarray, *, textual: bool) -> np.ndarray:
    """Return the cells as an object array of str; CSV cells already are (textual=True)."""
    if textual:
        return values
    return np.array([cell_text(v) for v in values], dtype=object)


def strip_text(values: np.ndarray) -> np.ndarray:
    """Strip surrounding whitespace from an object array of str, vectorised."""
    if len(values) == 0:
        return values
    return np.array([v.strip() for v in values], dtype=object)


def invisible_bytes(encoding: str | None) -> tuple[bytes, ...] | None:
    """Return the invisible characters as the encoding writes them (None: look at the text)."""
    if encoding is None or encoding.startswith("utf-16"):
        return None
    if encoding.startswith("utf-8"):
        return tuple(ch.encode("utf-8") for ch in INVISIBLE)
    return tuple(ch.encode(encoding) for ch in INVISIBLE if _encodable(ch, encoding))


def _encodable(ch: str, encoding: str) -> bool:
    """Say whether the encoding can write the character."""
    try:
        ch.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def drop_invisible(frame) -> None:
    """Remove invisible characters from the text cells of a frame, in place (a rare path)."""
    for position in frame.columns:
        column = frame[position].to_numpy(dtype=object)
        cleaned = np.array(
            [v.translate(_INVISIBLE_TABLE) if isinstance(v, str) else v for v in column],
            dtype=object,
        )
        frame[position] = pd.Series(cleaned, index=frame.index, dtype=object)  # not pandas' str
