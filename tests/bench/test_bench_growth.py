"""The growth benchmark's arithmetic: operator counts, slopes, the table and the plot."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

# bench/ is a folder of scripts, not a package: its modules import each other by name.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import bench_growth


def records_of(backend: str, points: dict[int, float], *, commit: str = "abc1234") -> list[dict]:
    """Build the intake and detection records of one backend, seconds = lines / 1,000."""
    records = []
    for lines, seconds in points.items():
        common = {"backend": backend, "operators": lines // 300, "country_lines": lines,
                  "load": "1.0", "commit": commit, "dirty": False}
        records += [
            {**common, "what": "intake", "seconds": seconds, "raw_seconds": seconds / 4,
             "peak_mb": 500},
            {**common, "what": "detect, first", "seconds": 2 * seconds, "peak_mb": lines / 1000,
             "run_seconds": 2 * seconds - 2},
            {**common, "what": "detect, second", "seconds": 3 * seconds, "peak_mb": 700,
             "run_seconds": 3 * seconds - 2},
        ]
    return records


def test_the_sizes_keep_the_operator_counts_of_the_countries_generated_for_them():
    """Changing the fit would miss the countries already in bench/out/country/."""
    assert [bench_growth.operators_for(s) for s in bench_growth.SIZES] == [
        843, 1668, 3318, 6617, 13217]


def test_slope_is_one_when_cost_grows_as_the_lines_and_two_when_as_their_square():
    """The slope is the exponent of a power law: 1.0 is linear."""
    linear = [(n, n / 1000) for n in (250_000, 500_000, 1_000_000, 4_000_000)]
    square = [(n, (n / 1000) ** 2) for n, _ in linear]
    assert bench_growth.slope(linear) == pytest.approx(1.0)
    assert bench_growth.slope(square) == pytest.approx(2.0)
    assert bench_growth.slope(linear[:1]) is None


def test_table_has_a_row_per_backend_and_size_and_a_slope_per_measure():
    """The table shows each measure and its slope per backend; a later run replaces one."""
    sizes = {300_000: 300.0, 600_000: 600.0, 1_200_000: 1_200.0}
    older = records_of("sqlite", {300_000: 999.0}, commit="0000000")
    records = older + records_of("sqlite", sizes) + records_of("postgresql", sizes)
    text = bench_growth.table(records)
    assert "| sqlite | 1,000 | 300,000 | 300 | 75.0 | 500 | 600 |" in text
    assert "999" not in text
    slopes = {line.split(" | ")[0].lstrip("| "): line for line in text.splitlines()}
    assert slopes["intake s"] == "| intake s | 1.00 | 1.00 |"
    assert slopes["intake peak MB"] == "| intake peak MB | 0.00 | 0.00 |"
    assert slopes["detect peak MB"] == "| detect peak MB | 1.00 | 1.00 |"


def test_results_of_other_sizes_are_left_out(tmp_path):
    """Only the countries of the sizes asked for reach the table."""
    results = tmp_path / "results.jsonl"
    tiny = records_of("sqlite", {20_000: 3.0})
    for record in tiny:
        record["operators"] = bench_growth.operators_for(20_000)
    results.write_text("".join(json.dumps(r) + "\n" for r in tiny))
    assert len(bench_growth.read_results(results, [20_000])) == 3
    assert bench_growth.read_results(results, [250_000]) == []


def test_plot_writes_a_png(tmp_path):
    """Both panels draw from the records (needs the `bench` extra)."""
    pytest.importorskip("matplotlib")
    path = tmp_path / "growth.png"
    bench_growth.plot(records_of("sqlite", {300_000: 300.0, 600_000: 650.0}), path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
