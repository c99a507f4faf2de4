"""A declaration as an office really keeps it, through `vigia import` into the database."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.intake.models import ImportBatch
from app.movements.models import DeclarationLine

LINES = [
    "QUIMICA ANDINA S.A.C.;;;;;;;;",
    "Declaración mensual de Insumos Químicos - Enero 2025;;;;;;;;",
    ";;;;;;;;",
    "Nro. de Licencia;Periodo;Tipo de Movimiento;Fecha Operación;Descripción del Insumo;"
    "Cant.;U.M.;Pureza;Forma de Pago;",
    "LIC-001;01/2025;Saldo Inicial;01/01/2025;ACETONA;1.234,50;KG;0,99;;",
    "LIC-001;01/2025;Compra Local;10/01/2025;Tolueno;10;galones;1;Yape;",
    "LIC-001;01/2025;Devolución;12/01/2025;Tolueno;2;galones;1;;",
    "TOTAL;;;;;1.246,5;;;;",
]


def test_an_office_file_stores_its_movements_and_names_what_it_skipped(
        runner, db_session, registered, tmp_path):
    path = tmp_path / "enero.csv"
    path.write_bytes(("\r\n".join(LINES) + "\r\n").encode("cp1252"))
    result = runner.invoke(args=["import", "declarations", str(path)])
    assert result.exit_code == 0, result.output
    assert "read 3, stored 2, rejected 1" in result.output
    assert "row 8: a totals row ('TOTAL')" in result.output
    assert "column 'Pureza' holds fractions (0.98 for 98 %)" in result.output
    assert "a return is not a movement of its own" in result.output
    lines = db_session.scalars(select(DeclarationLine).order_by(DeclarationLine.source_row)).all()
    assert [(x.source_row, x.movement, x.unit, x.concentration_pct) for x in lines] == [
        (5, "opening_stock", "kg", 99.0), (6, "purchase", "gal", 100.0)
    ]
    assert lines[0].quantity_kg == pytest.approx(1234.5 * 0.99)
    assert lines[1].quantity_kg == pytest.approx(10 * 3.785411784 * 0.867, rel=1e-3)
    batch = db_session.scalars(
        select(ImportBatch).where(ImportBatch.feed == "declarations")).one()
    assert (batch.rows_read, batch.rows_stored, batch.rows_rejected) == (3, 2, 1)
