"""Substance cells as clerks write them, through every feed that names a substance.

With the real catalogue: a cell of several parts that all name one substance is stored as it,
with one warning per distinct text saying what it was read as; parts naming different things
are refused, naming both.
"""

from __future__ import annotations

import pytest

from importers import ReadContext, RowError, iter_file, read_file

try:
    from app.catalogue import load_catalogue
except ImportError:  # said in the skip reason and in the test summary (-ra), never silent
    pytest.skip("app.catalogue does not export load_catalogue yet", allow_module_level=True)

HEADER = ["Nº licencia", "Período", "Movimiento", "Fecha", "Sustancia", "Cantidad", "Unidad",
          "Concentración %"]


@pytest.fixture(scope="module")
def real_context():
    return ReadContext(catalogue=load_catalogue(), home_country="PE")


def _declaration(substance: str, quantity: str = "100", concentration: str = "") -> list[str]:
    return ["LIC-1", "2025-03", "Compra", "05/03/2025", substance, quantity, "kg", concentration]


def _read_as(text: str, label: str) -> str:
    return (f"column 'Sustancia': '{text}' read as {label}; if that is not the product, "
            "correct the cell")


def test_declarations_written_in_parts_are_stored_with_one_warning_per_text(
    make_csv, real_context
):
    rows = [
        HEADER,
        _declaration("MEK (metil etil cetona)"),
        _declaration("MEK (metil etil cetona)", "50"),
        _declaration("Ácido muriático (HCl 33%)"),
        _declaration("Tolueno (108-88-4)"),
        _declaration("Acetona QP x 200 L"),
        _declaration("MEK (metil etil cetona)", "25"),
    ]
    result = read_file("declarations", make_csv(rows), filename="d.csv", context=real_context)
    assert result.errors == []
    records = result.records
    assert records["substance_code"].tolist() == [
        "methyl-ethyl-ketone", "methyl-ethyl-ketone", "hydrochloric-acid", "toluene",
        "acetone", "methyl-ethyl-ketone"]
    assert records["substance_text"].tolist()[0] == "MEK (metil etil cetona)"
    # The concentration written in the brackets is used when its column is empty.
    assert records["concentration_pct"].tolist()[2] == 33.0
    assert records["quantity_kg"].tolist()[2] == pytest.approx(33.0)
    assert sorted(w for w in result.warnings if "read as" in w) == sorted([
        _read_as("MEK (metil etil cetona)", "methyl ethyl ketone (78-93-3)"),
        _read_as("Ácido muriático (HCl 33%)", "hydrochloric acid (7647-01-0)"),
        _read_as("Tolueno (108-88-4)", "toluene (108-88-3); CAS number 108-88-4 has a wrong "
                 "check digit, taken as a typing error for 108-88-3"),
    ])  # a plain name with its grade and drum ("Acetona QP x 200 L") needs none


def test_the_warning_is_given_once_across_chunks(make_csv, real_context):
    rows = [HEADER] + [_declaration("MEK (metil etil cetona)") for _ in range(7)]
    chunks = list(iter_file("declarations", make_csv(rows), filename="d.csv",
                            context=real_context, chunk_rows=2))
    assert len(chunks) == 4
    said = [w for chunk in chunks for w in chunk.warnings if "read as" in w]
    assert said == [_read_as("MEK (metil etil cetona)", "methyl ethyl ketone (78-93-3)")]
    assert sum(len(chunk.records) for chunk in chunks) == 7


def test_parts_naming_different_substances_are_refused_naming_both(make_csv, real_context):
    rows = [
        HEADER,
        _declaration("MEK (acetona)"),
        _declaration("Acetona (ACN)"),
        _declaration("Acetona cianhidrina"),
        _declaration("Acetonitrilo (ACN)"),
        _declaration("MEK (metil etil cetona)"),
    ]
    result = read_file("declarations", make_csv(rows), filename="d.csv", context=real_context)
    assert [(e.row, e.column, e.value) for e in result.errors] == [
        (2, "Sustancia", "MEK (acetona)"), (3, "Sustancia", "Acetona (ACN)"),
        (4, "Sustancia", "Acetona cianhidrina"), (5, "Sustancia", "Acetonitrilo (ACN)")]
    reasons = [e.reason for e in result.errors]
    assert reasons[0] == (
        "'MEK (acetona)' names methyl ethyl ketone (78-93-3) and acetone (67-64-1): write one "
        "substance per row, by its name or CAS number (a mixture: one row for each controlled "
        "substance it holds, with its percentage)")
    assert "acetone (67-64-1) and acetonitrile (75-05-8), which is not controlled" in reasons[1]
    assert "'cianhidrina' may make it another chemical" in reasons[2]
    assert reasons[3] == ("'Acetonitrilo (ACN)' is acetonitrile (75-05-8), which is not a "
                          "controlled substance")
    assert result.records["source_row"].tolist() == [6]  # the good row is kept


def test_a_mixture_in_parts_needs_the_share_of_the_substance(make_csv, real_context):
    rows = [
        HEADER,
        _declaration("Thinner (tolueno)"),
        _declaration("Thinner (tolueno)", "100", "40"),
        _declaration("Thinner (Tolueno 30%, Xileno 70%)"),
    ]
    result = read_file("declarations", make_csv(rows), filename="d.csv", context=real_context)
    assert result.errors == [
        RowError(2, "Concentración %", None,
                 "Thinner (tolueno) is a mixture: give the percentage of toluene in "
                 "Concentración %"),
    ]
    assert result.records["concentration_pct"].tolist() == [40.0, 30.0]
    assert result.records["quantity_kg"].tolist() == pytest.approx([40.0, 30.0])


def test_registry_baselines_and_notifications_read_names_in_parts(make_csv, real_context):
    registry = [
        ["licence_no", "operator_name", "tax_id", "activity", "substance", "annual_quota_kg",
         "valid_from", "valid_to", "status"],
        ["LIC-1", "Química Andina", "20100000001", "distributor", "MEK (metil etil cetona)",
         "1000", "2025-01-01", "2025-12-31", "active"],
        ["LIC-1", "Química Andina", "20100000001", "distributor", "MEK (acetona)",
         "1000", "2025-01-01", "2025-12-31", "active"],
    ]
    baselines = [["substance", "year", "quantity_kg"],
                 ["HCl (ácido clorhídrico)", "2025", "5000"]]
    notifications = [
        ["notification_ref", "date", "exporter_licence", "importer_name", "importing_country",
         "substance", "quantity_kg", "status"],
        ["PEN-1", "2025-03-01", "LIC-1", "Importadora SA", "EC", "Tolueno - CAS 108-88-3",
         "200", "approved"],
    ]
    expected = {
        "registry": (registry, ["methyl-ethyl-ketone"], "methyl ethyl ketone (78-93-3)"),
        "baselines": (baselines, ["hydrochloric-acid"], "hydrochloric acid (7647-01-0)"),
        "export_notifications": (notifications, ["toluene"], "toluene (108-88-3)"),
    }
    for feed, (rows, codes, label) in expected.items():
        result = read_file(feed, make_csv(rows), filename=f"{feed}.csv", context=real_context)
        assert result.records["substance_code"].tolist() == codes, feed
        text = rows[1][rows[0].index("substance")]
        assert (f"column 'substance': '{text}' read as {label}; if that is not the product, "
                "correct the cell") in result.warnings, feed
        if feed == "registry":
            assert [(e.row, e.value) for e in result.errors] == [(3, "MEK (acetona)")]


def test_a_substance_traded_only_as_a_solution_without_its_percentage_is_read_at_the_usual(
    make_csv, real_context
):
    # Hydrogen chloride is a gas: muriatic acid without a percentage is its ~33 % solution.
    rows = [HEADER, _declaration("Ácido muriático", "1000"),
            _declaration("Ácido clorhídrico", "200", "36"),
            ["LIC-1", "2025-03", "Compra", "06/03/2025", "Ácido muriático", "200", "L", ""]]
    result = read_file("declarations", make_csv(rows), filename="d.csv", context=real_context)

    assert result.errors == []
    assert result.records["concentration_pct"].tolist() == [33.0, 36.0, 33.0]
    assert result.records["quantity_kg"].tolist()[0] == pytest.approx(330.0)
    assert result.records["quantity_kg"].tolist()[2] == pytest.approx(200 * 1.1642 * 0.33,
                                                                      rel=0.01)
    assert [w for w in result.warnings if "without a concentration" in w] == [
        "2 row(s) without a concentration read as hydrochloric acid at 33 %, the solution it "
        "is traded as (it cannot be traded pure); write the concentration if it differs"]
