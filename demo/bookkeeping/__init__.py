"""Innocent record-keeping habits of real declarants, accountants and customs brokers.

`Bookkeeping(level, seed)` applies them to a generated country at one intensity
(`none`, `usual`, `heavy`; see `levels.py`). At `none` every step is a no-op and the
country is the tidy one. Habits change how rows are written and who holds a licence,
never what physically happened: stocks still balance in every operator's own unit and
planted.json still says what was planted. The habits draw from their own random streams,
so the market, its flows and its plants are the same at every intensity.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from demo.bookkeeping import late, registry_life
from demo.bookkeeping.clerks import Clerk, draw_clerks
from demo.bookkeeping.customs_books import rewrite_customs
from demo.bookkeeping.declared_lines import rewrite_lines
from demo.bookkeeping.levels import LEVELS, intensity
from demo.bookkeeping.substances import SALT_PRODUCTS, forms_of
from demo.bookkeeping.timing import book_dates
from demo.market import Calendar, Market, MarketBuilder, Operator
from demo.plants import PlantBook
from demo.products import SUBSTANCES
from demo.simulation import Flows
from lexicon.units import VOLUME_UNITS

if TYPE_CHECKING:
    from demo.declaration_files import DeclarationFiles

__all__ = ["LEVELS", "Bookkeeping"]


class Bookkeeping:
    """The record-keeping habits of one country at one intensity."""

    def __init__(self, level: str, seed: int) -> None:
        self.level, self.seed = level, seed
        self.rates = intensity(level)
        self.clerks: dict[str, Clerk] = {}
        self.base_operators = 0
        self.base_nodes = 0
        self.idle: list[dict] = []
        self.successions: list[dict] = []
        self.successors: dict[int, int] = {}
        self.renewals: list[dict] = []
        self.shifts: dict[str, list[int]] = {}
        self.identities: dict[str, str] = {}
        self.customs_tax_ids: dict[str, str] = {}

    @property
    def active(self) -> bool:
        """Tell whether any habit applies (every level but `none`)."""
        return self.rates is not None

    def _rng(self, step: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, 2, step])

    def prepare(self, market: Market, builder: MarketBuilder, flows: Flows,
                book: PlantBook) -> None:
        """Change the registry's life, draw every operator's style, and date each side's books."""
        self.base_operators, self.base_nodes = len(market.operators), len(market.nodes)
        if not self.active:
            return
        rng = self._rng(1)
        self.idle = registry_life.add_idle_holders(market, builder, flows, self.rates, rng)
        self.successions, self.successors = registry_life.add_successions(
            market, builder, flows, book, self.rates, rng)
        taken = {e["leaving"] for e in self.successions}
        self.renewals = registry_life.plan_renewals(market, book, self.rates, rng, taken)
        self.clerks = draw_clerks(market, self.rates, self._rng(2))
        for entry in self.successions:  # the same staff keeps the books
            self.clerks[entry["joining"]] = replace(self.clerks[entry["leaving"]],
                                                    licence_no=entry["joining"])
        self._node_habits(market, self._rng(3))
        self.shifts = book_dates(market, flows, self.clerks, self._rng(4))

    def _node_habits(self, market: Market, rng: np.random.Generator) -> None:
        """Write some products' names in other forms, and some volumes with rounded densities."""
        for node in market.nodes:
            clerk = self.clerks[node.op.licence_no]
            density = node.product.density
            if clerk.rounded_density and density and node.unit in VOLUME_UNITS:
                node.density_written = round(density, 2)
            forms = forms_of(node.product.key, node.op.language)
            if clerk.substance_form and forms:
                _kind, node.label = forms[int(rng.integers(len(forms)))]
                if node.product.key in SALT_PRODUCTS:
                    node.concentration_written = None  # the catalogue applies the salt's base

    def added_operators(self, market: Market) -> list[Operator]:
        """Return the operators these habits registered (idle holders, successors)."""
        return market.operators[self.base_operators:]

    def base_market(self, market: Market) -> Market:
        """Return the market without the operators these habits registered."""
        if not self.active:
            return market
        return replace(market, operators=market.operators[: self.base_operators],
                       nodes=market.nodes[: self.base_nodes])

    def rewrite(self, lines: pd.DataFrame, market: Market) -> pd.DataFrame:
        """Return the declaration lines as each operator's clerk writes them."""
        if not self.active:
            return lines
        lines, self.identities = rewrite_lines(lines, market, self.clerks, self._rng(5))
        return lines

    def choose_late(self, lines: pd.DataFrame, cal: Calendar, touched: set[str]) -> list[dict]:
        """Return the declarations sent after their deadline."""
        if not self.active:
            return []
        return late.choose_late(lines, cal, self.clerks, touched, self._rng(6))

    def amendment_sent_on(self, cal: Calendar, t: int) -> date:
        """Return the day an amendment of month t is sent."""
        return late.late_day(cal, t, np.random.default_rng([self.seed, 3, t]), at_least=5)

    def registry(self, rows: list[dict], market: Market, flows: Flows) -> list[dict]:
        """Return the registry lines with renewals split and the added operators' lines."""
        if not self.active:
            return rows
        rows = registry_life.renew(rows, self.renewals)
        rows += registry_life.registry_lines(market, flows, self.added_operators(market),
                                             self._rng(8))
        return sorted(rows, key=lambda r: (r["licence_no"], r["valid_from"]))

    def customs(self, tables: dict[int, dict[str, list]], market: Market) -> dict:
        """Return the customs tables with traders written as their brokers did."""
        if self.active:
            self.customs_tax_ids = rewrite_customs(tables, market, self.clerks, self.rates,
                                                   self._rng(9))
        return tables

    def widen(self, entries: list[dict], cal: Calendar) -> None:
        """Widen planted windows by the days their operator's own dates moved."""
        first, last = cal.start(0), cal.end(len(cal) - 1)
        for entry in entries:
            earlier, later = self.shifts.get(entry["licence_no"] or "", (0, 0))
            if earlier:
                start = date.fromisoformat(entry["period_start"]) - timedelta(days=earlier)
                entry["period_start"] = max(start, first).isoformat()
            if later:
                end = date.fromisoformat(entry["period_end"]) + timedelta(days=later)
                entry["period_end"] = min(end, last).isoformat()

    def to_json(self, files: DeclarationFiles, out_dir: Path) -> dict:
        """Return what planted.json records of the habits: rates, styles, identities, dates."""
        return {
            "level": self.level, "rates": self.rates.to_json(),
            "operators": {lic: clerk.habits() for lic, clerk in sorted(self.clerks.items())
                          if clerk.habits()},
            "idle_licences": self.idle,
            "successions": [registry_life.json_dates(e) for e in self.successions],
            "renewals": [registry_life.json_dates(
                {**e, "substance": SUBSTANCES[e["substance"]].cas}) for e in self.renewals],
            "late_declarations": [registry_life.json_dates(
                {k: v for k, v in e.items() if k != "t"}) for e in files.late],
            "sent_on": {str(p.relative_to(out_dir)): day.isoformat()
                        for p, day in files.sent_on.items()},
            "date_shifts_days": {lic: {"earlier": s[0], "later": s[1]}
                                 for lic, s in sorted(self.shifts.items())},
            "written_identities": dict(sorted(self.identities.items())),
            "customs_tax_ids": dict(sorted(self.customs_tax_ids.items())),
        }
