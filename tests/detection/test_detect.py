"""run_detection and `vigia detect`: a recorded run that raises, refreshes and never duplicates."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from app.alerts.models import Alert, AlertEvent, StoredFinding
from app.detection.models import DetectionRun
from app.detection.rules.vocabulary import KINDS
from app.extensions import vigia
from app.pipeline import run_detection
from tests.detection.stored import (
    CUSTOMS_HEADER,
    DECLARATION_HEADER,
    REGISTRY_HEADER,
    declaration_row,
    store,
    write_csv,
)

AS_OF = date(2025, 9, 1)
RULES = Path(__file__).resolve().parents[2] / "rules"


_line = declaration_row


@pytest.fixture
def stored(app, tmp_path):
    """ACME buys 9,000 kg of acetic anhydride against an 8,000 kg quota in 2025; an
    unregistered firm imports acetone; Beta (clean) buys well within its quota."""
    registry = write_csv(tmp_path / "registry.csv", REGISTRY_HEADER, [
        ["LIC-001", "ACME S.A.", "20100000001", "end_user", "acetic anhydride",
         8000, "2025-01-01", "2026-12-31", "active", "Lima", "2029 Chemicals"],
        ["LIC-002", "Beta Química", "20200000002", "end_user", "acetic anhydride",
         8000, "2025-01-01", "2026-12-31", "active", "Lima", "2029 Chemicals"],
    ])
    rows = []
    for month in range(1, 9):
        period = f"2025-{month:02d}"
        rows.append(_line("LIC-001", period, "purchase", f"{period}-05", "108-24-7", 1125))
        rows.append(_line("LIC-001", period, "consumption", f"{period}-20", "108-24-7", 1125))
        rows.append(_line("LIC-002", period, "purchase", f"{period}-05", "108-24-7", 400))
        rows.append(_line("LIC-002", period, "consumption", f"{period}-20", "108-24-7", 400))
    declarations = write_csv(tmp_path / "decl.csv", DECLARATION_HEADER, rows)
    customs = write_csv(tmp_path / "customs.csv", CUSTOMS_HEADER, [
        ["118-2025-10-000009", "1", "2025-05-12", "import", "2914.11.00", "ACETONA",
         5000, "20999999999", "Solventes del Sur", "US"],
    ])
    store(app, {"registry": [registry], "declarations": [declarations],
                "customs": [customs]})
    return app


def _detect(app, session, rules=RULES, **kwargs) -> DetectionRun:
    services = vigia(app)
    values = {"as_of": AS_OF, "since": None, **kwargs}
    run = run_detection(session=session, catalogue=services.catalogue, rules_dir=rules,
                        home_country="PE", **values)
    session.flush()
    return run


def _alerts(session):
    return {(a.detector, a.licence_no or a.tax_id): a for a in session.scalars(select(Alert))}


def test_a_run_raises_alerts_and_records_what_it_did(stored, db_session):
    run = _detect(stored, db_session)
    assert run.status == "completed", run.message
    alerts = _alerts(db_session)
    assert ("quota", "LIC-001") in alerts
    assert ("unregistered_trader", "20999999999") in alerts
    assert not [key for key in alerts if key[1] in ("LIC-002", "20200000002")]
    assert "9,000 kg of acetic anhydride in 2025, quota 8,000 kg" in alerts[
        ("quota", "LIC-001")].summary
    record = run.rule_files
    assert {Path(f["path"]).name for f in record["files"]} >= {"quota.yaml", "licence.yaml"}
    assert all(len(f["sha256"]) == 64 for f in record["files"])
    assert record["versions"]["quota-annual"] == 1
    quota = next(r for r in record["rules"] if r["id"] == "quota-annual")
    assert quota["findings"] >= 1 and quota["seconds"] >= 0
    assert set(record["stages"]) == {"load_rules", "load_data", "evaluate", "alerts"}
    assert run.rows_read["lines"] == 32
    stored_findings = db_session.scalars(
        select(StoredFinding).where(StoredFinding.run_id == run.id)).all()
    assert run.findings == len(stored_findings) > 0
    assert run.alerts_raised == len(db_session.scalars(select(Alert)).all())
    assert run.seconds > 0 and run.finished_at is not None


def test_running_again_refreshes_instead_of_duplicating(stored, db_session):
    first = _detect(stored, db_session)
    second = _detect(stored, db_session)
    assert (second.alerts_raised, second.alerts_refreshed) == (0, first.alerts_raised)
    alerts = db_session.scalars(select(Alert)).all()
    assert len(alerts) == first.alerts_raised
    assert {a.times_seen for a in alerts} == {2}
    assert {a.last_run_id for a in alerts} == {second.id}
    events = db_session.scalars(select(AlertEvent)).all()
    assert [e.action for e in events] == ["raised"] * len(alerts)


def test_monitor_rules_record_findings_without_alerts(stored, db_session, tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    text = (RULES / "quota.yaml").read_text(encoding="utf-8")
    (rules / "quota.yaml").write_text(text.replace("mode: active", "mode: monitor"),
                                      encoding="utf-8")
    run = _detect(stored, db_session, rules=rules)
    assert run.status == "completed"
    assert db_session.scalars(select(Alert)).all() == []
    modes = {f.mode for f in db_session.scalars(select(StoredFinding))}
    assert run.findings >= 1 and modes == {"monitor"}


def test_since_leaves_out_findings_about_earlier_windows(stored, db_session):
    run = _detect(stored, db_session, since=date(2026, 1, 1), as_of=date(2026, 2, 1))
    assert run.status == "completed"
    # Every 2025 window (the quota year, the customs year) ends before the window opens.
    assert [a for a in db_session.scalars(select(Alert)) if a.period_end.year == 2025] == []
    assert "before 2026-01-01" in run.message


def test_a_failing_rule_is_recorded_and_the_others_still_run(stored, db_session, monkeypatch):
    def broken(_ctx):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setitem(KINDS, "quota", replace(KINDS["quota"], evaluate=broken))
    run = _detect(stored, db_session)
    assert run.status == "partial"
    assert "quota-annual: ZeroDivisionError: division by zero" in run.message
    alerts = _alerts(db_session)
    assert ("unregistered_trader", "20999999999") in alerts
    assert not [key for key in alerts if key[0] == "quota"]


def test_bad_rule_files_fail_the_run_with_file_and_line(stored, db_session, tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    (rules / "threshold.yaml").write_text("rules:\n  - id: x\n    kind: nonsense\n",
                                          encoding="utf-8")
    run = _detect(stored, db_session, rules=rules)
    assert run.status == "failed"
    assert "threshold.yaml:" in run.message
    assert db_session.scalars(select(Alert)).all() == []


def test_detect_command_prints_a_summary(stored, runner):
    result = runner.invoke(args=["detect", "--as-of", "2025-09-01", "--rules", str(RULES)])
    assert result.exit_code == 0, result.output
    assert "read 32 declaration lines, 1 customs items" in result.output
    assert "raised" in result.output and " s" in result.output
    again = runner.invoke(args=["detect", "--as-of", "2025-09-01"])
    assert again.exit_code == 0, again.output
    assert "0 raised" in again.output


@pytest.mark.parametrize(("args", "reason"), [
    (["--since", "2025-10-01", "--as-of", "2025-09-01"], "--since 2025-10-01 is after"),
    (["--rules", "no/such/folder"], "rules folder no/such/folder does not exist"),
    (["--since", "yesterday"], "Invalid value for '--since'"),
])
def test_detect_command_rejects_bad_input_with_one_line(runner, args, reason):
    result = runner.invoke(args=["detect", *args])
    assert result.exit_code != 0
    assert reason in result.output


def test_detect_command_fails_on_bad_rule_files(runner, tmp_path):
    (tmp_path / "bad.yaml").write_text("rules:\n  - id: x\n", encoding="utf-8")
    result = runner.invoke(args=["detect", "--rules", str(tmp_path)])
    assert result.exit_code == 1
    assert "error: rule files have errors: " in result.output
    assert "bad.yaml:" in result.output


def test_the_demo_runs_detection_a_month_after_its_last_period():
    from app.pipeline import demo_as_of

    assert demo_as_of("2026-10") == date(2026, 11, 30)
    assert demo_as_of("2026-12") == date(2027, 1, 31)
