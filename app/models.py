"""Import every model so the metadata (and Alembic) sees the whole schema."""

from app.intake.models import ImportBatch, RowErrorRecord
from app.registry.models import Licence, LicenceVersion, Operator

__all__ = ["ImportBatch", "Licence", "LicenceVersion", "Operator", "RowErrorRecord"]
