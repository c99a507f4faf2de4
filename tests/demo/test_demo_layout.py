"""The quarterly layout: the same declaration lines, grouped into fewer, larger files."""

from __future__ import annotations

import pandas as pd
import pytest

from demo import generate_country
from demo.readback import read_declarations

SETTINGS = {"operators": 40, "months": 12, "seed": 11}


def _lines(country) -> pd.DataFrame:
    """Return every declaration line of a country's files, in one stable order."""
    frames = [read_declarations(p).drop(columns=["file", "row"], errors="ignore")
              for p in country.declarations]
    lines = pd.concat(frames, ignore_index=True).astype(str)
    return lines.sort_values(list(lines.columns), kind="stable").reset_index(drop=True)


def test_quarterly_files_hold_the_monthly_lines(tmp_path):
    """Only the ERP habit stays monthly; every line is written once, as in the monthly files."""
    monthly = generate_country(tmp_path / "monthly", **SETTINGS)
    quarterly = generate_country(tmp_path / "quarterly", layout="quarterly", **SETTINGS)
    names = [p.name for p in quarterly.declarations if "rectificacion" not in p.name]
    periods = quarterly.expectations()["periods"]
    for name in names:
        if "erp_en" in name:
            assert name[:7] in periods and name[7:] == "_erp_en.csv"
        else:  # a quarter: its first and last month, at most three months apart
            first, last = periods.index(name[:7]), periods.index(name[8:15])
            assert first % 3 == 0 and last - first == min(2, len(periods) - 1 - first)
    assert len(quarterly.declarations) < len(monthly.declarations)
    pd.testing.assert_frame_equal(_lines(monthly), _lines(quarterly))
    for entry in quarterly.expectations()["amendments"]:
        assert (quarterly.out_dir / entry["replaces"]).is_file()


def test_unknown_layout_is_refused(tmp_path):
    """A layout name the generator does not know fails with the names it does."""
    with pytest.raises(ValueError, match="monthly, quarterly"):
        generate_country(tmp_path, layout="weekly", **SETTINGS)
