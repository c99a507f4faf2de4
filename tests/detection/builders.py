"""Builders of small detection data sets: catalogue, registry, lines, customs, rules."""

from __future__ import annotations

import re
import tempfile
import textwrap
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from app.catalogue.catalogue import Catalogue
from app.catalogue.models import Substance
from app.detection.data import DetectionData, empty_frame
from app.detection.findings import Finding
from app.detection.rules import EvaluationResult, RuleSet, evaluate, load_rules
from app.registry.licensing import LicenceBook, LicenceState

# (table, English name, CAS, HS, Spanish name, extra synonyms): the 1988 Convention tables.
SUBSTANCES = [
    ("I", "acetic anhydride", "108-24-7", "2915.24", "anhídrido acético", ()),
    ("I", "N-acetylanthranilic acid", "89-52-1", "2924.23", "ácido N-acetilantranílico", ()),
    ("I", "ephedrine", "299-42-3", "2939.41", "efedrina", ()),
    ("I", "pseudoephedrine", "90-82-4", "2939.42", "pseudoefedrina", ()),
    ("I", "norephedrine", "14838-15-4", "2939.44", "norefedrina", ()),
    ("I", "ergometrine", "60-79-7", "2939.61", "ergometrina", ()),
    ("I", "ergotamine", "113-15-5", "2939.62", "ergotamina", ()),
    ("I", "lysergic acid", "82-58-6", "2939.63", "ácido lisérgico", ()),
    ("I", "1-phenyl-2-propanone", "103-79-7", "2914.31", "fenilacetona", ("P-2-P", "BMK")),
    ("I", "phenylacetic acid", "103-82-2", "2916.34", "ácido fenilacético", ()),
    ("I", "APAAN", "4468-48-8", "2926.40", "alfa-fenilacetoacetonitrilo", ()),
    ("I", "APAA", "4433-77-6", "2924.29", "alfa-fenilacetoacetamida", ()),
    ("I", "MAPA", "16648-44-5", "2918.30", "alfa-fenilacetoacetato de metilo", ()),
    ("I", "isosafrole", "120-58-1", "2932.91", "isosafrol", ()),
    ("I", "safrole", "94-59-7", "2932.94", "safrol", ()),
    ("I", "piperonal", "120-57-0", "2932.93", "piperonal", ()),
    ("I", "3,4-MDP-2-P", "4676-39-5", "2932.92", "3,4-MDP-2-P metil glicidato", ("PMK",)),
    ("I", "ANPP", "21409-26-7", "2933.36", "4-anilino-N-fenetilpiperidina", ()),
    ("I", "NPP", "39742-60-4", "2933.37", "N-fenetil-4-piperidona", ()),
    ("I", "potassium permanganate", "7722-64-7", "2841.61", "permanganato de potasio",
     ("permanganato de potássio",)),
    ("II", "acetone", "67-64-1", "2914.11", "acetona", ()),
    ("II", "anthranilic acid", "118-92-3", "2922.43", "ácido antranílico", ()),
    ("II", "ethyl ether", "60-29-7", "2909.11", "éter etílico", ("éter sulfúrico",)),
    ("II", "hydrochloric acid", "7647-01-0", "2806.10", "ácido clorhídrico",
     ("ácido muriático",)),
    ("II", "methyl ethyl ketone", "78-93-3", "2914.12", "metil etil cetona", ("MEK",)),
    ("II", "piperidine", "110-89-4", "2933.32", "piperidina", ()),
    ("II", "sulphuric acid", "7664-93-9", "2807.00", "ácido sulfúrico", ("aceite de vitriolo",)),
    ("II", "toluene", "108-88-3", "2902.30", "tolueno", ()),
]

AS_OF = date(2025, 9, 1)
HOME = "PE"


def slug(name: str) -> str:
    """Return the catalogue code of an English name: lowercase words joined by '-'."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    """Return a catalogue of the 28 substances of the 1988 Convention tables."""
    substances = [
        Substance(
            code=slug(name), cas=cas, table=table, names={"en": name, "es": spanish},
            synonyms=tuple(extra), hs_codes=(hs,), density_kg_per_l=None,
            solution_densities=(), forms=(),
        )
        for table, name, cas, hs, spanish, extra in SUBSTANCES
    ]
    return Catalogue(substances)


def licence(**overrides: Any) -> LicenceState:
    """Return one licence version (ACME, acetic anhydride, distributor, 8,000 kg quota)."""
    values = {
        "licence_id": 1, "licence_no": "LIC-001", "operator_name": "ACME S.A.",
        "substance_code": "acetic-anhydride", "activities": frozenset({"distributor"}),
        "annual_quota_kg": 8000.0, "valid_from": date(2024, 1, 1),
        "valid_to": date(2026, 12, 31), "status": "active", "effective_from": None,
        "version": 1,
    }
    values.update(overrides)
    if isinstance(values["activities"], str):
        values["activities"] = frozenset(values["activities"].split("|"))
    return LicenceState(**values)


def operator(**overrides: Any) -> dict[str, Any]:
    """Return one operator row."""
    row = {
        "licence_no": "LIC-001", "legal_name": "ACME S.A.", "tax_id": "20-100000001",
        "tax_id_key": None, "region": "Lima", "sector": "4669 Wholesale of chemicals",
        "sector_code": "4669", "activities": "distributor",
    }
    row.update(overrides)
    if row["tax_id_key"] is None:
        row["tax_id_key"] = "".join(ch for ch in str(row["tax_id"]).upper() if ch.isalnum())
    return row


def line(**overrides: Any) -> dict[str, Any]:
    """Return one declaration line: ACME buys 1,000 kg of acetic anhydride on 10 March 2025."""
    row = {
        "line_id": None, "licence_no": "LIC-001", "period": None, "movement": "purchase",
        "date": date(2025, 3, 10), "substance_code": "acetic-anhydride", "quantity_kg": 1000.0,
        "counterparty_licence": None, "counterparty_name": None, "counterparty_country": None,
        "document_ref": None, "payment_method": None, "delivery": None,
    }
    row.update(overrides)
    if row["period"] is None:
        row["period"] = row["date"].replace(day=1)
    return row


def customs_item(**overrides: Any) -> dict[str, Any]:
    """Return one customs item: ACME imports 1,000 kg of acetic anhydride on 12 March 2025."""
    row = {
        "item_id": None, "declaration_no": "118-2025-10-000001", "item_no": "1",
        "date": date(2025, 3, 12), "flow": "import", "hs_code": "2915.24.00", "hs6": None,
        "substance_code": "acetic-anhydride", "goods_description": "ANHIDRIDO ACETICO 99%",
        "net_mass_kg": 1000.0, "trader_tax_id": "20-100000001", "tax_id_key": None,
        "trader_name": "ACME S.A.", "partner_country": "DE",
    }
    row.update(overrides)
    if row["hs6"] is None:
        row["hs6"] = re.sub(r"\D", "", row["hs_code"])[:6]
    if row["tax_id_key"] is None:
        row["tax_id_key"] = "".join(c for c in str(row["trader_tax_id"]).upper() if c.isalnum())
    return row


def notification(**overrides: Any) -> dict[str, Any]:
    """Return one approved pre-export notification from ACME to Colombia."""
    row = {
        "notification_id": None, "notification_ref": "PEN-2025-001", "date": date(2025, 3, 1),
        "exporter_licence": "LIC-001", "importer_name": "Químicos del Valle S.A.S.",
        "importing_country": "CO", "substance_code": "acetic-anhydride",
        "quantity_kg": 1000.0, "status": "approved",
    }
    row.update(overrides)
    return row


def frame(name: str, rows: list[dict[str, Any]], id_column: str | None = None) -> pd.DataFrame:
    """Return a detection frame from rows, numbering ids from 1 where not given."""
    if not rows:
        return empty_frame(name)
    records = [dict(r) for r in rows]
    if id_column:
        for number, row in enumerate(records, start=1):
            if row.get(id_column) is None:
                row[id_column] = number
    result = pd.DataFrame.from_records(records)
    for column in ("date", "period"):
        if column in result.columns:
            result[column] = pd.to_datetime(result[column])
    return result


def data(
    *, lines: list | None = None, customs: list | None = None, operators: list | None = None,
    licences: list | None = None, declarations: list | None = None,
    baselines: list | None = None, notifications: list | None = None,
    as_of: date = AS_OF,
) -> DetectionData:
    """Return detection data; by default ACME is registered and licensed, nothing declared."""
    operators = [operator()] if operators is None else operators
    licences = [licence()] if licences is None else licences
    return DetectionData(
        lines=frame("lines", lines or [], "line_id"),
        customs=frame("customs", customs or [], "item_id"),
        operators=frame("operators", operators),
        licences=LicenceBook(licences),
        declarations=frame("declarations", [
            {"licence_no": lic, "period": period, "received_at": None}
            for lic, period in (declarations or [])
        ]),
        baselines=frame("baselines", baselines or []),
        notifications=frame("notifications", notifications or [], "notification_id"),
        catalogue=catalogue(),
        as_of=as_of,
        home_country=HOME,
    )


def ruleset(kind: str, *, params: dict | None = None, scope: dict | None = None,
            summary: Any = None, severity: str = "high", rule_id: str | None = None,
            mode: str = "active") -> RuleSet:
    """Load a one-rule set through the real loader (so every test also checks loading)."""
    rule: dict[str, Any] = {
        "id": rule_id or kind.replace("_", "-"), "version": 1, "title": f"Test {kind}",
        "mode": mode, "severity": severity, "kind": kind,
    }
    for key, value in (("params", params), ("scope", scope), ("summary", summary)):
        if value is not None:
            rule[key] = value
    with tempfile.TemporaryDirectory() as directory:
        Path(directory, "rules.yaml").write_text(
            yaml.safe_dump({"rules": [rule]}, allow_unicode=True, sort_keys=False),
            encoding="utf-8")
        return load_rules(Path(directory), catalogue=catalogue())


def run(kind: str, detection: DetectionData, **rule: Any) -> list[Finding]:
    """Evaluate a one-rule set and return its findings, failing on any rule error."""
    result: EvaluationResult = evaluate(ruleset(kind, **rule), detection)
    assert not result.errors, result.errors
    return sorted(result.findings, key=lambda f: (f.key[1] or "", f.key[2] or "", f.window_start))


def write(directory: Path, name: str, text: str) -> Path:
    """Write a rule file from indented text and return its path."""
    path = directory / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path
