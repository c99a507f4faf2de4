"""Group declaration lines into monthly files per habit, with amendments and rejectable rows."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from demo.bookkeeping.declared_lines import REMARK, TAX_ID
from demo.bookkeeping.late import monthly_sent_on
from demo.habits import DECLARATION_COLUMNS, DECLARATION_HABITS, Habit
from demo.lines import ORDER
from demo.market import HABITS, Market
from demo.plants import PlantBook
from demo.writers import number_text, write_table

if TYPE_CHECKING:
    from demo.bookkeeping import Bookkeeping

KINDS = {"date": "date", "quantity": "hundredths", "concentration_pct": "decimal2",
         "movement": "word", "unit": "word", "payment_method": "word", "delivery": "word"}
# (habit, defect) of the rows intake must reject, one file each.
DEFECTS = (("contable_es", "substance"), ("contable_es", "quantity"), ("erp_en", "impossible"),
           ("erp_en", "outside"), ("planilla_es", "impossible"))
REASONS = {"substance": "unknown substance", "quantity": "quantity must be greater than zero",
           "impossible": "impossible date", "outside": "date outside the declared period"}
UNKNOWN_SUBSTANCE = {"es": "Disolvente XR-47 (ver ficha)", "en": "Solvent blend XR-47",
                     "pt": "Solvente XR-47"}
# With habits, each file format also has a column for the counterparty's tax id, and the
# Spanish accountants' CSV writes remarks in its Observaciones column.
TAX_ID_HEADERS = {"erp_en": "counterparty_tax_id", "contable_es": "RUC contraparte",
                  "planilla_es": "RUC proveedor/cliente", "planilha_pt": "CNPJ/RUC da contraparte"}
REMARK_HEADERS = {"contable_es": "Observaciones"}
LAYOUTS = ("monthly", "quarterly")


@dataclass
class DeclarationFiles:
    """The declaration files in import order, and what intake must make of them."""

    paths: list[Path] = field(default_factory=list)
    bad_rows: list[dict] = field(default_factory=list)
    amendments: list[dict] = field(default_factory=list)
    touched: set[str] = field(default_factory=set)  # licences with amendments or bad rows
    late: list[dict] = field(default_factory=list)  # declarations sent after their deadline
    sent_on: dict[Path, date] = field(default_factory=dict)  # with habits: when each was sent


def write_declarations(out_dir: Path, market: Market, lines: pd.DataFrame, book: PlantBook,
                       rng: np.random.Generator, keeping: Bookkeeping | None = None,
                       layout: str = "monthly") -> DeclarationFiles:
    """Write monthly files per habit, then the amendments; return paths and expectations.

    With record-keeping habits, some declarations go in late files of their own, and the
    files are listed in the order they were sent. With `layout="quarterly"` only the ERP
    habit keeps one file a month; the others send one file per quarter (three months of
    declarations), as a country with a quarterly return for small firms would receive.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}, not {layout!r}")
    result = DeclarationFiles()
    lines = lines.assign(order=lines["movement"].map(ORDER),
                         day=[d.toordinal() for d in lines["date"]], bad=-1)
    lines, amended = _amend(market, lines, book, rng, result)
    lines = _add_bad_rows(market, lines, book, rng, result)
    cal, folder = market.cal, out_dir / "declarations"
    late = keeping.choose_late(lines, cal, result.touched) if keeping else []
    late_keys = {(e["licence_no"], e["t"]) for e in late}
    is_late = np.array([key in late_keys for key in zip(lines["licence_no"], lines["t"],
                                                         strict=True)], dtype=bool)
    on_time = lines[~is_late]
    holding: dict[tuple[int, str], Path] = {}  # (month, habit) -> the file that declares it
    for t, period in enumerate(cal.periods):
        for key in HABITS:
            months = _months_of_file(t, len(cal), key, layout)
            if not months:
                continue  # declared in its quarter's file
            rows = on_time[on_time["t"].isin(months) & (on_time["habit"] == key)]
            if len(rows):
                label = period if len(months) == 1 else f"{period}_{cal.periods[months[-1]]}"
                path = folder / f"{label}_{key}{DECLARATION_HABITS[key].suffix}"
                _write(path, _habit(key, keeping), rows, market, label, out_dir, result)
                result.paths.append(path)
                result.sent_on[path] = monthly_sent_on(cal, months[-1])
                holding.update({(m, key): path for m in months})
    for entry, rows in amended:
        habit = _habit(rows["habit"].iloc[0], keeping)
        path = folder / f"{entry['period']}_rectificacion_{entry['licence_no']}{habit.suffix}"
        entry["replaces"] = str(holding[(cal.periods.index(entry["period"]),
                                         habit.key)].relative_to(out_dir))
        _write(path, habit, rows, market, entry["period"], out_dir, result, amendment=True)
        entry["file"] = str(path.relative_to(out_dir))
        result.paths.append(path)
        result.amendments.append(entry)
        if keeping:
            result.sent_on[path] = keeping.amendment_sent_on(cal, cal.periods.index(
                entry["period"]))
    late_rows = lines[is_late].groupby(["licence_no", "t"], sort=False)
    for entry in late:
        rows = late_rows.get_group((entry["licence_no"], entry["t"]))
        habit = _habit(rows["habit"].iloc[0], keeping)
        path = folder / f"{entry['period']}_extemporanea_{entry['licence_no']}{habit.suffix}"
        _write(path, habit, rows, market, entry["period"], out_dir, result, late=True)
        result.paths.append(path)
        result.sent_on[path] = entry["sent_on"]
        result.late.append({"file": str(path.relative_to(out_dir)), **entry})
    if keeping:
        result.paths.sort(key=lambda p: result.sent_on[p])  # stable: the order they were sent
    else:
        result.sent_on.clear()
    return result


def _months_of_file(t: int, months: int, key: str, layout: str) -> list[int]:
    """Return the months the file sent after month `t` declares (none: not sent then)."""
    if layout == "monthly" or key == "erp_en":
        return [t]
    if t % 3:
        return []
    return list(range(t, min(t + 3, months)))


def _habit(key: str, keeping: Bookkeeping | None) -> Habit:
    """Return a file habit, with the columns record-keeping habits add to it."""
    habit = DECLARATION_HABITS[key]
    if keeping is None or not keeping.active:
        return habit
    extra = (*habit.extra_columns, TAX_ID_HEADERS[key])
    return replace(habit, extra_columns=tuple(dict.fromkeys(extra)))


def _sorted(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.sort_values(["licence_no", "node", "t", "order", "day", "document_ref", "bad"],
                            kind="stable")


def _write(path: Path, habit: Habit, rows: pd.DataFrame, market: Market, period: str,
           out_dir: Path, result: DeclarationFiles, amendment: bool = False,
           late: bool = False) -> None:
    rows = _sorted(rows).reset_index(drop=True)
    data = {c: rows[c].tolist() for c in DECLARATION_COLUMNS}
    if TAX_ID in rows:
        data[TAX_ID_HEADERS[habit.key]] = rows[TAX_ID].tolist()
        if habit.key in REMARK_HEADERS:
            data[REMARK_HEADERS[habit.key]] = rows[REMARK].tolist()
    if not habit.domestic_country:
        home = market.home_country
        data["counterparty_country"] = ["" if c == home else c
                                        for c in data["counterparty_country"]]
    data["concentration_pct"] = [None if v is None or v != v else v
                                 for v in data["concentration_pct"]]
    title = None
    if habit.title:
        title = f"{habit.title} - {period}" + (" (RECTIFICATIVA)" if amendment else "") + (
            " (EXTEMPORÁNEA)" if late else "")
    write_table(path, habit, DECLARATION_COLUMNS, KINDS, data, title=title)
    for position in np.flatnonzero(rows["bad"].to_numpy() >= 0):
        entry = result.bad_rows[int(rows["bad"].iloc[position])]
        entry["file"] = str(path.relative_to(out_dir))
        entry["row"] = int(position) + habit.header_row + 1


def _clean_licences(market: Market, book: PlantBook, result: DeclarationFiles) -> list[str]:
    months = len(market.cal)
    return [op.licence_no for op in market.operators
            if op.licence_no not in book.busy and op.licence_no not in result.touched
            and op.status == "active" and op.role == "end_user"
            and all(n.start == 0 and n.stop == months for n in op.nodes)]


def _amend(market: Market, lines: pd.DataFrame, book: PlantBook, rng: np.random.Generator,
           result: DeclarationFiles) -> tuple[pd.DataFrame, list]:
    """Corrupt two declarations in their monthly file; the later amendment sets them right."""
    amended = []
    candidates = _clean_licences(market, book, result)
    months = len(market.cal)
    for t, fault in ((months - 6, "purchase"), (months - 4, "closing")):
        rng.shuffle(candidates)
        for licence in candidates:
            mask = (lines["licence_no"] == licence) & (lines["t"] == t)
            target = lines[mask & (lines["movement"] == ("purchase" if fault == "purchase"
                                                           else "closing_stock"))]
            if target.empty:
                continue
            correct = lines[mask].copy()
            index = target.index[0]
            if fault == "purchase":
                lines = lines.drop(index)
                text = (f"the monthly file omits invoice {target['document_ref'].iloc[0]}, so "
                        "its stock does not balance; the amendment adds it")
            else:
                lines.loc[index, "quantity"] = int(lines.loc[index, "quantity"]) * 10
                text = "the monthly file has the closing stock ten times too large (a slipped " \
                       "decimal); the amendment corrects it"
            result.touched.add(licence)
            candidates.remove(licence)
            amended.append(({"licence_no": licence, "period": market.cal.periods[t],
                             "description": text}, correct))
            break
    return lines, amended


def _add_bad_rows(market: Market, lines: pd.DataFrame, book: PlantBook,
                  rng: np.random.Generator, result: DeclarationFiles) -> pd.DataFrame:
    """Add copies of real lines with one defect each; intake must reject exactly these."""
    candidates = _clean_licences(market, book, result)
    extra = []
    for habit, defect in DEFECTS:
        pool = [c for c in candidates if market.by_licence(c).habit == habit]
        if not pool:
            continue
        licence = pool[int(rng.integers(len(pool)))]
        candidates.remove(licence)
        t = int(rng.integers(2, len(market.cal) - 1))
        own = lines[(lines["licence_no"] == licence) & (lines["t"] == t)
                    & lines["movement"].isin(["purchase", "consumption"])]
        if own.empty:
            continue
        row = own.iloc[int(rng.integers(len(own)))].copy()
        column, value = _defect(market, row, defect, DECLARATION_HABITS[habit])
        row[column] = value
        row["bad"] = len(result.bad_rows)
        header = DECLARATION_HABITS[habit].headers[column]
        shown = _as_written(value, DECLARATION_HABITS[habit])
        result.bad_rows.append({"file": None, "row": None, "column": column, "header": header,
                                "value": shown, "reason": REASONS[defect],
                                "licence_no": licence, "period": row["period"]})
        result.touched.add(licence)
        extra.append(row)
    return pd.concat([lines, pd.DataFrame(extra)], ignore_index=True) if extra else lines


def _as_written(value: object, habit: Habit) -> str:
    """Return a bad value the way the file shows it."""
    if isinstance(value, str):
        return value
    if isinstance(value, date):
        return value.strftime(habit.date_format) if habit.kind == "csv" else value.isoformat()
    return number_text(int(value) / 100, 2, habit)


def _defect(market: Market, row: pd.Series, defect: str, habit: Habit) -> tuple[str, object]:
    year, month = (int(x) for x in row["period"].split("-"))
    if defect == "substance":
        language = {"erp_en": "en", "planilha_pt": "pt"}.get(habit.key, "es")
        return "substance", UNKNOWN_SUBSTANCE[language]
    if defect == "quantity":
        return "quantity", -int(row["quantity"])
    if defect == "outside":
        return "date", market.cal.start(int(row["t"])) + timedelta(days=40)
    day = 32 if calendar.monthrange(year, month)[1] == 31 else 31
    if habit.date_format.startswith("%Y") and habit.kind == "csv":
        return "date", f"{year}-{month:02d}-{day}"
    return "date", f"{day}/{month:02d}/{year}"
