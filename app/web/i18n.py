"""Spanish and English: the user's pick, else the browser's language; numbers and dates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from flask import Flask, g, request, session
from flask_babel import Babel, get_locale, gettext
from flask_login import current_user

LANGUAGES = ("es", "en")
DEFAULT_LANGUAGE = "es"
LANGUAGE_NAMES = {"es": "Español", "en": "English"}


def select_language() -> str:
    """Return the language of this request: the session's pick, the user's, the browser's."""
    picked = session.get("lang")
    if picked in LANGUAGES:
        return picked
    if current_user and current_user.is_authenticated and current_user.language in LANGUAGES:
        return current_user.language
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def language() -> str:
    """Return the language code of the current request."""
    return str(get_locale() or DEFAULT_LANGUAGE)[:2]


def kg(value: float | None, digits: int | None = None) -> str:
    """Format a quantity of kg in the reader's language (12.400 / 12,400; 0,25 / 0.25)."""
    if value is None:
        return "–"
    if digits is None:
        digits = 0 if abs(value) >= 100 else 2
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=language())


def number(value: float | int | None) -> str:
    """Format a count in the reader's language."""
    return "–" if value is None else format_decimal(value, format="#,##0", locale=language())


def day(value: date | datetime | None) -> str:
    """Format a date briefly in the reader's language (3 dic 2026 / Dec 3, 2026)."""
    if value is None:
        return "–"
    if isinstance(value, datetime):
        value = value.date()
    return _day(value, language())


@lru_cache(maxsize=8192)
def _day(value: date, code: str) -> str:
    """Format one date in one language (a queue page repeats the same days)."""
    return format_date(value, format="medium", locale=code)


def moment(value: datetime | None) -> str:
    """Format a time of day and date in the reader's language, in UTC."""
    if value is None:
        return "–"
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return format_datetime(value, format="medium", tzinfo=UTC, locale=language()) + " UTC"


def label(code: str | None) -> str:
    """Translate a coded value (status, severity, outcome...), once per request and code.

    A queue page shows hundreds of them; gettext looks up its context on every call.
    """
    if not code:
        return ""
    labels = g.setdefault("code_labels", {})
    if code not in labels:
        text = gettext(code)
        # English has no catalogue: a code says itself in words (in_review: in review).
        labels[code] = text.replace("_", " ") if text == code else text
    return labels[code]


def from_json(text: str | None) -> dict:
    """Read a JSON object stored as text (an event's detail); {} when it is not one."""
    import json

    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def init_i18n(app: Flask) -> None:
    """Set up Flask-Babel and the number and date filters of the templates."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    Babel(app, locale_selector=select_language)
    app.jinja_env.filters.update(kg=kg, number=number, day=day, moment=moment,
                                 fromjson=from_json)
    app.jinja_env.globals.update(LANGUAGES=LANGUAGES, LANGUAGE_NAMES=LANGUAGE_NAMES,
                                 current_language=language, label=label)
