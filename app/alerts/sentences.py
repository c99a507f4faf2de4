"""An alert's sentence in the reader's language, from the template and values it was made of.

Detection keeps, with every finding and alert, the English template of its sentence and the
values that filled it (`wording`). English is that template filled again. Spanish takes the
sentence of the same text from `sentences_es.yaml` (the kinds' defaults, and rule files'
own summaries) and translates the values: numbers with the Spanish separators, dates and
windows with Spanish month names, and the words kinds write (movements, reasons, what was
compared) by the patterns of the file. A sentence without a translation, or an alert stored
before wordings were kept, is shown in the English it was stored in.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import yaml

from app.detection.base.summary import render

SPANISH = Path(__file__).with_name("sentences_es.yaml")
MONTHS_ES = ("", "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
             "septiembre", "octubre", "noviembre", "diciembre")
MONTHS_SHORT_ES = ("", "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct",
                   "nov", "dic")
_NUMBER = re.compile(r"-?\d{1,3}(?:,\d{3})*(?:\.\d+)?|-?\d+(?:\.\d+)?")
_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_MONTH_WORD = re.compile(r"\b(" + "|".join(calendar.month_name[1:]) + r")\b")
DATE_FIELDS = ("start", "end", "due", "licensed_from")
NUMBER_FIELDS = ("observed_kg", "expected_kg", "difference_kg", "ratio_pct", "projected_kg",
                 "baseline_kg", "count", "days", "months", "z", "p_value", "expected_count",
                 "counterparties", "normal_rate", "unmatched_kg", "lag_days", "hits", "usual_share")
# Values that are names or codes, never translated.
VERBATIM = ("operator", "licence_no", "tax_id", "substance", "cas", "rule", "description",
            "hs_codes")


@dataclass(frozen=True)
class Spanish:
    """The Spanish sentences and value patterns of the YAML file."""

    sentences: dict[str, str]  # English template -> Spanish template
    values: dict[str, list[tuple[re.Pattern, str]]]
    words: dict[str, str]
    by_kind: dict[tuple[str, str], tuple[str, str]]  # (kind, situation) -> (en, es)


@cache
def spanish() -> Spanish:
    """Load the Spanish sentences once."""
    data = yaml.safe_load(SPANISH.read_text(encoding="utf-8"))
    sentences: dict[str, str] = {}
    by_kind = {}
    for kind, situations in data["situations"].items():
        for situation, pair in situations.items():
            sentences[pair["en"]] = pair["es"]
            by_kind[(kind, situation)] = (pair["en"], pair["es"])
    for pair in data.get("rule_files", []):
        sentences[pair["en"]] = pair["es"]
    values = {name: [(re.compile(en), es) for en, es in pairs]
              for name, pairs in data.get("values", {}).items()}
    return Spanish(sentences=sentences, values=values, words=dict(data.get("words", {})),
                   by_kind=by_kind)


def parse_wording(wording: dict | None) -> dict:
    """Return a stored wording as a dict with a template and values (empty when absent)."""
    return wording if isinstance(wording, dict) and "template" in wording else {}


def sentence(wording: dict | None, fallback: str, language: str,
             substance: str | None = None) -> str:
    """Return the alert's sentence in a language ('es' or 'en'), else the stored text.

    `substance` names the substance in that language (the catalogue's name).
    """
    parsed = parse_wording(wording)
    if not parsed:
        return fallback
    template, values = parsed["template"], dict(parsed.get("values") or {})
    if substance and values.get("substance"):
        values["substance"] = substance
    if language != "es":
        return render(template, values)
    spanish_template = spanish().sentences.get(template.strip())
    if spanish_template is None:
        return fallback
    return render(spanish_template, spanish_values(values))


def spanish_values(values: dict[str, str]) -> dict[str, str]:
    """Translate a sentence's values into Spanish: words, numbers, dates, windows."""
    table = spanish()
    out = {}
    for name, value in values.items():
        text = str(value)
        if name in VERBATIM:
            out[name] = text
        elif name == "window":
            out[name] = _window(values) or _months(text)
        elif name in DATE_FIELDS:
            out[name] = _ISO_DAY.sub(_day, text)
        elif name in NUMBER_FIELDS:
            out[name] = spanish_numbers(text)
        else:
            out[name] = _months(spanish_numbers(_phrase(table, name, text)))
    return out


def _phrase(table: Spanish, name: str, text: str) -> str:
    """Translate a value by the patterns of its field, each part of a '; ' list alone."""
    return "; ".join(_phrase_part(table, name, part) for part in text.split("; "))


def _phrase_part(table: Spanish, name: str, text: str) -> str:
    """Translate one value by the first matching anchored pattern, or every other one."""
    patterns = table.values.get(name, [])
    for pattern, replacement in patterns:
        if pattern.pattern.startswith("^"):
            if pattern.search(text):
                text = pattern.sub(replacement, text)
                break
        else:
            text = pattern.sub(replacement, text)
    for english, words in table.words.items():
        text = re.sub(rf"\b{re.escape(english)}\b", words, text)
    return _ISO_DAY.sub(_day, text)


def spanish_numbers(text: str) -> str:
    """Write the numbers of a text with Spanish separators: 12,400.5 -> 12.400,5."""
    def swap(match: re.Match) -> str:
        return match.group(0).translate(str.maketrans({",": ".", ".": ","}))
    return _NUMBER.sub(swap, text).replace("%", " %")


def _day(match: re.Match) -> str:
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        return match.group(0)
    return f"{day} {MONTHS_SHORT_ES[month]} {year}"


def _months(text: str) -> str:
    """Replace English month names by Spanish ones ('March 2025 to May 2025')."""
    text = _MONTH_WORD.sub(lambda m: MONTHS_ES[list(calendar.month_name).index(m.group(1))],
                           text)
    return re.sub(r"\b(" + "|".join(MONTHS_ES[1:]) + r") (\d{4})\b", r"\1 de \2",
                  text).replace(" to ", " a ")


def _window(values: dict[str, str]) -> str | None:
    """Say a window in Spanish from its first and last day, as window_label says it in English."""
    try:
        start, end = date.fromisoformat(values["start"]), date.fromisoformat(values["end"])
    except (KeyError, ValueError):
        return None
    if start == end:
        return _ISO_DAY.sub(_day, start.isoformat())
    last = calendar.monthrange(end.year, end.month)[1]
    if start.day == 1 and end.day == last:
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        if months == 1:
            return f"{MONTHS_ES[start.month]} de {start.year}"
        if months == 3 and start.month % 3 == 1:
            return f"el T{(start.month - 1) // 3 + 1} de {start.year}"
        if months == 12 and start.month == 1:
            return str(start.year)
        return (f"{MONTHS_ES[start.month]} de {start.year} a "
                f"{MONTHS_ES[end.month]} de {end.year}")
    return f"{_ISO_DAY.sub(_day, start.isoformat())} a {_ISO_DAY.sub(_day, end.isoformat())}"


def window_words(start: date, end: date, language: str) -> str | None:
    """Name a whole-month window in a language ('marzo de 2025', 'Q1 2025'); None otherwise."""
    from app.detection.base.summary import month_end, window_label

    if start.day != 1 or end != month_end(end):
        return None
    if language == "es":
        return _window({"start": start.isoformat(), "end": end.isoformat()})
    return window_label(start, end)
