"""The fictional national market: operators, their licensed products and who supplies whom."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from demo.products import PRODUCTS, SUBSTANCES, Product
from demo.sectors import (
    END_USE_SECTORS,
    NAME_CORES,
    REGIONS,
    SUFFIXES,
    Sector,
    season_curve,
)

HABITS = ("erp_en", "contable_es", "planilla_es", "planilha_pt")
HABIT_WEIGHTS = (0.30, 0.40, 0.15, 0.15)
HABIT_LANGUAGE = {"erp_en": "en", "contable_es": "es", "planilla_es": "es", "planilha_pt": "pt"}
COMMODITIES = ("acetone", "toluene", "mek", "permanganate", "ethyl_ether", "acetic_anhydride",
               "hydrochloric_33", "sulphuric_98")
DISTRIBUTED = ("acetone", "toluene", "mek", "permanganate", "ethyl_ether", "hydrochloric_33",
               "sulphuric_98")
PHARMA_PRODUCTS = ("pseudoephedrine_hcl", "ephedrine_hcl")
CONSUMER, DISTRIBUTOR, BLENDER_INPUT, SOURCE = 0, 1, 2, 3  # supply-chain tiers, buyers first


@dataclass(frozen=True)
class Calendar:
    """The months a demo country covers, oldest first."""

    periods: tuple[str, ...]

    @classmethod
    def ending(cls, end_period: str, months: int) -> Calendar:
        """Return the calendar of `months` periods ending with end_period (YYYY-MM)."""
        year, month = (int(part) for part in end_period.split("-"))
        index = year * 12 + month - 1 - (months - 1)
        return cls(tuple(f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index, index + months)))

    def __len__(self) -> int:
        return len(self.periods)

    def start(self, t: int) -> date:
        """Return the first day of month t."""
        year, month = (int(part) for part in self.periods[t].split("-"))
        return date(year, month, 1)

    def end(self, t: int) -> date:
        """Return the last day of month t."""
        first = self.start(t)
        return first.replace(day=calendar.monthrange(first.year, first.month)[1])

    def month_index(self, day: date) -> int:
        """Return the index of the month a date falls in (may be outside the window)."""
        first = self.start(0)
        return (day.year - first.year) * 12 + day.month - first.month

    def year(self, t: int) -> int:
        """Return the calendar year of month t."""
        return int(self.periods[t][:4])

    def month(self, t: int) -> int:
        """Return the calendar month (1-12) of month t."""
        return int(self.periods[t][5:])

    def workdays(self, t: int) -> list[date]:
        """Return Monday-to-Saturday dates of month t (trade happens on Saturdays too)."""
        first, last = self.start(t), self.end(t)
        days = (first + timedelta(days=i) for i in range((last - first).days + 1))
        return [day for day in days if day.weekday() < 6]

    def years(self) -> list[int]:
        """Return the calendar years the window touches."""
        return sorted({self.year(t) for t in range(len(self))})


@dataclass(eq=False)
class Operator:
    """A registered company: identity, sector, activities and the habit of its files."""

    licence_no: str
    name: str
    tax_id: str
    region: str
    sector: str  # "code words", as the registry writes it
    sector_key: str
    role: str
    activities: tuple[str, ...]
    habit: str
    label_style: str  # name, cas or trade
    valid_from: date
    valid_to: date
    status: str = "active"
    collects: bool = False  # fetches goods with its own trucks
    payment: str = "bank_transfer"
    nodes: list[Node] = field(default_factory=list)

    @property
    def language(self) -> str:
        """Return the language the operator writes its declarations in."""
        return HABIT_LANGUAGE[self.habit]


@dataclass(eq=False)
class Node:
    """One operator handling one product: demand model, suppliers, planted changes, results."""

    idx: int
    op: Operator
    product: Product
    tier: int
    unit: str
    label: str
    concentration_written: float | None
    months: int
    annual_kg: float = 0.0  # expected yearly use (consumers), product kg
    season: np.ndarray = field(default_factory=lambda: np.ones(12))
    trend: float = 0.0
    noise: float = 0.1
    lot_kg: float = 1.0
    delivery_kg: float = 1.0
    cover: float = 1.0
    suppliers: list[Node] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    weekly_use: bool = False
    loss_rate: float = 0.0
    start: int = 0
    stop: int = 0
    licensed: bool = True
    exporter: bool = False
    density_written: float | None = None  # a rounded density the operator converts with

    def __post_init__(self) -> None:
        self.stop = self.stop or self.months
        zeros = np.zeros(self.months)
        self.multiplier = np.ones(self.months)  # legitimate shaping: growth, ramp-up, season
        self.extra_use = zeros.copy()  # planted extra consumption (diversion hidden as use)
        self.hidden_out = zeros.copy()  # planted stock that vanishes without a line
        self.loss_boost = zeros.copy()  # planted extra loss rate
        self.excess = np.ones(self.months)  # planted factor on demand (1 = legitimate)
        # Planted or look-alike extra orders: (month, kg, supplier, day, legitimate).
        self.forced: list[tuple[int, float, Node | None, date | None, bool]] = []
        self.cash_months: set[int] = set()  # months paid in cash and collected in person

    @property
    def active(self) -> np.ndarray:
        """Return a boolean mask of the months this node trades."""
        mask = np.zeros(self.months, dtype=bool)
        mask[self.start:self.stop] = True
        return mask

    @property
    def substance(self) -> str:
        """Return the substance key of the node's product."""
        return self.product.substance


@dataclass
class Market:
    """Everything the generator decided before simulating: calendar, operators, nodes."""

    seed: int
    home_country: str
    cal: Calendar
    operators: list[Operator]
    nodes: list[Node]
    unregistered: list[tuple[str, str]]  # (tax id, name) of companies outside the registry

    def by_licence(self, licence_no: str) -> Operator:
        """Return the operator with this licence number."""
        return next(op for op in self.operators if op.licence_no == licence_no)


def ruc(rng: np.random.Generator, used: set[str], prefix: str = "20") -> str:
    """Return a new Peruvian RUC (11 digits, SUNAT check digit) not yet in used."""
    weights = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    while True:
        body = prefix + "".join(str(d) for d in rng.integers(0, 10, 8))
        rest = 11 - sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11
        number = body + str({10: 0, 11: 1}.get(rest, rest))
        if number not in used:
            used.add(number)
            return number


class _Namer:
    """Draw unique company names from prefixes, cores and legal suffixes."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def __call__(self, prefixes: tuple[str, ...]) -> str:
        while True:
            prefix = prefixes[self.rng.integers(len(prefixes))]
            core = NAME_CORES[self.rng.integers(len(NAME_CORES))]
            name = f"{prefix} {core} {SUFFIXES[self.rng.integers(len(SUFFIXES))]}"
            if name not in self.used:
                self.used.add(name)
                return name


class MarketBuilder:
    """Build operators and nodes step by step from one random generator."""

    def __init__(self, *, seed: int, operators: int, cal: Calendar, home_country: str) -> None:
        self.rng = np.random.default_rng(seed)
        self.seed, self.total, self.cal, self.home = seed, operators, cal, home_country
        self.namer = _Namer(self.rng)
        self.tax_ids: set[str] = set()
        numbers = self.rng.choice(np.arange(100, 20000), size=operators + 40, replace=False)
        self.licence_numbers = [f"LIC-{n:05d}" for n in sorted(numbers.tolist())]
        self.operators: list[Operator] = []
        self.nodes: list[Node] = []

    def pick(self, options, weights=None):
        """Draw one option (weights need not sum to one)."""
        if weights is None:
            return options[self.rng.integers(len(options))]
        p = np.asarray(weights, dtype=float)
        return options[self.rng.choice(len(options), p=p / p.sum())]

    def operator(self, *, role: str, name_prefixes: tuple[str, ...], sector: str,
                 sector_key: str, activities: tuple[str, ...], region: str | None = None,
                 valid_from: date | None = None) -> Operator:
        """Register a new operator with a licence number, tax id and habit."""
        start = valid_from or date(2019, 1, 1) + timedelta(days=int(self.rng.integers(0, 2000)))
        end = date(int(self.rng.integers(2027, 2030)), int(self.rng.integers(1, 13)), 1)
        op = Operator(
            licence_no=self.licence_numbers[len(self.operators)],
            name=self.namer(name_prefixes), tax_id=ruc(self.rng, self.tax_ids),
            region=region or self.pick(list(REGIONS), list(REGIONS.values())),
            sector=sector, sector_key=sector_key, role=role, activities=activities,
            habit=self.pick(HABITS, HABIT_WEIGHTS),
            label_style=self.pick(("name", "cas", "trade"), (0.6, 0.25, 0.15)),
            valid_from=start, valid_to=end - timedelta(days=1),
            payment=self.pick(("bank_transfer", "cheque"), (0.92, 0.08)),
        )
        self.operators.append(op)
        return op

    def node(self, op: Operator, product_key: str, tier: int, *, annual_kg: float = 0.0,
             sector: Sector | None = None, start: int = 0) -> Node:
        """Attach a product to an operator with its unit, label and demand model."""
        product = PRODUCTS[product_key]
        lab = "laboratory" in op.activities
        unit = self._unit(product, annual_kg, lab)
        label, written = self._label(op, product)
        season = "flat" if sector is None else sector.season_for(product_key)
        node = Node(
            idx=len(self.nodes), op=op, product=product, tier=tier, unit=unit, label=label,
            concentration_written=written, months=len(self.cal), annual_kg=annual_kg,
            season=season_curve(season, float(self.rng.uniform(0.6, 1.0))),
            trend=float(np.clip(self.rng.normal(0.002, 0.004), -0.006, 0.01)),
            noise=float(self.rng.uniform(0.08, 0.2)),
            lot_kg=product.small_lot_kg if lab else product.lot_kg,
            delivery_kg=product.delivery_kg,
            cover=float(self.rng.uniform(*((0.6, 1.5) if tier == CONSUMER else (1.0, 2.2)))),
            weekly_use=bool(self.rng.random() < 0.65),
            loss_rate=float(self.rng.uniform(0.001, 0.004)) if self.rng.random() < 0.3 else 0.0,
            start=start,
        )
        op.nodes.append(node)
        self.nodes.append(node)
        return node

    def _unit(self, product: Product, annual_kg: float, lab: bool) -> str:
        if lab:
            return "g" if product.density is None else self.pick(("mL", "L", "kg"), (5, 3, 2))
        if product.key == "sulphuric_98" and annual_kg > 50_000:
            return self.pick(("t", "kg", "L"), (6, 3, 1))
        units = [u for u in product.units if u != "t"]
        return self.pick(units, [0.65, 0.35][: len(units)] if len(units) > 1 else None)

    def _label(self, op: Operator, product: Product) -> tuple[str, float | None]:
        """Return the substance text and concentration an operator writes for a product."""
        substance = SUBSTANCES[product.substance]
        language = op.language
        salt = product.base_fraction < 1.0
        base_content = round(product.concentration * product.base_fraction, 2)
        if op.label_style == "cas":
            return substance.cas, (base_content if salt else self._written(product))
        if salt and self.rng.random() < 0.6:
            return product.salt_names[language][0], None
        names = product.label_override.get(language) or substance.names[language]
        if op.label_style == "trade" and substance.trade_names.get(language):
            names = substance.trade_names[language]
        name = names[self.rng.integers(len(names))]
        return name, (base_content if salt else self._written(product))

    def _written(self, product: Product) -> float | None:
        # Diluted grades always state their strength; pure ones sometimes write 100.
        if product.concentration < 100:
            return product.concentration
        return 100.0 if self.rng.random() < 0.3 else None


def lognormal(rng: np.random.Generator, median: float, sigma: float = 0.6) -> float:
    """Return a positive size scattered around a median."""
    return float(median * np.exp(rng.normal(0.0, sigma)))


def end_use_sector(builder: MarketBuilder) -> Sector:
    """Draw an end-use sector by its weight."""
    return builder.pick(END_USE_SECTORS, [s.weight for s in END_USE_SECTORS])


def add_end_user(builder: MarketBuilder, sector: Sector, *, start: int = 0,
                 scale: float = 1.0, products: list[str] | None = None,
                 valid_from: date | None = None) -> Operator:
    """Create an end user of a sector with the products it consumes."""
    region = builder.pick(sector.regions) if sector.regions else None
    op = builder.operator(role="end_user", name_prefixes=sector.prefixes, sector=sector.label,
                          sector_key=sector.key, activities=(sector.activity,), region=region,
                          valid_from=valid_from)
    if sector.key == "mining" and builder.rng.random() < 0.5 or builder.rng.random() < 0.05:
        op.collects = True
    if sector.activity == "laboratory" and builder.rng.random() < 0.3:
        op.payment = "card"
    chosen = products or [p for p, (prob, _) in sector.products.items()
                          if builder.rng.random() < prob]
    if not chosen:
        chosen = [max(sector.products, key=lambda p: sector.products[p][0])]
    for product in chosen:
        median = sector.products[product][1]
        builder.node(op, product, CONSUMER, sector=sector, start=start,
                     annual_kg=lognormal(builder.rng, median) * scale)
    return op

