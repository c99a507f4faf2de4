"""`vigia alerts export`: columns of interfaces §6, filters, queue order, round trips."""

import csv
from datetime import date

import pytest
from openpyxl import load_workbook

from app.alerts.export import (
    COLUMNS,
    REQUIRED_COLUMNS,
    AlertFilters,
    alert_rows,
    expand_statuses,
    resolve_substances,
)
from app.catalogue import load_catalogue
from tests.alerts.builders import stored_alert, stored_operator


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


@pytest.fixture
def queue(db_session):
    """Store five alerts of different rules, statuses, severities, substances and windows."""
    stored_operator(db_session)
    stored_operator(db_session, licence_no="LIC-002", legal_name="=cmd|' /C calc'!A0",
                    tax_id="20100000002", tax_id_key="20100000002")
    return {
        "quota": stored_alert(db_session, score=70),
        "pace": stored_alert(db_session, rule_id="quota-pace", score=40, severity="medium",
                             status="in_review", period_end=date(2025, 6, 30)),
        "permanganate": stored_alert(
            db_session, rule_id="large-movement", detector="threshold", score=55,
            severity="medium", licence_no="LIC-002", tax_id="20100000002",
            substance_code="potassium-permanganate", period_start=date(2024, 5, 2),
            period_end=date(2024, 5, 2), status="confirmed",
            summary="-2 kg declared by =cmd|' /C calc'!A0"),
        "trader": stored_alert(
            db_session, rule_id="unregistered-trader", detector="unregistered_trader",
            score=90, severity="critical", licence_no=None, tax_id="20999999999",
            substance_code="acetone", period_start=date(2025, 2, 1),
            period_end=date(2025, 2, 28), status="dismissed"),
        "national": stored_alert(
            db_session, rule_id="national-pace", detector="national_pace", score=20,
            severity="low", licence_no=None, tax_id=None, substance_code=None,
            period_start=date(2023, 1, 1), period_end=date(2023, 12, 31),
            status="escalated"),
    }


def _ids(rows):
    return [row["alert_id"] for row in rows]


def _rows(db_session, catalogue, **filters):
    return alert_rows(session=db_session, catalogue=catalogue, filters=AlertFilters(**filters))


def test_rows_have_the_interface_columns_sorted_by_score(db_session, catalogue, queue):
    rows = _rows(db_session, catalogue)

    assert COLUMNS[:len(REQUIRED_COLUMNS)] == REQUIRED_COLUMNS
    assert [list(row) for row in rows] == [list(COLUMNS)] * 5
    assert _ids(rows) == [queue[k].id for k in ("trader", "quota", "permanganate", "pace",
                                                 "national")]
    quota = rows[1]
    assert quota["rule_id"] == "quota-annual"
    assert quota["kind"] == "rule"
    assert quota["severity"] == "high"
    assert quota["score"] == 70
    assert quota["licence_no"] == "LIC-001"
    assert quota["tax_id"] == "20100000001"
    assert quota["substance"] == "108-24-7"  # the CAS number, not the internal code
    assert quota["substance_name"] == "acetic anhydride"
    assert (quota["period_start"], quota["period_end"]) == (date(2025, 1, 1),
                                                             date(2025, 12, 31))
    assert quota["status"] == "open"
    assert quota["summary"].startswith("ACME S.A. acquired 12,400 kg")
    assert quota["operator_name"] == "ACME S.A."
    assert (quota["observed"], quota["expected"]) == (12400.0, 8000.0)
    national = rows[-1]
    assert (national["licence_no"], national["tax_id"], national["substance"]) == (None,) * 3
    assert national["operator_name"] is None
    assert rows[0]["operator_name"] is None  # an unregistered trader has no registered name


def test_a_party_without_licence_is_named_by_its_registered_tax_id(db_session, catalogue, queue):
    alert = stored_alert(db_session, rule_id="licence-buyers", licence_no=None,
                         tax_id="20-100000002")

    [row] = _rows(db_session, catalogue, rule_ids=("licence-buyers",))

    assert row["alert_id"] == alert.id
    assert row["operator_name"] == "=cmd|' /C calc'!A0"  # LIC-002, neutralised only on writing


def test_status_open_means_every_open_status(db_session, catalogue, queue):
    assert expand_statuses(["open"]) == ("open", "in_review", "escalated")
    rows = _rows(db_session, catalogue, statuses=expand_statuses(["open"]))
    assert _ids(rows) == [queue["quota"].id, queue["pace"].id, queue["national"].id]
    rows = _rows(db_session, catalogue, statuses=expand_statuses(["confirmed", "dismissed"]))
    assert _ids(rows) == [queue["trader"].id, queue["permanganate"].id]
    with pytest.raises(ValueError, match="unknown status 'closed'"):
        expand_statuses(["closed"])


def test_severity_filters(db_session, catalogue, queue):
    assert _ids(_rows(db_session, catalogue, min_severity="high")) == [
        queue["trader"].id, queue["quota"].id]
    assert _ids(_rows(db_session, catalogue, severities=("medium",))) == [
        queue["permanganate"].id, queue["pace"].id]
    # Both together: medium or low, and at least medium.
    assert _ids(_rows(db_session, catalogue, severities=("medium", "low"),
                      min_severity="medium")) == [queue["permanganate"].id, queue["pace"].id]


def test_rule_licence_score_filters(db_session, catalogue, queue):
    assert _ids(_rows(db_session, catalogue, rule_ids=("quota-pace", "national-pace"))) == [
        queue["pace"].id, queue["national"].id]
    assert _ids(_rows(db_session, catalogue, licence_nos=("LIC-002",))) == [
        queue["permanganate"].id]
    assert _ids(_rows(db_session, catalogue, min_score=55)) == [
        queue["trader"].id, queue["quota"].id, queue["permanganate"].id]


def test_substance_by_cas_name_or_spanish_name(db_session, catalogue, queue):
    for text in ("7722-64-7", "potassium permanganate", "permanganato de potasio"):
        codes = resolve_substances(catalogue, [text])
        assert _ids(_rows(db_session, catalogue, substance_codes=codes)) == [
            queue["permanganate"].id]
    with pytest.raises(ValueError, match="--substance"):
        resolve_substances(catalogue, ["no such chemical"])


def test_an_alert_stored_with_a_cas_number_is_found_by_substance(db_session, catalogue):
    alert = stored_alert(db_session, substance_code="108-24-7")

    rows = _rows(db_session, catalogue,
                 substance_codes=resolve_substances(catalogue, ["anhídrido acético"]))

    assert _ids(rows) == [alert.id]
    assert rows[0]["substance"] == "108-24-7"


def test_since_until_select_overlapping_windows(db_session, catalogue, queue):
    rows = _rows(db_session, catalogue, since=date(2025, 3, 1), until=date(2025, 6, 30))
    assert _ids(rows) == [queue["quota"].id, queue["pace"].id]
    rows = _rows(db_session, catalogue, until=date(2024, 5, 2))
    assert _ids(rows) == [queue["permanganate"].id, queue["national"].id]
    rows = _rows(db_session, catalogue, since=date(2025, 7, 1))
    assert _ids(rows) == [queue["quota"].id]


def test_cli_csv_round_trip(runner, app, db_session, queue, tmp_path):
    output = tmp_path / "alerts.csv"

    result = runner.invoke(args=["alerts", "export", "--format", "csv", "--output",
                                 str(output), "--status", "open", "--status", "confirmed"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"4 alerts written to {output}"
    assert output.read_bytes().startswith(b"\xef\xbb\xbf")
    with output.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert tuple(reader.fieldnames) == COLUMNS
    assert [int(row["alert_id"]) for row in rows] == [
        queue[k].id for k in ("quota", "permanganate", "pace", "national")]
    permanganate = rows[1]
    assert permanganate["substance"] == "7722-64-7"
    assert permanganate["period_start"] == permanganate["period_end"] == "2024-05-02"
    assert permanganate["score"] == "55"
    # Hostile text from outside is never a live formula.
    assert permanganate["operator_name"] == "'=cmd|' /C calc'!A0"
    assert permanganate["summary"] == "'-2 kg declared by =cmd|' /C calc'!A0"
    assert rows[3]["licence_no"] == rows[3]["substance"] == ""


def test_cli_xlsx_round_trip(runner, app, db_session, queue, tmp_path):
    output = tmp_path / "alerts.xlsx"

    result = runner.invoke(args=["alerts", "export", "--output", str(output),
                                 "--licence", "LIC-002", "--licence", "LIC-001"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"3 alerts written to {output}"
    sheet = load_workbook(output)["alerts"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert tuple(values[0]) == COLUMNS
    header = dict(zip(COLUMNS, range(len(COLUMNS)), strict=True))
    assert [row[header["alert_id"]] for row in values[1:]] == [
        queue[k].id for k in ("quota", "permanganate", "pace")]
    permanganate = values[2]
    assert permanganate[header["period_start"]].date() == date(2024, 5, 2)
    assert permanganate[header["score"]] == 55
    assert permanganate[header["operator_name"]] == "'=cmd|' /C calc'!A0"
    name_cell = sheet.cell(row=3, column=header["operator_name"] + 1)
    assert name_cell.data_type == "s"


@pytest.mark.parametrize(("args", "reason"), [
    (["--format", "pdf", "--output", "{tmp}/a.pdf"], "unknown format 'pdf'"),
    (["--output", "{tmp}/a.txt"], "cannot tell the format"),
    (["--output", "{tmp}/missing/a.csv"], "does not exist"),
    (["--output", "{tmp}/a.csv", "--since", "2025-13-01"], "--since: '2025-13-01' is not a date"),
    (["--output", "{tmp}/a.csv", "--status", "closed"], "unknown status 'closed'"),
    (["--output", "{tmp}/a.csv", "--substance", "unobtainium"], "--substance"),
    (["--output", "{tmp}/a.csv", "--since", "2025-06-01", "--until", "2025-01-01"],
     "is after --until"),
])
def test_cli_bad_input_exits_with_one_line(runner, app, tmp_path, args, reason):
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in args]

    result = runner.invoke(args=["alerts", "export", *args])

    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and reason in lines[0], lines
    assert not any(tmp_path.glob("a.*"))


def test_the_export_names_each_alerts_queue_and_filters_by_it(db_session, catalogue, queue):
    queue["national"].queue = "administrative"
    db_session.flush()

    rows = _rows(db_session, catalogue)
    administrative = _rows(db_session, catalogue, queues=("administrative",))

    assert {row["queue"] for row in rows} == {"diversion", "administrative"}
    assert _ids(administrative) == [queue["national"].id]
