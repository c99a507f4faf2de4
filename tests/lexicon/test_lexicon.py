"""The domain's words: movements, units, severities, activities, tables, detector kinds."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import lexicon
from lexicon import (
    ACTIVITIES,
    DIRECTION,
    HEURISTIC_KINDS,
    INFLOWS,
    MASS_UNITS,
    MOVEMENTS,
    NATIONAL_ENTRIES,
    NATIONAL_EXITS,
    OUTFLOWS,
    SELLING_ACTIVITIES,
    SEVERITIES,
    STATISTICAL_KINDS,
    STOCK_MOVEMENTS,
    TABLES,
    TRADED_INFLOWS,
    TRADED_OUTFLOWS,
    UNITS,
    VOLUME_UNITS,
    raise_severity,
)

PACKAGE = Path(lexicon.__file__).parent


def test_inflows_outflows_and_stocks_are_the_movements_without_overlap():
    parts = (set(INFLOWS), set(OUTFLOWS), set(STOCK_MOVEMENTS))
    assert set.union(*parts) == set(MOVEMENTS)
    assert sum(map(len, parts)) == len(MOVEMENTS) == len(set(MOVEMENTS))


def test_a_declaration_lists_stocks_around_inflows_and_outflows():
    assert ("opening_stock", *INFLOWS, *OUTFLOWS, "closing_stock") == MOVEMENTS


def test_every_flow_has_a_direction_and_stocks_none():
    assert {m for m, way in DIRECTION.items() if way == "in"} == set(INFLOWS)
    assert {m for m, way in DIRECTION.items() if way == "out"} == set(OUTFLOWS)
    assert not set(DIRECTION) & set(STOCK_MOVEMENTS)


def test_traded_and_national_movements_are_flows_of_their_direction():
    assert set(TRADED_INFLOWS) <= set(INFLOWS)
    assert set(TRADED_OUTFLOWS) <= set(OUTFLOWS)
    assert set(NATIONAL_ENTRIES) <= set(INFLOWS)
    assert set(NATIONAL_EXITS) <= set(OUTFLOWS)


def test_units_are_mass_or_volume_with_positive_factors():
    assert set(UNITS) == set(MASS_UNITS) | set(VOLUME_UNITS)
    assert not set(MASS_UNITS) & set(VOLUME_UNITS)
    assert all(factor > 0 for factor in (*MASS_UNITS.values(), *VOLUME_UNITS.values()))
    assert MASS_UNITS["kg"] == VOLUME_UNITS["L"] == 1.0
    assert VOLUME_UNITS["gal"] == 3.785411784  # the US gallon


def test_severities_are_ordered_and_raised_within_the_scale():
    assert SEVERITIES == ("low", "medium", "high", "critical")
    assert [raise_severity(s) for s in SEVERITIES] == ["medium", "high", "critical", "critical"]
    assert raise_severity("medium", -1) == "low"
    assert raise_severity("low", -1) == "low"
    assert raise_severity("low", 5) == "critical"
    with pytest.raises(ValueError):
        raise_severity("urgent")


def test_activities_tables_and_kinds():
    assert set(SELLING_ACTIVITIES) <= set(ACTIVITIES)
    assert len(set(ACTIVITIES)) == len(ACTIVITIES)
    assert TABLES == ("I", "II", "national")
    assert set(HEURISTIC_KINDS) <= set(STATISTICAL_KINDS)


def test_the_importers_code_tables_accept_exactly_the_lexicons_codes():
    from importers.codes import ACTIVITY, MOVEMENT, UNIT

    assert MOVEMENT.codes == MOVEMENTS
    assert UNIT.codes == UNITS
    assert ACTIVITY.codes == ACTIVITIES


def test_the_statistical_kinds_are_detector_kinds():
    from app.detection.rules.vocabulary import KINDS

    assert set(STATISTICAL_KINDS) <= set(KINDS)


def _imported_modules(path: Path) -> set[str]:
    """Return the top-level names of the modules a source file imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_lexicon_is_pure_it_imports_the_standard_library_only():
    for path in PACKAGE.glob("*.py"):
        foreign = {n for n in _imported_modules(path)
                   if n != "lexicon" and n not in sys.stdlib_module_names}
        assert not foreign, f"{path.name} imports {sorted(foreign)}"
