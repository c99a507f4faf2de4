"""Generate a whole demo country: registry, declarations, customs, baselines, notifications."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from demo import feeds
from demo.bookkeeping import Bookkeeping
from demo.customs import customs_declarations, customs_rows, plant_customs
from demo.declaration_files import LAYOUTS, write_declarations
from demo.habits import (
    BASELINE_COLUMNS,
    BASELINE_HABIT,
    CUSTOMS_COLUMNS,
    CUSTOMS_HABIT,
    NOTIFICATION_COLUMNS,
    NOTIFICATION_HABIT,
    REGISTRY_COLUMNS,
    REGISTRY_CSV,
    REGISTRY_XLSX,
    Habit,
)
from demo.lines import build_lines, number_invoices, written_kg_per_unit
from demo.market import CONSUMER, Calendar, Market
from demo.planting import Planter
from demo.plants import PlantBook
from demo.products import PRODUCTS, SUBSTANCES
from demo.registry import registry_rows, registry_tables
from demo.simulation import Flows, simulate
from demo.supply import build_market, plan_exports
from demo.writers import write_table

REGISTRY_KINDS = {"annual_quota_kg": "decimal2", "valid_from": "date", "valid_to": "date",
                  "status": "word", "previous_quota_kg": "decimal2"}
CUSTOMS_KINDS = {"date": "date", "flow": "word", "net_mass_kg": "decimal2",
                 "statistical_value_usd": "decimal2"}


@dataclass(frozen=True)
class DemoCountry:
    """The files of a demo country, by feed, each list in the order to import it."""

    out_dir: Path
    seed: int
    registry: list[Path]
    declarations: list[Path]
    customs: list[Path]
    baselines: list[Path]
    export_notifications: list[Path]
    planted: Path
    registry_alternate: Path  # the same registry as XLSX with English headers

    def feeds(self) -> list[tuple[str, list[Path]]]:
        """Return (feed, files) in import order: registry first, declarations before customs."""
        return [("registry", self.registry), ("baselines", self.baselines),
                ("declarations", self.declarations), ("customs", self.customs),
                ("export_notifications", self.export_notifications)]

    def expectations(self) -> dict:
        """Return planted.json: what was planted, the look-alikes, clean operators, bad rows."""
        return json.loads(self.planted.read_text(encoding="utf-8"))


def generate_country(out_dir: Path, *, seed: int = 7, operators: int = 300, months: int = 24,
                     end_period: str = "2026-10", home_country: str = "PE",
                     habits: str = "none", layout: str = "monthly",
                     progress: Callable[[str], None] | None = None) -> DemoCountry:
    """Write a fictional national market with planted problems into out_dir and list its files.

    `habits` is the intensity of innocent record-keeping habits (`none`, `usual`, `heavy`;
    docs/demo-country.md): `none` writes the tidy country. `layout` is how declarations are
    grouped into files: `monthly` (one file per month and habit) or `quarterly` (the ERP
    habit monthly, the others one file per quarter).
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, not {layout!r}")
    say = progress or (lambda _message: None)
    keeping = Bookkeeping(habits, seed)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    cal = Calendar.ending(end_period, months)
    reserve = 4 if operators >= 100 else 2  # operators the planting registers late
    market, builder = build_market(seed=seed, operators=operators, cal=cal,
                                   home_country=home_country, reserve=reserve)
    exports = plan_exports(market, builder.rng)
    book = Planter(market, builder, exports, reserve).plant_all()
    say(f"market: {len(market.operators)} operators, {len(market.nodes)} licensed products")
    flows = simulate(market, exports, book.pre_trades, builder.rng)
    rng = np.random.default_rng([seed, 1])
    plant_customs(market, flows, book, rng)
    number_invoices(market, flows, rng)
    declarations = customs_declarations(market, flows, rng)
    say(f"flows: {len(flows.trades)} domestic sales, {len(flows.shipments)} border crossings")
    keeping.prepare(market, builder, flows, book)
    missing = {p.op.licence_no: p.start for p in book.plants if p.kind == "missing_declaration"}
    lines = keeping.rewrite(build_lines(market, flows, rng, missing, keeping.successors), market)
    files = write_declarations(out_dir, market, lines, book, rng,
                               keeping if keeping.active else None, layout=layout)
    say(f"declarations: {len(lines)} lines in {len(files.paths)} files")
    registry = _write_registry(out_dir, market, flows, book, rng, keeping)
    say("registry written")
    customs = _write_customs(out_dir, keeping.customs(customs_rows(declarations), market))
    say(f"customs: {sum(len(d.items) for d in declarations)} items")
    baseline_rows = feeds.baselines(market, flows)
    write_table(out_dir / "baselines.csv", BASELINE_HABIT, BASELINE_COLUMNS,
                {"quantity_kg": "decimal1", "year": "int"}, _columns(baseline_rows,
                                                                     BASELINE_COLUMNS))
    notices = feeds.notifications(market, flows, rng)
    write_table(out_dir / "export_notifications.csv", NOTIFICATION_HABIT, NOTIFICATION_COLUMNS,
                {"date": "date", "quantity_kg": "decimal1"},
                _columns(notices, NOTIFICATION_COLUMNS))
    checks = feeds.pace(market, flows, baseline_rows)
    feeds.finish_pace(market, book, checks)
    say("baselines and export notifications written")
    planted = out_dir / "planted.json"
    maxima = _largest_movements(market, lines, book)
    _write_planted(planted, market, flows, book, files, checks, maxima, seed, keeping)
    say("planted.json written")
    return DemoCountry(out_dir, seed, [registry[0]], files.paths, customs,
                       [out_dir / "baselines.csv"], [out_dir / "export_notifications.csv"],
                       planted, registry[1])


def _columns(rows: list[dict], columns) -> dict[str, list]:
    return {c: [row[c] for row in rows] for c in columns}


def _write_registry(out_dir: Path, market: Market, flows: Flows, book: PlantBook,
                    rng: np.random.Generator, keeping: Bookkeeping) -> tuple[Path, Path]:
    rows = registry_rows(keeping.base_market(market), flows, book, rng)
    spanish, english = registry_tables(keeping.registry(rows, market, flows))
    csv_path, xlsx_path = out_dir / "registry.csv", out_dir / "registry.xlsx"
    write_table(csv_path, REGISTRY_CSV, REGISTRY_COLUMNS, REGISTRY_KINDS, spanish)
    write_table(xlsx_path, REGISTRY_XLSX, REGISTRY_COLUMNS, REGISTRY_KINDS, english)
    return csv_path, xlsx_path


def _write_customs(out_dir: Path, tables: dict[int, dict[str, list]]) -> list[Path]:
    """Write one customs extract per year: CSV for closed years, XLSX for the current one."""
    paths = []
    last = max(tables)
    for year, table in tables.items():
        suffix = ".xlsx" if year == last else ".csv"
        habit = CUSTOMS_HABIT if suffix == ".csv" else _xlsx(CUSTOMS_HABIT)
        path = out_dir / "customs" / f"aduanas_{year}{suffix}"
        write_table(path, habit, CUSTOMS_COLUMNS, CUSTOMS_KINDS, table)
        paths.append(path)
    return paths


def _xlsx(habit: Habit) -> Habit:
    return replace(habit, kind="xlsx", key=habit.key + "_xlsx")


def _largest_movements(market: Market, lines: pd.DataFrame, book: PlantBook) -> dict:
    """Return per substance the largest single legitimate line (pure kg) by movement.

    Rule authors set single-movement thresholds above these; planted operators are left
    out so the planted threshold purchases stand out.
    """
    nodes = {node.idx: node for node in market.nodes}
    factor = {idx: written_kg_per_unit(n) / 100 * n.product.pure_factor()
              for idx, n in nodes.items()}
    legit = lines[~lines["licence_no"].isin(book.busy)
                  & ~lines["counterparty_licence"].isin(book.busy)
                  & lines["movement"].isin(["purchase", "sale", "import", "export"])]
    pure_kg = legit["quantity"] * legit["node"].map(factor)
    cas = legit["node"].map(lambda idx: SUBSTANCES[nodes[idx].substance].cas)
    table = pure_kg.groupby([cas, legit["movement"]]).max().round(1)
    result: dict[str, dict[str, float]] = {}
    for (substance, movement), kg in table.items():
        result.setdefault(substance, {})[movement] = float(kg)
    return dict(sorted(result.items()))


def _write_planted(path: Path, market: Market, flows: Flows, book: PlantBook, files,
                   checks: list[dict], maxima: dict, seed: int, keeping: Bookkeeping) -> None:
    cal = market.cal
    for plant in book.all():
        if plant.describe is not None:
            plant.description = plant.describe(flows)
        # A planted buyer's suppliers see its odd orders; a planted seller's other customers
        # see nothing unusual, so only buyers pull their counterparties out of the clean set.
        if plant.node is not None and not plant.lookalike and plant.node.tier == CONSUMER:
            for trade in flows.trades_of(plant.node):
                if plant.start <= trade.t <= plant.stop:
                    other = trade.buyer if trade.seller is plant.node else trade.seller
                    if other is not None and other.op is not plant.op:
                        plant.involved.add(other.op.licence_no)
    flagged = set(book.busy) | files.touched
    for plant in book.all():
        flagged |= plant.involved
    planted = [p.to_json(cal) for p in book.plants]
    lookalikes = [p.to_json(cal) for p in book.lookalikes]
    keeping.widen(planted + lookalikes, cal)
    document = {
        "seed": seed, "home_country": market.home_country, "periods": list(cal.periods),
        "planted": planted,
        "lookalikes": lookalikes,
        "clean_operators": sorted(op.licence_no for op in market.operators
                                  if op.licence_no not in flagged),
        "bad_rows": files.bad_rows,
        "amendments": files.amendments,
        "national_pace_checks": [{k: v for k, v in c.items() if k != "key"} for c in checks],
        "largest_legitimate_movement_kg": maxima,
        "densities_kg_per_l": {p.key: p.density for p in PRODUCTS.values() if p.density},
    }
    if keeping.active:
        document["habits"] = keeping.to_json(files, path.parent)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
