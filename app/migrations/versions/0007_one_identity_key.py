"""Operators' tax id keys recomputed with the one identity key the importers use

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03

The registry used to key tax ids by dropping every character but A-Z and 0-9 after
uppercasing, while the customs importer (and the alert step) folded accents first: a
Mexican RFC with `Ñ` lost the letter in the registry and kept it as `N` in customs, so a
registered operator could be reported as an unregistered trader. Every key is now
`importers.text.identifier_key` (accents folded, `Ñ` as `N`); the function is copied here
so the migration stays what it was when it ran.
"""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_ORDINALS = str.maketrans({"º": " ", "°": " ", "ª": " "})


def _key(text: str) -> str:
    """Return the identity key of 0007: casefolded, accents folded, letters and digits."""
    folded = unicodedata.normalize("NFKD", str(text).translate(_ORDINALS).casefold())
    bare = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return re.sub(r"[^0-9a-z]+", "", bare).upper()


def _old_key(text: str) -> str:
    """Return the registry's key before 0007."""
    return re.sub(r"[^0-9A-Z]", "", str(text).upper())


def _rekey(key) -> None:
    """Recompute operator.tax_id_key for every distinct tax id."""
    connection = op.get_bind()
    operator = sa.table("operator", sa.column("tax_id", sa.String),
                        sa.column("tax_id_key", sa.String))
    rows = connection.execute(sa.select(operator.c.tax_id, operator.c.tax_id_key).distinct())
    for tax_id, stored in rows.all():
        wanted = key(tax_id or "")
        if wanted != stored:
            connection.execute(operator.update().where(operator.c.tax_id == tax_id)
                               .values(tax_id_key=wanted))


def upgrade() -> None:
    _rekey(_key)


def downgrade() -> None:
    _rekey(_old_key)
