"""Plant diversion patterns before the market is simulated, so every flow stays consistent."""

from __future__ import annotations

import numpy as np

from demo.licence_problems import plant_inactive_entries, plant_licence_problems
from demo.lookalikes import plant_lookalikes, plant_newcomer
from demo.market import CONSUMER, SOURCE, Market, MarketBuilder
from demo.plants import Chooser, PlantBook, acquisitions, nice, product_name, pure
from demo.products import PRODUCTS
from demo.sectors import SECTORS
from demo.simulation import Flows, Trade
from demo.supply import sellers_for

THRESHOLD_PRODUCTS = ("pseudoephedrine_hcl", "ethyl_ether", "acetic_anhydride", "permanganate")
SPLIT_PRODUCTS = ("sulphuric_98", "mek", "acetone", "toluene", "hydrochloric_33")
# Planted extra use of a non-pace substance stays under this share of national use, so
# the substance keeps running well under its baseline (legitimate use is ~80 % of it).
MINOR_SHARE = 0.05


class Planter(Chooser):
    """Choose targets and change their demand, licences or trades; record each plant."""

    def __init__(self, market: Market, builder: MarketBuilder, exports: list[dict],
                 reserve: int) -> None:
        super().__init__(market, builder, PlantBook())
        self.exports = exports
        self.small = len(market.operators) + reserve < 100
        self.year, self.year_months = self.months_of_main_year()
        # Legitimate yearly use per substance (pure kg): planted extras must stay small
        # against it, or the substance's national pace would be pushed over by accident.
        self.national: dict[str, float] = {}
        for node in market.nodes:
            if node.annual_kg > 0:
                self.national[node.substance] = (self.national.get(node.substance, 0.0)
                                                 + pure(node, node.annual_kg))

    def minor(self, node, extra_kg_per_year: float) -> bool:
        """Tell whether an extra yearly amount (product kg) is a minor share of national use."""
        return pure(node, extra_kg_per_year) <= MINOR_SHARE * self.national.get(node.substance, 0)

    def count(self, default: int) -> int:
        """Return how many instances of a kind fit the country's size."""
        return 1 if self.small else default

    def plant_all(self) -> PlantBook:
        """Plant every kind, scarcest targets first, then the look-alikes."""
        self.book.pace_product = self._pace_product()
        self.new_operators()
        self.splitting()
        self.seller_splitting()
        self.peer()
        self.threshold()
        self.reserve_for_customs()
        self.export_notification()
        plant_licence_problems(self)
        self.quota()
        self.mirror()
        self.payment_delivery()
        self.surge()
        self.mass_balance()
        plant_lookalikes(self)
        plant_inactive_entries(self)
        return self.book

    def _pace_product(self) -> str:
        users = {n.product.key for n in self.market.nodes if n.tier == CONSUMER}
        return "permanganate" if "permanganate" in users else "acetone"

    def new_operators(self) -> None:
        """Newcomers licensed recently that buy fast and large (one feeds the national pace)."""
        pace = self.book.pace_product
        national = sum(n.annual_kg for n in self.market.nodes if n.product.key == pace)
        sector = next(s for s in (SECTORS["textile"], SECTORS["water"], SECTORS["cleaning"])
                      if pace in s.products)
        specs = [(sector, pace, 8, 0.9 * national)]
        if not self.small:
            specs.append((SECTORS["cleaning"], "acetone", 6, None))
        for sector, product, span, total in specs:
            start = self.months - span
            node = plant_newcomer(self, sector, product, start)
            monthly = (total / span) if total else 8 * sector.products[product][1] / 12
            if total is None:
                cap = MINOR_SHARE * self.national.get(PRODUCTS[product].substance, 0) / span
                monthly = min(monthly, cap / PRODUCTS[product].pure_factor())
            factor = monthly / (node.annual_kg / 12)
            usual = sector.products[product][1] / 12
            node.excess[start:] = factor * np.linspace(0.6, 1.4, span)
            self.book.add("new_operator", node.substance, start, self.months - 1, op=node.op,
                          node=node, description=(
                              f"licensed from {node.op.valid_from.isoformat()} "
                              f"(sector {sector.code}); buys about {monthly:,.0f} kg a month "
                              f"of {product_name(product)} from its first months, rising, "
                              f"where a firm of its sector uses about {usual:,.0f} kg a month"))
        self.book.add("national_pace", PRODUCTS[pace].substance, self.last_year_start(),
                      self.months - 1, description="")

    def splitting(self) -> None:
        """Many orders just under 1,000 kg from several sellers within two or three weeks."""
        others = sorted(SPLIT_PRODUCTS, key=lambda p: -self.national.get(
            PRODUCTS[p].substance, 0))
        products = (self.book.pace_product, *others)
        used: set[str] = set()
        for _ in range(self.count(2)):
            for product in products:
                if product in used:
                    continue
                nodes = [n for n in self.consumers(products=(product,))
                         if len(sellers_for(self.market.nodes, n)) >= 3
                         and (product == self.book.pace_product or self.minor(n, 14_000))]
                node = self.one(nodes)
                if node is None:
                    continue
                used.add(product)
                sellers = sellers_for(self.market.nodes, node)
                picks = self.rng.choice(len(sellers), size=min(4, len(sellers)), replace=False)
                t = int(self.rng.integers(self.months - 9, self.months - 1))
                days = self.market.cal.workdays(t)
                first = int(self.rng.integers(0, max(1, len(days) - 17)))
                window = days[first:first + 17]
                orders = int(self.rng.integers(10, 15))
                chosen = sorted(int(i) for i in self.rng.choice(len(window), orders))
                node.unit = "kg"  # the buyer keeps its books in kg: the threshold is visible
                for k, i in enumerate(chosen):
                    kg = float(round(self.rng.uniform(950, 999.5), 1))
                    node.forced.append((t, kg, sellers[picks[k % len(picks)]], window[i], False))
                total = sum(f[1] for f in node.forced)
                plant = self.book.add(
                    "splitting", node.substance, t, t, op=node.op, node=node,
                    dates=(window[chosen[0]], window[chosen[-1]]),
                    description=(f"{orders} purchases of 950-999 kg of {product_name(product)} "
                                 f"(total {total:,.0f} kg) from {len(picks)} sellers between "
                                 f"{window[chosen[0]]} and {window[chosen[-1]]}; its normal "
                                 f"use is about {node.annual_kg / 12:,.0f} kg a month"))
                plant.involved |= {sellers[i].op.licence_no for i in picks}
                break

    def seller_splitting(self) -> None:
        """A distributor's many sales just under 200 kg, to three buyers within two weeks."""
        used: set[str] = set()
        for _ in range(self.count(2)):
            options = []
            for seller in self.distributors(avoid=used):
                buyers = [n for n in self.consumers(products=(seller.product.key,))
                          if self.minor(n, 2_000)]
                if len(buyers) >= 3:
                    options.append((seller, buyers))
            if not options:
                return
            seller, buyers = options[int(self.rng.integers(len(options)))]
            used.add(seller.substance)
            picks = [buyers[int(i)] for i in self.rng.choice(len(buyers), size=3, replace=False)]
            t = int(self.rng.integers(self.months - 9, self.months - 1))
            days = self.market.cal.workdays(t)
            first = int(self.rng.integers(0, max(1, len(days) - 12)))
            window = days[first:first + 12]  # two weeks, Monday to Saturday
            sales = int(self.rng.integers(8, 11))
            chosen = sorted(int(i) for i in self.rng.choice(len(window), size=sales))
            seller.unit = "kg"  # the seller invoices in kg: the round figure is visible
            total = 0.0
            for k, i in enumerate(chosen):
                kg = float(self.rng.integers(190, 200))
                total += kg
                picks[k % len(picks)].forced.append((t, kg, seller, window[i], False))
            involved = {b.op.licence_no for b in picks}
            self.book.add(
                "seller_splitting", seller.substance, t, t, op=seller.op, node=seller,
                dates=(window[chosen[0]], window[chosen[-1]]), involved=involved,
                description=(f"{sales} sales of 190-199 kg of "
                             f"{product_name(seller.product.key)} (total {total:,.0f} kg) to "
                             f"{len(picks)} buyers between {window[chosen[0]]} and "
                             f"{window[chosen[-1]]}, each just under 200 kg"))
            self.book.busy |= involved

    def peer(self) -> None:
        """A small end user that steadily buys like a distributor: ten times its peers."""
        used: set[str] = set()
        for _ in range(self.count(2)):
            groups: dict[tuple[str, str], list] = {}
            for node in self.consumers(avoid=used | {"sulphuric_acid"}):
                groups.setdefault((node.op.sector_key, node.product.key), []).append(node)
            peers = [g for g in groups.values() if len(g) >= 4
                     and self.minor(g[0], 5 * float(np.median([n.annual_kg for n in g])))]
            if not peers:
                return
            group = peers[self.rng.integers(len(peers))]
            node = self.one(group)
            median = float(np.median([n.annual_kg for n in group]))
            room = MINOR_SHARE * self.national[node.substance] / pure(node, median)
            times = float(np.clip(1 + room, 6, 10))  # six to ten times its peers
            node.trend, node.noise = 0.0, 0.08
            node.excess[:] = times * median / node.annual_kg
            used.add(node.substance)
            self.book.add("peer", node.substance, 0, self.months - 1, op=node.op, node=node,
                          description=(f"end user in sector {node.op.sector[:4]} buying "
                                       f"about {times * median:,.0f} kg/year of "
                                       f"{product_name(node.product.key)}, {times:.0f} times the "
                                       "median of "
                                       f"its {len(group) - 1} sector peers, steadily and under its "
                                       f"quota"))

    def threshold(self) -> None:
        """One purchase three times larger than any legitimate single movement of the product."""
        done = 0
        for product in THRESHOLD_PRODUCTS:
            if done == self.count(2):
                return
            node = self.one(self.consumers(products=(product,), labs=True))
            if node is None:
                continue
            p = node.product
            # Three times the largest legitimate movement, and at least a year of national
            # use: the substance's national pace is then clearly exceeded too (recorded).
            national_kg = self.national.get(node.substance, 0) / p.pure_factor()
            kg = self.lots(node, max(3 * max(p.delivery_kg, p.shipment_kg[1]), national_kg))
            t = int(self.rng.integers(self.months - 12, self.months - 1))
            node.forced.append((t, kg, node.suppliers[0], None, False))
            done += 1
            self.book.add("threshold", node.substance, t, t, op=node.op, node=node,
                          involved={node.suppliers[0].op.licence_no},
                          description=(f"a single purchase of {kg:,.0f} kg of "
                                       f"{product_name(product)} (normal use about "
                                       f"{node.annual_kg:,.0f} kg a year), declared as consumed"))

    def reserve_for_customs(self) -> None:
        """Set aside the operators whose problems show only in customs (filled in later)."""
        # Activity without declaration: a self-importer customs still sees importing, and an
        # end user whose suppliers keep declaring sales to it.
        direct = [n for n in self.market.nodes if n.op.role == "direct_importer"
                  and self.free(n.op)]
        node = self.one(direct)
        if node is not None:
            self.book.add("missing_declaration", node.substance, self.months - 5,
                          self.months - 1, op=node.op, node=node)
        buyer = self.one(self.consumers(min_orders=1)) if node is None or not self.small \
            else None
        if buyer is not None:
            plant = self.book.add("missing_declaration", buyer.substance, self.months - 5,
                                  self.months - 1, op=buyer.op, node=buyer)
            plant.describe = _missing_text(buyer, plant, self.market.cal)
        importers = [n for n in self.market.nodes if n.tier == SOURCE and n.op.role == "importer"
                     and self.free(n.op)]
        used: set[str] = set()
        for _ in range(self.count(2)):
            node = self.one([n for n in importers if n.product.key not in used
                             and n.op.licence_no not in self.book.busy])
            if node is None:
                break
            used.add(node.substance)
            self.book.add("customs_reconciliation", node.substance, 0, 0, op=node.op, node=node)
        holder = self.one([n for n in importers if n.op.licence_no not in self.book.busy
                           and all(m.substance != "acetic_anhydride" for m in n.op.nodes)])
        if holder is not None:
            self.book.add("mislabelling", "acetic_anhydride", 0, 0, op=holder.op)
        if holder is None or not self.small:
            self.book.add("mislabelling", "permanganate", 0, 0)
        for substance in ("acetone", "permanganate")[: self.count(2)]:
            self.book.add("unregistered_trader", substance, 0, 0)

    def export_notification(self) -> None:
        """Export without an approved notification, and export to a country that objected."""
        recent = [p for p in self.exports if p["t"] >= self.months - 12
                  and self.free(p["node"].op)]
        # Distributors' truck exports first; the smelter's shiploads only if need be.
        recent.sort(key=lambda p: p["node"].op.role != "distributor")
        for status in ("missing", "objected")[: self.count(2)]:
            first = [p for p in recent if p["node"].op.role == recent[0]["node"].op.role]
            plan = first[self.rng.integers(len(first))] if recent else None
            if plan is None:
                return
            node = plan["node"]
            recent = [p for p in recent if p["node"].op is not node.op]
            plan["notification"] = status
            text = ("no pre-export notification was sent" if status == "missing"
                    else f"{plan['country']} objected to the pre-export notification")
            plant = self.book.add("export_notification", node.substance, plan["t"], plan["t"],
                                  op=node.op, node=node, description=(
                                      f"export of {plan['kg']:,.0f} kg of "
                                      f"{product_name(node.product.key)} to {plan['buyer']} "
                                      f"({plan['country']}); {text}"))
            plan["plant"] = plant.id

    def quota(self) -> None:
        """Acquisitions well beyond the annual quota, hidden as extra consumption."""
        used: set[str] = set()
        extra_months = self.year_months[1:6]
        for _ in range(self.count(3)):
            node = self.one([n for n in self.consumers(avoid=used, flat=True, min_orders=1)
                             if self.minor(n, 0.9 * n.annual_kg)])
            if node is None:
                return
            used.add(node.substance)
            node.trend = 0.0
            node.extra_use[extra_months] += 0.9 * node.annual_kg / len(extra_months)
            quota = nice(1.2 * pure(node, node.annual_kg))
            self.book.quota_fixed[node.idx] = quota
            plant = self.book.add("quota", node.substance, self.year_months[0],
                                  self.year_months[-1], op=node.op, node=node)
            plant.describe = _quota_text(node, quota, self.year, self.year_months)

    def mirror(self) -> None:
        """A distributor declares sales to a licensed buyer that never declares them."""
        used: set[str] = set()
        for _ in range(self.count(2)):
            sellers = [n for n in self.distributors(avoid=used)
                       if self.consumers(products=(n.product.key,), min_orders=1)]
            seller = self.one(sellers)
            if seller is None:
                return
            buyer = self.one(self.consumers(products=(seller.product.key,), min_orders=1))
            used.add(seller.substance)
            start = int(self.rng.integers(self.months - 12, self.months - 5))
            plant = self.book.add("mirror", seller.substance, start, start + 4, op=seller.op,
                                  node=seller, involved={buyer.op.licence_no}, description=(
                                      "declares 5 monthly sales of "
                                      f"{product_name(seller.product.key)} to {buyer.op.name} "
                                      f"({buyer.op.licence_no}), which declares no such "
                                      "purchases"))
            self.book.busy.add(buyer.op.licence_no)
            for t in range(start, start + 5):
                day = self.market.cal.workdays(t)[int(self.rng.integers(0, 20))]
                kg = self.lots(buyer, buyer.annual_kg / 12 * float(self.rng.uniform(0.8, 1.2)))
                self.book.pre_trades.append(Trade(seller, buyer, t, day, kg,
                                                  buyer_declares=False, plant=plant.id))

    def payment_delivery(self) -> None:
        """One buyer pays cash and collects in person, month after month."""
        used: set[str] = set()
        for _ in range(self.count(2)):
            node = self.one(self.consumers(avoid=used, min_orders=2))
            if node is None:
                return
            used.add(node.substance)
            start = int(self.rng.integers(self.months - 12, self.months - 6))
            node.cash_months = set(range(start, start + 6))
            self.book.add("payment_delivery", node.substance, start, start + 5, op=node.op,
                          node=node, description=(
                              f"pays cash and collects {product_name(node.product.key)} in person "
                              "on every purchase for six months (before: bank transfer, "
                              "delivered)"))

    def surge(self) -> None:
        """Two months at four times the operator's own level, still within its quota."""
        used: set[str] = set()
        for _ in range(self.count(3)):
            node = self.one([n for n in self.consumers(avoid=used, flat=True, min_orders=1)
                             if self.minor(n, 0.5 * n.annual_kg)])
            if node is None:
                return
            used.add(node.substance)
            t = int(self.rng.integers(self.months - 10, self.months - 2))
            node.excess[t:t + 2] = 4.0
            self.book.add("surge", node.substance, t, t + 1, op=node.op, node=node,
                          description=(f"buys about four times its usual "
                                       f"{product_name(node.product.key)} for two months; "
                                       "still under its annual quota"))

    def mass_balance(self) -> None:
        """Stock that vanishes between two declarations, and losses far beyond normal."""
        used: set[str] = set()
        node = self.one(self.consumers(min_orders=2))
        if node is not None:
            used.add(node.substance)
            t = int(self.rng.integers(self.months - 12, self.months - 3))
            node.hidden_out[[t, t + 2]] = 0.5 * node.annual_kg / 12
            self.book.add("mass_balance", node.substance, t, t + 2, op=node.op, node=node,
                          description=("closing stock falls short of opening + inflows - "
                                       f"outflows by about {0.5 * node.annual_kg / 12:,.0f} kg "
                                       "in two months, with no line to explain it"))
        node = self.one(self.consumers(avoid=used, min_orders=2))
        if node is not None and not self.small:
            t = int(self.rng.integers(self.months - 10, self.months - 4))
            node.loss_boost[t:t + 4] = 0.12
            self.book.add("mass_balance", node.substance, t, t + 3, op=node.op, node=node,
                          description="declares losses of about 12 % of its throughput for four "
                                      "months (its normal rate is below 0.5 %)")

def _missing_text(node, plant, cal):
    def describe(flows: Flows) -> str:
        """Describe the sales its suppliers declared to it in the months it did not declare."""
        sales = [tr for tr in flows.trades
                 if tr.buyer is node and plant.start <= tr.t <= plant.stop]
        sellers = {tr.seller.op.licence_no for tr in sales}
        suppliers = f"{len(sellers)} supplier" + ("s" if len(sellers) != 1 else "")
        return (f"declares nothing from {cal.periods[plant.start]} on, while {suppliers} "
                f"declare {len(sales)} sales of {product_name(node.product.key)} "
                f"to it ({sum(tr.kg for tr in sales):,.0f} kg) in those months")
    return describe


def _quota_text(node, quota: float, year: int, months: list[int]):
    def describe(flows: Flows) -> str:
        """Describe the excess with the acquisitions actually simulated."""
        bought = acquisitions(flows, node, months)
        return (f"annual quota {quota:,.0f} kg (pure); acquired {bought:,.0f} kg in {year}, "
                "the excess declared as consumption over five months")
    return describe

