"""Import every model so the metadata (and Alembic) sees the whole schema."""

from app.alerts.models import Alert, AlertEvent, DetectionRun, StoredFinding
from app.auth.models import SignInAttempt, User
from app.baselines.models import Baseline
from app.intake.models import ImportBatch, RowErrorRecord
from app.movements.models import CustomsItem, Declaration, DeclarationLine, ExportNotification
from app.registry.models import Licence, LicenceVersion, Operator
from app.scheduler.models import JobRun, SchedulerLock
from app.triage.models import Suppression

__all__ = [
    "Alert",
    "AlertEvent",
    "DetectionRun",
    "StoredFinding",
    "Baseline",
    "CustomsItem",
    "Declaration",
    "DeclarationLine",
    "ExportNotification",
    "ImportBatch",
    "JobRun",
    "Licence",
    "LicenceVersion",
    "Operator",
    "RowErrorRecord",
    "SchedulerLock",
    "SignInAttempt",
    "Suppression",
    "User",
]
