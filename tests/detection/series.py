"""Builders of monthly acquisition histories for the statistical kinds' tests."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np

from tests.detection.builders import licence, line, operator

FIRST = date(2024, 11, 1)


def month(index: int, day: int = 10) -> date:
    """Return a day in the month `index` months after November 2024."""
    total = FIRST.year * 12 + FIRST.month - 1 + index
    return date(total // 12, total % 12 + 1, day)


def purchases(licence_no: str, amounts, *, substance: str = "acetone", start: int = 0,
              seller: str = "LIC-900", day: int = 10) -> list[dict[str, Any]]:
    """Return one purchase line per month (and a closing stock line for a zero month)."""
    rows = []
    for offset, amount in enumerate(amounts):
        when = month(start + offset, day)
        if amount > 0:
            rows.append(line(licence_no=licence_no, substance_code=substance, date=when,
                             quantity_kg=float(amount), counterparty_licence=seller))
        else:  # a declared month without acquisitions
            rows.append(line(licence_no=licence_no, substance_code=substance, date=when,
                             movement="closing_stock", quantity_kg=10.0))
    return rows


def registered(licence_no: str, *, sector: str = "2022", activities: str = "end_user",
               substance: str = "acetone", quota: float | None = None,
               valid_from: date = date(2019, 1, 1), **extra: Any) -> tuple[dict, list]:
    """Return an operator row and its licence version(s)."""
    number = int("".join(ch for ch in licence_no if ch.isdigit()) or 0)
    row = operator(licence_no=licence_no, legal_name=f"Firm {licence_no}",
                   tax_id=f"20-{number:09d}", sector=f"{sector} Sector {sector}",
                   sector_code=sector, activities=activities)
    state = licence(licence_id=number, licence_no=licence_no, operator_name=f"Firm {licence_no}",
                    substance_code=substance, activities=activities, annual_quota_kg=quota,
                    valid_from=valid_from, **extra)
    return row, [state]


def noisy(level: float, months: int, *, seed: int, sigma: float = 0.15) -> np.ndarray:
    """Return monthly amounts around a level with log-normal noise."""
    rng = np.random.default_rng(seed)
    return np.round(level * np.exp(rng.normal(0, sigma, months)), 1)


def market(members: dict[str, np.ndarray], **kwargs: Any) -> dict[str, list]:
    """Return operators, licences and lines of a group of operators and their histories."""
    operators, licences, lines = [], [], []
    for licence_no, amounts in members.items():
        row, states = registered(licence_no, **kwargs)
        operators.append(row)
        licences.extend(states)
        lines.extend(purchases(licence_no, amounts,
                               substance=kwargs.get("substance", "acetone")))
    return {"operators": operators, "licences": licences, "lines": lines}


def peer_market(extra: dict, peers: int = 8, sector: str = "2022") -> dict:
    """Return paint shops buying 100–300 kg a month, plus the given members."""
    rng = np.random.default_rng(5)
    members = {f"LIC-2{i:02d}": noisy(float(rng.uniform(100, 300)), 24, seed=200 + i)
               for i in range(peers)}
    return market({**members, **extra}, sector=sector)
