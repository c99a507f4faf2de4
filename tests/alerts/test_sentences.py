"""Alert sentences in Spanish: every kind's situation has one, kept up with the English."""

import re
from pathlib import Path

import pytest
import yaml

from app.alerts.sentences import sentence, spanish, spanish_values
from app.detection.rules.vocabulary import KINDS

RULES = Path(__file__).resolve().parents[2] / "rules"


@pytest.mark.parametrize("kind, situation", [
    (kind.name, situation) for kind in KINDS.values() for situation in kind.situations])
def test_every_situation_of_every_kind_has_its_spanish_sentence(kind, situation):
    english = KINDS[kind].situations[situation]
    pair = spanish().by_kind.get((kind, situation))
    assert pair is not None, f"add {kind}/{situation} to app/alerts/sentences_es.yaml"
    assert pair[0] == english, f"{kind}/{situation}: the English changed; update the Spanish"
    fields = set(re.findall(r"\{(\w+)\}", english))
    assert set(re.findall(r"\{(\w+)\}", pair[1])) == fields


def test_every_summary_written_in_the_rule_files_is_said_in_spanish():
    for path in sorted(RULES.glob("*.yaml")):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]:
            summary = rule.get("summary")
            texts = summary.values() if isinstance(summary, dict) else [summary] if summary else []
            for text in texts:
                assert text.strip() in spanish().sentences, f"{path.name}: {rule['id']}"


def test_a_sentence_in_spanish_translates_numbers_windows_and_coded_words():
    wording = {"template": KINDS["customs_reconciliation"].situations["unreconciled"],
               "values": {"operator": "ACME S.A.", "observed_kg": "12,400.5",
                          "substance": "acetone", "flows": "imports", "window": "March 2025",
                          "start": "2025-03-01", "end": "2025-03-31", "expected_kg": "8,000",
                          "unmatched_kg": "4,400.5", "lag_days": "15"}}
    assert sentence(wording, "stored", "es", substance="acetona") == (
        "ACME S.A. declaró importaciones de 12.400,5 kg de acetona en marzo de 2025; "
        "aduanas registró 8.000 kg, y 4.400,5 kg no coinciden con nada dentro de 15 días")
    assert sentence(wording, "stored", "en").startswith("ACME S.A. declared 12,400.5 kg")
    assert sentence("{}", "stored English", "es") == "stored English"  # an older alert


def test_licence_reasons_and_windows_are_translated():
    values = spanish_values({"reasons": "ACME (LIC-1)'s licence for acetone expired on "
                                        "2025-02-01; ACME (LIC-1) holds no licence for toluene",
                             "start": "2025-01-01", "end": "2025-03-31", "window": "Q1 2025"})
    assert values["reasons"] == ("ACME (LIC-1): su licencia para acetone venció el 1 feb 2025; "
                                 "ACME (LIC-1) no tiene licencia para toluene")
    assert values["window"] == "el T1 de 2025"
