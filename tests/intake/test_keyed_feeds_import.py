"""Customs items: a re-sent item replaces the earlier one (kept, not current); same file twice."""

from __future__ import annotations

from sqlalchemy import select

from app.movements.models import CustomsItem
from tests.builders import write

HEADER = ("declaration_no;item_no;date;flow;hs_code;goods_description;net_mass_kg;"
          "trader_tax_id;partner_country")
FIRST = [
    "118-2025-10-000123;1;2025-03-04;import;2914.11.00;ACETONA GRADO TECNICO;16000;"
    "20100000001;US",
    "118-2025-10-000123;2;2025-03-04;import;3208.90.00;PINTURA;500;20100000001;US",
]
CORRECTED = [
    "118-2025-10-000123;1;2025-03-04;import;2914.11.00;ACETONA GRADO TECNICO;15000;"
    "20100000001;US",
]


def items(session) -> list[tuple]:
    """Return every stored customs item as comparable tuples."""
    rows = session.scalars(select(CustomsItem).order_by(CustomsItem.id)).all()
    return [(i.item_no, i.net_mass_kg, i.substance_code, i.is_current) for i in rows]


def test_a_corrected_item_replaces_the_earlier_and_both_stay(runner, db_session, tmp_path):
    first = write(tmp_path / "aduanas_marzo.csv", HEADER, FIRST)
    result = runner.invoke(args=["import", "customs", str(first)])
    assert result.exit_code == 0, result.output
    assert "read 2, stored 2, rejected 0" in result.output
    assert items(db_session) == [("1", 16000.0, "acetone", True), ("2", 500.0, None, True)]

    again = runner.invoke(args=["import", "customs", str(first)])
    assert "nothing new stored" in again.output
    assert len(items(db_session)) == 2

    corrected = write(tmp_path / "aduanas_marzo_rectificada.csv", HEADER, CORRECTED)
    result = runner.invoke(args=["import", "customs", str(corrected)])
    assert result.exit_code == 0, result.output
    assert "1 earlier customs items replaced" in result.output
    db_session.expire_all()
    assert items(db_session) == [
        ("1", 16000.0, "acetone", False),  # kept for the record, no longer used
        ("2", 500.0, None, True),
        ("1", 15000.0, "acetone", True),
    ]
