"""`vigia rules backtest` on stored history: loosen, tighten, identical, read only, bad files."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.db import Base
from app.detection.rules import RuleFileError
from app.extensions import vigia
from app.regulation.backtest_service import run_backtest
from tests.alerts.builders import stored_alert
from tests.detection.stored import (
    DECLARATION_HEADER,
    REGISTRY_HEADER,
    declaration_row,
    store,
    write_csv,
)

RULES = Path(__file__).resolve().parents[2] / "rules"
AS_OF = date(2025, 9, 1)
KEY = "large-movement|LIC-001|acetic-anhydride|{day}|{day}"
KEY_1500, KEY_1200, KEY_800 = (KEY.format(day=d) for d in ("2025-03-10", "2025-04-10",
                                                              "2025-05-10"))


def _line(period, day, quantity):
    return declaration_row("LIC-001", period, "purchase", day, "108-24-7", quantity)


@pytest.fixture
def stored(app, tmp_path):
    """ACME's purchases of acetic anhydride: 1,500, 1,200 and 800 kg (threshold 1,000 kg)."""
    registry = write_csv(tmp_path / "registry.csv", REGISTRY_HEADER, [
        ["LIC-001", "ACME S.A.", "20100000001", "distributor", "acetic anhydride",
         20000, "2020-01-01", "2026-12-31", "active", "Lima", ""],
    ])
    declarations = write_csv(tmp_path / "declarations.csv", DECLARATION_HEADER, [
        _line("2025-03", "2025-03-10", 1500),
        _line("2025-04", "2025-04-10", 1200),
        _line("2025-05", "2025-05-10", 800),
    ])
    store(app, {"registry": [registry], "declarations": [declarations]})
    return app


def _rules(tmp_path: Path, name: str, threshold_kg: int | None = None) -> Path:
    """Copy rules/threshold.yaml to a folder, with another threshold for acetic anhydride."""
    folder = tmp_path / name
    folder.mkdir()
    text = (RULES / "threshold.yaml").read_text(encoding="utf-8")
    # The fixed threshold alone decides here (the rule in force also asks for a market
    # outlier, which three purchases by one operator cannot show).
    assert "outlier_multiple: 2" in text
    text = text.replace("outlier_multiple: 2", "outlier_multiple: null")
    if threshold_kg is not None:
        assert "108-24-7: 1000 " in text
        text = text.replace("108-24-7: 1000 ", f"108-24-7: {threshold_kg} ")
        text = text.replace("version: 2", "version: 3")
    (folder / "threshold.yaml").write_text(text, encoding="utf-8")
    return folder


def _backtest(app, session, proposed, in_force, **options):
    services = vigia(app)
    return run_backtest(session=session, catalogue=services.catalogue, proposed_dir=proposed,
                        in_force_dir=in_force, as_of=AS_OF, home_country="PE", **options)


def _row_counts(session) -> dict[str, int]:
    return {table.name: session.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables}


def test_loosening_the_threshold_adds_an_alert(stored, db_session, tmp_path):
    in_force, proposed = _rules(tmp_path, "in-force"), _rules(tmp_path, "new", 500)

    [rule] = _backtest(stored, db_session, proposed, in_force).rules

    assert (rule.rule_id, rule.change) == ("large-movement", "edited")
    assert (rule.in_force.version, rule.proposed.version) == (2, 3)
    assert rule.added == [KEY_800]
    assert rule.unchanged == [KEY_1500, KEY_1200]
    assert rule.removed == []


def test_tightening_reports_the_confirmed_alert_it_would_have_missed(stored, db_session,
                                                                    tmp_path):
    stored_alert(db_session, key=KEY_1200, rule_id="large-movement", status="confirmed")
    stored_alert(db_session, key=KEY_1500, rule_id="large-movement", status="dismissed")
    in_force, proposed = _rules(tmp_path, "in-force"), _rules(tmp_path, "new", 2000)
    before = _row_counts(db_session)

    [rule] = _backtest(stored, db_session, proposed, in_force).rules

    assert not (db_session.new or db_session.dirty or db_session.deleted)
    assert _row_counts(db_session) == before  # no run, no finding, no alert, no event

    assert rule.removed == [KEY_1500, KEY_1200]
    assert rule.added == rule.unchanged == []
    assert rule.missed_confirmed == [KEY_1200]
    assert rule.dropped_dismissed == [KEY_1500]


def test_identical_folders_change_nothing(stored, db_session, tmp_path):
    backtest = _backtest(stored, db_session, _rules(tmp_path, "a"), _rules(tmp_path, "b"))

    [rule] = backtest.rules
    assert rule.change == "same"
    assert rule.unchanged == [KEY_1500, KEY_1200]
    assert backtest.totals["added"] == backtest.totals["removed"] == 0


def _rules_in_force(tmp_path: Path) -> Path:
    """Copy every rule file in force, threshold.yaml with the fixed threshold alone."""
    folder = tmp_path / "in-force-all"
    shutil.copytree(RULES, folder)
    shutil.copy(_rules(tmp_path, "in-force-threshold") / "threshold.yaml", folder)
    return folder


def test_rule_and_since_options(stored, db_session, tmp_path):
    in_force = _rules_in_force(tmp_path)
    proposed = tmp_path / "all"
    shutil.copytree(in_force, proposed)

    backtest = _backtest(stored, db_session, proposed, in_force, rule_ids=["large-movement"],
                         since=date(2025, 4, 1))

    [rule] = backtest.rules
    assert rule.unchanged == [KEY_1200]
    with pytest.raises(ValueError, match="no rule nonexistent"):
        _backtest(stored, db_session, proposed, in_force, rule_ids=["nonexistent"])


def test_invalid_rule_files_raise_with_file_and_line(stored, db_session, tmp_path):
    proposed = _rules(tmp_path, "new")
    path = proposed / "threshold.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("kind: threshold", "kind: thresold"),
                    encoding="utf-8")

    with pytest.raises(RuleFileError) as caught:
        _backtest(stored, db_session, proposed, RULES)

    [error] = caught.value.errors
    assert error.file == str(path) and error.line > 0 and "thresold" in error.message


def test_cli_writes_nothing_and_prints_the_table(stored, runner, db_session, tmp_path):
    stored_alert(db_session, key=KEY_1200, rule_id="large-movement", status="confirmed")
    before = _row_counts(db_session)
    proposed = tmp_path / "new"
    shutil.copytree(RULES, proposed)
    _rules(tmp_path, "edited", 2000)
    shutil.copy(tmp_path / "edited" / "threshold.yaml", proposed / "threshold.yaml")

    # In force: the installation's rules folder (VIGIA_RULES_DIR, default the repository's);
    # here a copy of it where the threshold rule counts the fixed threshold alone.
    services = vigia(stored)
    services.settings = replace(services.settings, rules_dir=_rules_in_force(tmp_path))
    result = runner.invoke(args=["rules", "backtest", str(proposed), "--as-of", "2025-09-01"])

    assert result.exit_code == 0, result.output
    assert _row_counts(db_session) == before
    lines = result.output.splitlines()
    row = next(t for t in lines if t.startswith("large-movement "))
    assert row.split()[:13] == ["large-movement", "edited", "v2", "active", "v3", "active",
                                "2", "0", "+0", "-2", "0", "1", "0"]
    assert f"  large-movement: {KEY_1200}" in lines
    assert any(t.startswith("quota-annual ") and " same " in t for t in lines)
    assert any(t.startswith("TOTAL ") for t in lines)


def test_cli_json(stored, runner, tmp_path):
    in_force, proposed = _rules(tmp_path, "in-force"), _rules(tmp_path, "new", 500)

    result = runner.invoke(args=["rules", "backtest", str(proposed), "--in-force", str(in_force),
                                 "--as-of", "2025-09-01", "--format", "json"])

    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["totals"]["added"] == 1
    [rule] = report["rules"]
    assert (rule["rule_id"], rule["added"]) == ("large-movement", [KEY_800])
    assert rule["proposed"] == {"version": 3, "mode": "active", "findings": 3, "alerts": 3,
                                "error": None}


def test_cli_bad_rule_files_exit_with_their_messages(stored, runner, tmp_path):
    proposed = _rules(tmp_path, "new")
    path = proposed / "threshold.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("severity: medium",
                                                             "severity: urgent"),
                    encoding="utf-8")

    result = runner.invoke(args=["rules", "backtest", str(proposed)])

    assert result.exit_code == 1
    line = path.read_text(encoding="utf-8").splitlines().index("    severity: urgent") + 1
    assert result.output.splitlines()[0].startswith(f"{path}:{line}: 'severity'")
    assert "nothing was compared" in result.output.splitlines()[-1]


@pytest.mark.parametrize(("args", "reason"), [
    (["--as-of", "1/9/2025"], "--as-of: '1/9/2025' is not a date"),
    (["--rule", "nonexistent"], "no rule nonexistent"),
    (["--since", "2025-10-01", "--as-of", "2025-09-01"], "--since 2025-10-01 is after --as-of"),
])
def test_cli_bad_options_exit_with_one_line(stored, runner, tmp_path, args, reason):
    result = runner.invoke(args=["rules", "backtest", str(_rules(tmp_path, "new")), *args])

    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and reason in lines[0], lines


def test_cli_without_a_folder_shows_what_the_rules_in_force_raise(stored, runner, db_session,
                                                                  tmp_path):
    services = vigia(stored)
    services.settings = replace(services.settings, rules_dir=_rules_in_force(tmp_path))
    before = _row_counts(db_session)

    result = runner.invoke(args=["rules", "backtest", "--as-of", "2025-09-01",
                                 "--rule", "large-movement"])

    assert result.exit_code == 0, result.output
    assert _row_counts(db_session) == before
    row = next(t for t in result.output.splitlines() if t.startswith("large-movement "))
    assert row.split()[1:] == ["same", "v2", "active", "v2", "active", "2", "2", "+0", "-0",
                               "2", "0", "0"]
