"""Cells that hold no value: spreadsheet error values and the placeholders people type.

A formula that failed leaves `#N/A`, `#REF!` or `#DIV/0!` (a workbook stores the English
code; a CSV saved by a Spanish or Portuguese Excel writes `#¡REF!`, `#N/D`, `#¡VALOR!`...):
the value the row needed is unknown, so the row is refused in whatever column it sits.
`N/A`, `-`, `—`, `s/n` (sin número), `n.d.` in a column that may be left empty say the
same as an empty cell and are read as one; in a required column they stay what they were
(text is kept, other values are refused with their own reason).
"""

from __future__ import annotations

EXCEL_ERRORS = frozenset({
    "#N/A", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
    "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
    # Spanish and Portuguese Excel, as written into a CSV
    "#N/D", "#¡REF!", "#¡DIV/0!", "#¡VALOR!", "#¿NOMBRE?", "#¡NUM!", "#¡NULO!",
    "#VALOR!", "#NOME?", "#NÚM!", "#NULO!", "#DIV/0", "#REF", "#VALOR",
})
_EXCEL_ERRORS_UPPER = frozenset(e.upper() for e in EXCEL_ERRORS)

# Deliberately not "NA" or "ND": NA is Namibia's country code.
PLACEHOLDERS = frozenset({
    "-", "--", "---", "—", "–", ".", "n/a", "n.a.", "n.a", "n/d", "n.d.", "n.d", "s/n", "s/d",
    "s.n.", "sin dato", "sin datos", "sin información", "no aplica", "no disponible",
    "não se aplica", "não aplicável", "sem informação", "not applicable",
})

# Every spelling a fast membership test must catch (cells are compared as written).
MARKS = frozenset(
    {*EXCEL_ERRORS, *_EXCEL_ERRORS_UPPER}
    | {form for p in PLACEHOLDERS for form in (p, p.upper(), p.capitalize(), p.title())}
)


def is_excel_error(text: str) -> bool:
    """Say whether a cell holds a spreadsheet error value (`#N/A`, `#¡REF!`)."""
    return text.strip().upper() in _EXCEL_ERRORS_UPPER


def is_placeholder(text: str) -> bool:
    """Say whether a cell holds a placeholder for "no value" (`N/A`, `-`, `s/n`)."""
    return text.strip().casefold() in PLACEHOLDERS


def excel_error_reason(text: str) -> str:
    """Explain a spreadsheet error value in a cell."""
    return (
        f"spreadsheet error {text.strip()!r} instead of a value (the formula behind the cell "
        "failed): write the value itself"
    )
