"""Settings read from the environment, inside the application factory."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_HOME_COUNTRY = "PE"
SECRET_FILE = "secret_key"
SQLITE_FILE = "vigia.sqlite3"
# The rule files in force: the repository's rules/ folder unless VIGIA_RULES_DIR names another.
DEFAULT_RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
# Days an officer has to review an alert, from when it was raised, per severity.
DEFAULT_REVIEW_DAYS = {"critical": 2, "high": 5, "medium": 10, "low": 20}


@dataclass(frozen=True)
class Settings:
    """What the application needs to know about its environment."""

    instance_path: Path
    database_url: str
    secret_key: str
    home_country: str
    upload_folder: Path
    rules_dir: Path
    extra: dict[str, Any] = field(default_factory=dict)
    review_days: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_REVIEW_DAYS))
    # Session cookies only over HTTPS; switch off only to serve plain HTTP on a closed network.
    secure_cookies: bool = True


def _secret_key(instance_path: Path) -> str:
    """Return the instance secret, generating it on first use (never hard-coded)."""
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    path = instance_path / SECRET_FILE
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    key = secrets.token_hex(32)
    # O_EXCL: two workers starting at once must not write two different keys.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key


def load_settings(default_instance_path: str, overrides: dict[str, Any] | None = None) -> Settings:
    """Build the settings from the environment, then apply explicit overrides."""
    overrides = dict(overrides or {})
    instance_path = Path(
        overrides.pop("INSTANCE_PATH", None)
        or os.environ.get("VIGIA_INSTANCE_PATH")
        or default_instance_path
    ).resolve()
    instance_path.mkdir(parents=True, exist_ok=True)
    database_url = (
        overrides.pop("DATABASE_URL", None)
        or os.environ.get("DATABASE_URL")
        or f"sqlite:///{instance_path / SQLITE_FILE}"
    )
    secret_key = overrides.pop("SECRET_KEY", None) or _secret_key(instance_path)
    home_country = (
        overrides.pop("HOME_COUNTRY", None)
        or os.environ.get("VIGIA_HOME_COUNTRY")
        or DEFAULT_HOME_COUNTRY
    ).strip().upper()
    if len(home_country) != 2 or not home_country.isalpha():
        raise ValueError(
            f"VIGIA_HOME_COUNTRY must be an ISO 3166-1 alpha-2 code, got {home_country!r}"
        )
    upload_folder = instance_path / "uploads"
    upload_folder.mkdir(parents=True, exist_ok=True)
    rules_dir = Path(
        overrides.pop("RULES_DIR", None)
        or os.environ.get("VIGIA_RULES_DIR")
        or DEFAULT_RULES_DIR
    ).resolve()
    review_days = parse_review_days(
        overrides.pop("REVIEW_DAYS", None) or os.environ.get("VIGIA_REVIEW_DAYS") or "")
    secure = overrides.pop("SECURE_COOKIES", None)
    if secure is None:
        secure = os.environ.get("VIGIA_SECURE_COOKIES", "1").strip().lower() not in (
            "0", "false", "no", "off")
    return Settings(
        review_days=review_days,
        secure_cookies=bool(secure),
        instance_path=instance_path,
        database_url=normalise_database_url(database_url),
        secret_key=secret_key,
        home_country=home_country,
        upload_folder=upload_folder,
        rules_dir=rules_dir,
        extra=overrides,
    )


def normalise_database_url(url: str) -> str:
    """Point plain postgres URLs at the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def parse_review_days(text: str | dict) -> dict[str, int]:
    """Read review deadlines like 'critical=2,high=5' over the defaults; raise ValueError."""
    days = dict(DEFAULT_REVIEW_DAYS)
    pairs = text.items() if isinstance(text, dict) else (
        part.split("=", 1) for part in text.split(",") if part.strip())
    for pair in pairs:
        if len(pair) != 2:
            raise ValueError(f"VIGIA_REVIEW_DAYS: write severity=days, got {'='.join(pair)!r}")
        severity, value = (str(p).strip().lower() for p in pair)
        if severity not in days:
            raise ValueError(f"VIGIA_REVIEW_DAYS: unknown severity {severity!r} "
                             f"(use {', '.join(days)})")
        if not value.isdigit() or int(value) < 1:
            raise ValueError(f"VIGIA_REVIEW_DAYS: days for {severity} must be a whole number "
                             f"of at least 1, got {value!r}")
        days[severity] = int(value)
    return days
