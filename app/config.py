"""Settings read from the environment, inside the application factory."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.db import DEFAULT_LOCK_TIMEOUT
from importers import Limits

DEFAULT_HOME_COUNTRY = "PE"
SECRET_FILE = "secret_key"
SQLITE_FILE = "vigia.sqlite3"
# The rule files in force: the repository's rules/ folder unless VIGIA_RULES_DIR names another.
DEFAULT_RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
# Days an officer has to review an alert, from when it was raised, per severity.
DEFAULT_REVIEW_DAYS = {"critical": 2, "high": 5, "medium": 10, "low": 20}


@dataclass(frozen=True)
class IntakeSettings:
    """The bounds one import keeps to, whatever the file (README, "Limits")."""

    limits: Limits = field(default_factory=Limits)
    max_row_errors: int = 100_000  # rejected cells stored and listed per file; more are counted
    max_row_kg: float = 10_000_000.0  # a line above it (10,000 t) is stored but flagged


@dataclass(frozen=True)
class SchedulerSettings:
    """What `vigia scheduler` runs and when (docs/deploy.md, "Settings")."""

    drop_dir: Path
    # job id -> schedule: a crontab line ("0 2 * * *"), "every N minutes|seconds|hours", "off"
    schedules: dict[str, str]
    drop_settle_seconds: float = 2.0  # a file must keep its size this long to be imported
    licence_expiry_days: int = 30
    lock_seconds: float = 60.0  # SQLite lock row: taken over when not renewed for this long
    timezone: str | None = None  # of the cron schedules; None: the machine's
    # Scheduled full detection raises alerts about the last N years only (0: all history);
    # the rules still read the three years before that they need (docs/scale.md).
    detect_window_years: int = 0


@dataclass(frozen=True)
class Settings:
    """What the application needs to know about its environment."""

    instance_path: Path
    database_url: str
    secret_key: str
    home_country: str
    upload_folder: Path
    rules_dir: Path
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT
    intake: IntakeSettings = field(default_factory=IntakeSettings)
    extra: dict[str, Any] = field(default_factory=dict)
    review_days: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_REVIEW_DAYS))
    # Session cookies only over HTTPS; switch off only to serve plain HTTP on a closed network.
    secure_cookies: bool = True
    scheduler: SchedulerSettings | None = None
    # Reverse proxies in front (nginx: 1): the client's address and scheme are read from their
    # X-Forwarded-* headers, so that sign-in throttling counts per client, not per proxy.
    proxy_hops: int = 0


def _number(name: str, default: float, overrides: dict[str, Any]) -> float:
    """Read a positive number setting from the overrides or the environment."""
    raw = overrides.pop(name, None)
    if raw is None:
        raw = os.environ.get(f"VIGIA_{name}")
    if raw is None or str(raw).strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"VIGIA_{name} must be a number, got {raw!r}") from None
    if not value > 0:
        raise ValueError(f"VIGIA_{name} must be more than 0, got {raw!r}")
    return value


def intake_settings(overrides: dict[str, Any]) -> IntakeSettings:
    """Build the intake bounds from VIGIA_MAX_* variables (or overrides), defaults elsewhere."""
    base = Limits()
    limits = Limits(
        max_bytes=int(_number("MAX_FILE_MB", base.max_bytes / 2**20, overrides) * 2**20),
        max_uncompressed=base.max_uncompressed,
        max_ratio=base.max_ratio,
        ratio_min_bytes=base.ratio_min_bytes,
        max_rows=int(_number("MAX_ROWS", base.max_rows, overrides)),
        max_sheet_cells=int(_number("MAX_SHEET_CELLS", base.max_sheet_cells, overrides)),
    )
    return IntakeSettings(
        limits=limits,
        max_row_errors=int(_number("MAX_ROW_ERRORS", IntakeSettings.max_row_errors, overrides)),
        max_row_kg=_number("MAX_ROW_KG", IntakeSettings.max_row_kg, overrides),
    )


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
    lock_timeout = _number("LOCK_TIMEOUT", DEFAULT_LOCK_TIMEOUT, overrides)
    intake = intake_settings(overrides)
    scheduler = scheduler_settings(instance_path, overrides)
    return Settings(
        review_days=review_days,
        secure_cookies=bool(secure),
        instance_path=instance_path,
        database_url=normalise_database_url(database_url),
        secret_key=secret_key,
        home_country=home_country,
        upload_folder=upload_folder,
        rules_dir=rules_dir,
        lock_timeout=lock_timeout,
        intake=intake,
        scheduler=scheduler,
        proxy_hops=_count("PROXY_HOPS", overrides),
        extra=overrides,
    )


def _count(name: str, overrides: dict[str, Any]) -> int:
    """Read a whole number setting of 0 or more (default 0)."""
    raw = _setting(name, overrides)
    if raw is None:
        return 0
    if not raw.isdigit():
        raise ValueError(f"VIGIA_{name} must be a whole number of 0 or more, got {raw!r}")
    return int(raw)


def _setting(name: str, overrides: dict[str, Any]) -> str | None:
    """Read a text setting from the overrides or the VIGIA_ environment, None when unset."""
    raw = overrides.pop(name, None)
    if raw is None:
        raw = os.environ.get(f"VIGIA_{name}")
    return None if raw is None or str(raw).strip() == "" else str(raw).strip()


def scheduler_settings(instance_path: Path, overrides: dict[str, Any]) -> SchedulerSettings:
    """Build the scheduler's settings: VIGIA_DROP_DIR, VIGIA_SCHEDULE_<JOB>, VIGIA_OVERDUE_DAY..."""
    from app.jobs import JOBS

    overdue_day = int(_number("OVERDUE_DAY", 16, overrides))
    if not 1 <= overdue_day <= 28:
        raise ValueError(f"VIGIA_OVERDUE_DAY must be a day from 1 to 28, got {overdue_day}")
    schedules = {}
    for job in JOBS:
        default = job.schedule.format(overdue_day=overdue_day)
        schedules[job.id] = _setting(job.setting, overrides) or default
    return SchedulerSettings(
        drop_dir=Path(_setting("DROP_DIR", overrides) or instance_path / "drop").resolve(),
        schedules=schedules,
        drop_settle_seconds=_number("DROP_SETTLE_SECONDS", 2.0, overrides),
        licence_expiry_days=int(_number("LICENCE_EXPIRY_DAYS", 30, overrides)),
        lock_seconds=_number("SCHEDULER_LOCK_SECONDS", 60.0, overrides),
        timezone=_setting("TIMEZONE", overrides),
        detect_window_years=_count("DETECT_WINDOW_YEARS", overrides),
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
