"""The rule files shipped in rules/ and their README."""

from datetime import date
from pathlib import Path

from click.testing import CliRunner

import app.catalogue.loader
from app.detection.rules import KINDS, describe_vocabulary, evaluate, load_rules
from app.detection.rules.cli import rules_group
from tests.detection.builders import (
    catalogue,
    customs_item,
    data,
    line,
    notification,
    write,
)

RULES = Path(__file__).resolve().parents[2] / "rules"


def test_shipped_rules_load_and_cover_every_kind():
    ruleset = load_rules(RULES, catalogue=catalogue())

    assert {rule.kind for rule in ruleset.rules} == set(KINDS)
    # The usual heuristics ship in monitor mode: the reference the statistical kinds beat;
    # so does the watch on collection in person (cash alone is alerted).
    assert {rule.id for rule in ruleset.rules if rule.mode != "active"} == {
        rule.id for rule in ruleset.rules if rule.kind in ("sar_max6", "sar_avg12")
    } | {"cash-or-collection-watch"}
    assert all(rule.mode == "monitor" for rule in ruleset.rules if rule.kind.startswith("sar"))


def test_readme_documents_every_kind_and_parameter():
    readme = (RULES / "README.md").read_text(encoding="utf-8")

    for name, kind in KINDS.items():
        assert f"## {name} " in readme, name
        section = readme.split(f"## {name} ", 1)[1].split("\n## ", 1)[0]
        for param in kind.params:
            assert f"`{param}`" in section, (name, param)
        for field in kind.fields:
            assert f"{{{field}}}" in section, (name, field)


def test_vocabulary_describes_each_parameter_for_an_editing_form():
    quota = describe_vocabulary()["quota"]

    assert quota["params"]["share"] == {"type": "number", "default": 1.0, "unit": "ratio",
                                        "minimum": 0, "help": quota["params"]["share"]["help"]}
    assert quota["params"]["pace_severity"]["choices"] == ["low", "medium", "high", "critical"]
    assert "{projected_kg}" in quota["situations"]["pace"]
    assert "observed_kg" in quota["fields"]


def test_cli_check_passes_on_good_files(monkeypatch):
    monkeypatch.setattr(app.catalogue.loader, "load_catalogue", lambda paths=(): catalogue())

    result = CliRunner().invoke(rules_group, ["check", str(RULES)])

    assert result.exit_code == 0, result.output
    assert "27 rules in 17 files are valid (24 active, 3 monitor, 0 inactive)" in result.output


def test_cli_check_prints_each_error_and_exits_non_zero(monkeypatch, tmp_path):
    monkeypatch.setattr(app.catalogue.loader, "load_catalogue", lambda paths=(): catalogue())
    write(tmp_path, "a.yaml", "rules:\n  - id: x\n    kind: nope\n")

    result = CliRunner().invoke(rules_group, ["check", str(tmp_path)])

    assert result.exit_code == 1
    assert f"{tmp_path / 'a.yaml'}:2: missing required key 'mode'" in result.output
    assert f"{tmp_path / 'a.yaml'}:3: unknown kind 'nope'" in result.output
    assert "problem(s) in the rule files" in result.output


def test_shipped_rules_run_on_empty_data_without_errors():
    ruleset = load_rules(RULES, catalogue=catalogue())

    result = evaluate(ruleset, data(operators=[], licences=[]))

    assert result.errors == {}
    assert result.findings == []
    assert set(result.per_rule) == set(ruleset.by_id)


def test_shipped_rules_run_together_on_mixed_data():
    detection = data(
        lines=[
            line(movement="opening_stock", quantity_kg=100.0, date=date(2025, 3, 1)),
            line(movement="import", quantity_kg=9000.0, counterparty_country="DE"),
            line(movement="sale", quantity_kg=300.0, counterparty_name="Ferretería",
                 payment_method="cash"),
            line(movement="export", quantity_kg=500.0, counterparty_country="CO"),
            line(movement="closing_stock", quantity_kg=100.0, date=date(2025, 3, 31)),
        ],
        customs=[customs_item(), customs_item(flow="export", partner_country="CO"),
                 customs_item(trader_tax_id="999", substance_code=None, hs_code="3824.99.00"),
                 customs_item(trader_tax_id="888", trader_name="Front Co."),
                 customs_item(trader_tax_id="888", trader_name="Front Co.", item_no="7",
                              date=date(2025, 6, 2))],  # customs data reaches June
        notifications=[notification(status="pending")],
        baselines=[{"substance_code": "acetic-anhydride", "year": 2025, "quantity_kg": 100.0,
                    "source": None}],
    )

    result = evaluate(load_rules(RULES, catalogue=catalogue()), detection)

    assert result.errors == {}
    fired = {finding.rule_id for finding in result.findings}
    assert {"quota-annual", "licence-movements", "licence-buyers", "customs-imports",
            "stock-balance", "national-pace", "large-movement", "export-notification-customs",
            "export-notification-declared", "mislabelled-goods", "overdue-declaration",
            "unregistered-trader"} <= fired
