"""The registry as regulators browse it: operators found by name, tax id or licence number."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.registry.models import Licence, Operator
from lexicon.text import identifier_key

PER_PAGE = 25


@dataclass(frozen=True)
class OperatorPage:
    """One page of operators, with how many matched."""

    operators: list[Operator]
    total: int
    page: int
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        """Return the number of pages."""
        return max(1, -(-self.total // self.per_page))


def _key_of(column):
    """Return a column reduced as identifier_key reduces text (upper-case, no punctuation)."""
    reduced = func.upper(column)
    for mark in (" ", "-", ".", "/", "_", "\\"):
        reduced = func.replace(reduced, mark, "")
    return reduced


def search_operators(*, session: Session, query: str, page: int = 1) -> OperatorPage:
    """Return a page of operators whose name, tax id or licence number matches a search."""
    condition = None
    text = query.strip()
    if text:
        key = identifier_key(text)
        words = [w for w in text.split() if w]
        by_name = [Operator.legal_name.ilike(f"%{w}%") for w in words]
        options = [and_(*by_name)] if by_name else []
        if key:
            options += [Operator.tax_id_key.startswith(key),
                        _key_of(Operator.licence_no).contains(key)]
        condition = or_(*options)
    base = select(Operator)
    if condition is not None:
        base = base.where(condition)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    # Each operator's activities are its licence lines': loaded with the page, not per row.
    operators = list(session.scalars(base.order_by(Operator.legal_name, Operator.id)
                                     .options(selectinload(Operator.licences))
                                     .offset((page - 1) * PER_PAGE).limit(PER_PAGE)))
    return OperatorPage(operators, total, page)


def operator_history(*, session: Session, licence_no: str) -> Operator | None:
    """Return an operator with its licence lines and every recorded version of each."""
    return session.scalar(
        select(Operator).where(Operator.licence_no == licence_no)
        .options(selectinload(Operator.licences).selectinload(Licence.versions)))
