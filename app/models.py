"""Import every model so the metadata (and Alembic) sees the whole schema."""

from app.alerts.models import Alert, AlertEvent, StoredFinding
from app.auth.models import ApiToken, SignInAttempt, User
from app.baselines.models import Baseline
from app.detection.models import DetectionRun
from app.intake.models import ImportBatch, RowErrorRecord
from app.movements.models import CustomsItem, Declaration, DeclarationLine, ExportNotification
from app.portal.models import Submission
from app.registry.models import Licence, LicenceVersion, Operator
from app.regulation.models import RegulationEvent, RuleProposal, RuleVersion
from app.scheduler.models import JobRun, SchedulerLock
from app.triage.models import Suppression

__all__ = [
    "Alert",
    "ApiToken",
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
    "RegulationEvent",
    "RowErrorRecord",
    "RuleProposal",
    "RuleVersion",
    "SchedulerLock",
    "SignInAttempt",
    "Submission",
    "Suppression",
    "User",
]
