"""Rows a spreadsheet adds to the data that are not data: totals, subtotals, repeated headers.

A totals row ("TOTAL", "Total general", "Subtotal diciembre") is not a movement: storing
it would double the quantities, refusing it would report a mistake nobody made. Such rows
are skipped and named in a warning. A row counts as a totals row only when its first
non-empty cell starts with a totals word and some required column is empty, so a real
movement is never skipped (it would be refused, with its reason, instead). Reports printed
page by page repeat the header row; a row whose cells in the required columns are the
header's own words is skipped the same way, and so is a footnote under the table: a row
whose only cell starts with `Fuente`, `Nota`, `Elaborado por`, `Observaciones`, `*` or
`(1)` while some required column is empty.
"""

from __future__ import annotations

import re
from collections.abc import Collection

import numpy as np
import pandas as pd

from importers.aliases import HeaderMatch
from importers.text import cell_text
from lexicon.text import fold_words

_TOTAL_WORDS = frozenset({
    "total", "totales", "subtotal", "subtotales", "sub total", "gran total", "total general",
    "suma", "sumas", "totais", "total geral", "subtotais", "grand total", "totals", "sum",
})


# A footnote under the table: its source, a note, who prepared or signed it, a `*` remark.
_FOOTNOTE_WORDS = frozenset({
    "fuente", "fuentes", "fonte", "fontes", "source", "nota", "notas", "note", "notes",
    "obs", "observacion", "observaciones", "observacao", "observacoes", "elaborado",
    "elaborada", "preparado", "preparada", "revisado", "revisada", "aprobado", "aprobada",
    "aprovado", "firma", "assinatura", "prepared", "leyenda", "legenda", "importante",
})
_FOOTNOTE_MARKS = re.compile(r"^(?:\*|\(\*+\)|\(\d{1,2}\)|[¹²³])")


def _is_footnote(text: str) -> bool:
    """Say whether a lone cell is a footnote ("Fuente: SUNAT", "* Valores en kg")."""
    text = text.strip()
    if _FOOTNOTE_MARKS.match(text):
        return True
    words = fold_words(text).split()
    return bool(words) and words[0] in _FOOTNOTE_WORDS


def _is_total(text: str) -> bool:
    """Say whether a cell's text opens a totals row ("TOTAL", "Total diciembre", "Subtotal:")."""
    words = fold_words(text).split()
    return bool(words) and (
        words[0] in _TOTAL_WORDS or " ".join(words[:2]) in _TOTAL_WORDS
    )


def not_data_rows(
    frame: pd.DataFrame, match: HeaderMatch, required: Collection[str]
) -> tuple[np.ndarray, list[tuple[int, str]]]:
    """Mark totals rows and repeated header rows; return the mask and (position, why) pairs."""
    skip = np.zeros(len(frame), dtype=bool)
    positions = [match.columns[c] for c in required if c in match.columns]
    if not len(frame) or not positions:
        return skip, []
    some_empty = np.zeros(len(frame), dtype=bool)
    for position in positions:  # the readers give "" for an empty cell, never None
        some_empty |= frame[position].to_numpy(dtype=object) == ""
    # A repeated header: checked column by column only on the rows still matching.
    repeated = np.flatnonzero(frame[positions[0]].to_numpy(dtype=object) == match.headers[
        positions[0]])
    for position in positions[1:]:
        if not len(repeated):
            break
        cells = frame[position].to_numpy(dtype=object)[repeated]
        repeated = repeated[cells == match.headers[position]]
    found: list[tuple[int, str]] = []
    for i in repeated:
        skip[i] = True
        found.append((int(i), "a repeated header row"))
    some_empty[repeated] = False
    candidates = np.flatnonzero(some_empty)  # only rows already missing a value
    if len(candidates):
        rows = frame.to_numpy(dtype=object)[candidates]
        for i, row in zip(candidates.tolist(), rows, strict=True):
            filled = [t for t in map(cell_text, row) if t.strip()]
            first = filled[0] if filled else ""
            if first and first.lstrip()[:1].isalpha() and _is_total(first):
                skip[i] = True
                found.append((i, f"a totals row ({first.strip()!r})"))
            elif len(filled) == 1 and _is_footnote(first):  # one cell, maybe merged across
                skip[i] = True
                found.append((i, f"a footnote ({_shortened(first.strip())!r})"))
    found.sort()
    return skip, found


def _shortened(text: str, limit: int = 40) -> str:
    """Cut a long footnote for the warning."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
