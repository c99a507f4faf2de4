"""Growth benchmark (not a test): how intake and detection cost grow with the declaration lines.

    flock /tmp/vigia-bench.lock .venv/bin/python bench/bench_growth.py \\
        [--sizes 250000,500000,1000000,2000000,4000000] [--backends sqlite,postgresql] \\
        [--no-detect] [--plot-only] [--name vigia_bench_growth]

Each size is a number of declaration lines; the country of that size is the demo generator's
as `bench_country.py` makes it (seed 7, 24 months, quarterly layout), with the number of
operators that lands near it (`operators_for`), generated once into bench/out/country/.
For each size and backend, `bench_country.run` measures on fresh databases named `--name`:
one-command intake (seconds, peak MB) beside the raw pipeline, then `vigia detect` twice
(first run, refresh). Every record goes to bench/out/growth/results.jsonl (appended, with
the commit and the load average); from that file it prints a Markdown table and the slope
of log(seconds) against log(lines) per backend and measure (1.0 = linear, least squares),
and draws docs/benchmarks-growth.png. `--plot-only` rebuilds table and plot from the file.

The plot needs matplotlib, the `bench` extra, which `make install` does not install:

    .venv/bin/pip install -e '.[bench]'
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import subprocess
import sys
import time
from pathlib import Path

import bench_country

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "out" / "growth" / "results.jsonl"
PLOT = ROOT / "docs" / "benchmarks-growth.png"
SIZES = (250_000, 500_000, 1_000_000, 2_000_000, 4_000_000)
NAME = "vigia_bench_growth"
# Lines = 303.06 * operators - 5,461: fitted on the 1,000-operator (297,603 lines) and the
# 5,000-operator (1,509,858 lines) countries. Changing it changes the operator counts, so
# the countries already generated for the sizes would no longer be found.
LINES_PER_OPERATOR = 303.06
LINES_AT_NO_OPERATOR = -5_461
# (record's "what", its field, the column's heading): the columns of the table and the slopes.
MEASURES = (
    ("intake", "seconds", "intake s"),
    ("intake", "raw_seconds", "raw pipeline s"),
    ("intake", "peak_mb", "intake peak MB"),
    ("detect, first", "seconds", "detect s"),
    ("detect, first", "peak_mb", "detect peak MB"),
    ("detect, second", "seconds", "refresh s"),
    ("detect, second", "peak_mb", "refresh peak MB"),
)
# Slopes only: detection's own seconds inside its run, without the command's start-up
# (about 2 s, which flattens the wall-clock slope of small countries).
IN_RUN = (
    ("detect, first", "run_seconds", "detect s, in the run"),
    ("detect, second", "run_seconds", "refresh s, in the run"),
)
MATPLOTLIB_MISSING = ("matplotlib is not installed (it is the `bench` extra, which `make install` "
                      "leaves out): .venv/bin/pip install -e '.[bench]'")


def operators_for(lines: int) -> int:
    """Return the number of operators whose demo country has about that many lines."""
    return max(1, round((lines - LINES_AT_NO_OPERATOR) / LINES_PER_OPERATOR))


def provenance() -> dict:
    """Return the commit measured and whether the work tree had uncommitted changes."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True,
                              text=True).stdout.strip()

    return {"commit": git("rev-parse", "--short", "HEAD"),
            "dirty": bool(git("status", "--porcelain", "--untracked-files=no"))}


def measure(size: int, backend: str, *, detect: bool, name: str, results: Path) -> list[dict]:
    """Measure one size on one backend with bench_country; append the records; return them."""
    operators = operators_for(size)
    demo = bench_country.country(operators)
    records = bench_country.run(backend, demo, operators, 1, detect, name)
    lines = records[0]["lines"]  # the intake record: the raw pipeline's count of the files
    extra = {"size": size, "operators": operators, "country_lines": lines, **provenance(),
             "load_end": bench_country.load_average(),
             "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    records = [{**record, **extra} for record in records]
    results.parent.mkdir(parents=True, exist_ok=True)
    with results.open("a") as out:
        out.writelines(json.dumps(record) + "\n" for record in records)
    return records


def read_results(results: Path, sizes: list[int] | None = None) -> list[dict]:
    """Return the records of the results file (those of the sizes' countries, if given)."""
    if not results.exists():
        return []
    records = [json.loads(line) for line in results.read_text().splitlines() if line.strip()]
    if sizes is not None:
        wanted = {operators_for(size) for size in sizes}
        records = [r for r in records if r.get("operators") in wanted]
    return records


def latest(records: list[dict]) -> dict[tuple[str, int, str], dict]:
    """Return the last record of each (backend, operators, what): a later run replaces one."""
    return {(r["backend"], r["operators"], r["what"]): r for r in records}


def series(records: list[dict], backend: str, what: str, field: str) -> list[tuple[int, float]]:
    """Return (lines, value) of one measure on one backend, by growing lines."""
    points = [(r["country_lines"], r[field]) for (b, _, w), r in latest(records).items()
              if b == backend and w == what and r.get(field)]
    return sorted(points)


def slope(points: list[tuple[int, float]]) -> float | None:
    """Return the least-squares slope of log(value) on log(lines); None under two sizes."""
    if len({x for x, _ in points}) < 2:
        return None
    xs = [math.log(x) for x, _ in points]
    ys = [math.log(y) for _, y in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return (sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
            / sum((x - mx) ** 2 for x in xs))


def backends_of(records: list[dict]) -> list[str]:
    """Return the backends measured, in the order they first appear."""
    return list(dict.fromkeys(r["backend"] for r in records))


def table(records: list[dict]) -> str:
    """Return the Markdown table of the measures by backend and size, then the slopes."""
    by_key = latest(records)
    heads = ["backend", "operators", "lines", *(head for _, _, head in MEASURES),
             "load (intake / detect / refresh)", "commit"]
    rows = ["| " + " | ".join(heads) + " |", "|---|" + "---:|" * (len(heads) - 3) + "---|---|"]
    for backend in backends_of(records):
        for operators in sorted({o for b, o, _ in by_key if b == backend}):
            found = {w: r for (b, o, w), r in by_key.items() if b == backend and o == operators}
            first = next(iter(found.values()))
            cells = [backend, f"{operators:,}", f"{first['country_lines']:,}"]
            cells += [_number(found.get(what, {}).get(field)) for what, field, _ in MEASURES]
            cells.append(" / ".join(str(found[w]["load"]) if w in found else "–"
                                    for w in ("intake", "detect, first", "detect, second")))
            cells.append(first["commit"] + ("+" if first.get("dirty") else ""))
            rows.append("| " + " | ".join(cells) + " |")
    backends = backends_of(records)
    rows += ["", "Slope of log(value) on log(lines), least squares (1.0 = linear):", "",
             "| measure | " + " | ".join(backends) + " |",
             "|---|" + "---:|" * len(backends)]
    for what, field, head in (*MEASURES, *IN_RUN):
        slopes = [slope(series(records, backend, what, field)) for backend in backends]
        rows.append(f"| {head} | " + " | ".join("–" if s is None else f"{s:.2f}"
                                                  for s in slopes) + " |")
    return "\n".join(rows)


def _number(value: float | None) -> str:
    """Return a measure as the table shows it."""
    if value is None:
        return "–"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def plot(records: list[dict], path: Path) -> None:
    """Draw seconds (log-log) and peak memory against lines per backend into a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, NullFormatter, ScalarFormatter

    figure, (seconds_axis, memory_axis) = plt.subplots(1, 2, figsize=(13, 5.5))
    styles = {"intake": ("-", "o"), "detect, first": ("--", "s"), "detect, second": (":", "^")}
    labels = {"intake": "intake", "detect, first": "detect", "detect, second": "refresh"}
    colours = {"sqlite": "tab:blue", "postgresql": "tab:orange"}
    for backend in backends_of(records):
        colour = colours.get(backend)
        for what, (line, marker) in styles.items():
            for axis, field in ((seconds_axis, "seconds"), (memory_axis, "peak_mb")):
                points = series(records, backend, what, field)
                if not points:
                    continue
                fitted = slope(points)
                label = f"{labels[what]}, {backend}"
                if fitted is not None:
                    label += f" (slope {fitted:.2f})"
                axis.plot(*zip(*points, strict=True), line, marker=marker, color=colour,
                          label=label)
    _linear_guide(seconds_axis, records)
    lines_label = FuncFormatter(lambda x, _: f"{x / 1e6:.3g}M" if x >= 1e6 else f"{x / 1e3:.3g}k")
    measured = sorted({r["country_lines"] for r in records})
    for axis in (seconds_axis, memory_axis):
        axis.set_xscale("log")
        axis.set_xticks(measured)  # the countries' own line counts, not the decades
        axis.xaxis.set_major_formatter(lines_label)
        axis.xaxis.set_minor_formatter(NullFormatter())
        axis.set_xlabel("declaration lines")
        axis.grid(True, which="both", alpha=0.3)
        axis.legend(fontsize=8)
    seconds_axis.set_yscale("log")
    seconds_axis.yaxis.set_major_formatter(ScalarFormatter())
    seconds_axis.yaxis.set_minor_formatter(FuncFormatter(lambda y, _: f"{y:g}"))
    seconds_axis.set_ylabel("wall seconds (log)")
    seconds_axis.set_title("Time: slope of the log-log line, 1.0 = linear")
    memory_axis.set_ylabel("peak resident memory, MB")
    memory_axis.set_ylim(bottom=0)
    memory_axis.set_title("Peak memory")
    commits = ", ".join(sorted({r["commit"] + ("+" if r.get("dirty") else "")
                                for r in records}))
    figure.suptitle(f"Vigía: how cost grows with the declaration lines (commit {commits})")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)


def _linear_guide(axis, records: list[dict]) -> None:
    """Draw a grey slope-1 line through the smallest intake, to read the slopes against."""
    starts = [p for b in backends_of(records) for p in series(records, b, "intake", "seconds")]
    if len({x for x, _ in starts}) < 2:
        return
    x0, y0 = min(starts)
    x1 = max(x for x, _ in starts)
    axis.plot([x0, x1], [y0, y0 * x1 / x0], color="grey", linewidth=0.8, alpha=0.6,
              label="linear (slope 1)")


def main() -> None:
    """Measure each size on each backend (unless --plot-only); print the table; draw the plot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)),
                        help="declaration lines of each country (default %(default)s)")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--no-detect", action="store_true")
    parser.add_argument("--plot-only", action="store_true",
                        help="rebuild table and plot from the results file, measure nothing")
    parser.add_argument("--name", default=NAME,
                        help="name of the databases it recreates (default %(default)s)")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--plot", type=Path, default=PLOT)
    args = parser.parse_args()
    sizes = [int(size.replace("_", "")) for size in args.sizes.split(",")]
    if importlib.util.find_spec("matplotlib") is None:  # known before hours of measuring
        raise SystemExit(MATPLOTLIB_MISSING)
    if not args.plot_only:
        for size in sizes:
            for backend in args.backends.split(","):
                print(f"{size:,} lines ({operators_for(size):,} operators), {backend}, load "
                      f"{bench_country.load_average()}", file=sys.stderr, flush=True)
                measure(size, backend, detect=not args.no_detect, name=args.name,
                        results=args.results)
    records = read_results(args.results, sizes)
    if not records:
        raise SystemExit(f"no records of those sizes in {args.results}")
    print(table(records))
    plot(records, args.plot)
    print(f"\nplot: {args.plot}; results: {args.results}")


if __name__ == "__main__":
    main()
