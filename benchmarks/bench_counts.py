"""Time the count models: one person over two years, and one GEE on a simulated cohort.

Run: ``python benchmarks/bench_counts.py [--people N] [--days D] [--repeat R] [--statsmodels-people M]``.

1. ``alex`` (one person, 730 days, bundled sample): ``rate_ratios`` for every built-in factor × lags 0–3 and
   ``intervention_effect`` for every intervention. The issue's target: ``correlate`` + ``rate_ratios`` +
   ``intervention_effect`` under 2 s together. Also ``rate_ratios`` on a short diary (one simulated person,
   120 days) and for 100 such people with ``person="person_id"``: the small-sample inference (Satterthwaite
   degrees of freedom of every coefficient's HAC variance) must stay cheap.
2. A cohort from the simulator (default 10,000 people × 365 days): one multivariable ``cohort_model``
   (negative-binomial GEE, exchangeable and AR(1)). Target: under 60 s and 8 GiB.
3. For comparison, ``statsmodels``' GEE (a Python loop over clusters) on the first M people of that cohort,
   with the same design, and the ratio of its time to ours on the same rows (median of 3 runs each).

Prints a markdown table: seconds (median of ``--repeat`` runs for the small steps, one run for the large
ones) and the peak memory allocated during one more run of the step (``tracemalloc``: Python and numpy
allocations), and the process's peak resident memory (which includes simulating the cohort).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import statsmodels.api as sm

from spasmlog.analysis.cohort import cohort_model
from spasmlog.analysis.daily import daily_table
from spasmlog.analysis.interventions import intervention_effect
from spasmlog.analysis.rates import rate_ratios
from spasmlog.samples import load_sample
from spasmlog.simulate import simulate
from spasmlog.stats.gee import gee

COHORT_FACTORS = ["water_ml", "exercise_min", "sitting_h", "stress", "alcohol_g", "sleep_h"]
COHORT_LAGS = (0, 1)


def measure(step: Callable[[], Any], repeat: int = 1, *, memory: bool = True) -> tuple[float, float, Any]:
    """Median seconds over ``repeat`` untraced runs, then peak MiB allocated during one more, traced, run."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = step()
        times.append(time.perf_counter() - started)
    peak = float("nan")
    if memory:  # tracemalloc slows Python-heavy code: it is on only for this extra run
        tracemalloc.start()
        step()
        peak = tracemalloc.get_traced_memory()[1] / 1024**2
        tracemalloc.stop()
    return statistics.median(times), peak, result


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--statsmodels-people", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    rows: list[tuple[str, str, float, float]] = []

    daily = daily_table(load_sample("alex"))
    seconds, peak, table = measure(lambda: rate_ratios(daily), args.repeat)
    size = f"730 days, {table['factor'].nunique()} factors × 4 lags ({len(table)} rows)"
    rows.append(("rate_ratios (alex)", size, seconds, peak))
    seconds, peak, table = measure(lambda: intervention_effect(daily), args.repeat)
    rows.append(("intervention_effect (alex)", f"730 days, {len(table)} interventions", seconds, peak))
    rows.append(("rate_ratios + intervention_effect", "", rows[0][2] + rows[1][2], max(rows[0][3], rows[1][3])))
    short = daily_table(simulate(n_people=100, days=120, seed=args.seed, effects=[], start="2024-01-01").log)
    first = short[short["person_id"] == short["person_id"].iloc[0]]
    seconds, peak, table = measure(lambda: rate_ratios(first), args.repeat)
    rows.append(("rate_ratios (one person, 120 days)", f"{table['factor'].nunique()} factors × 4 lags", seconds, peak))
    seconds, peak, table = measure(lambda: rate_ratios(short, person="person_id"), 1)
    rows.append(("rate_ratios (100 people × 120 days, by person)", f"{len(table):,} rows", seconds, peak))

    started = time.perf_counter()
    sim = simulate(n_people=args.people, days=args.days, seed=args.seed)
    cohort = daily_table(sim.log)
    del sim
    setup = time.perf_counter() - started
    rows.append(("simulate + daily_table (setup)", f"{len(cohort):,} person-days", setup, float("nan")))
    terms = f"{len(COHORT_FACTORS)} factors × {len(COHORT_LAGS)} lags + weekday"
    for correlation in ("exchangeable", "ar1"):
        seconds, peak, result = measure(
            lambda c=correlation: cohort_model(cohort, factors=COHORT_FACTORS, lags=COHORT_LAGS, correlation=c)
        )
        label = f"{int(result['n'].iloc[0]):,} rows used, {int(result['subjects'].iloc[0]):,} people; {terms}"
        rows.append((f"cohort_model (GEE NB, {correlation})", label, seconds, peak))

    # statsmodels' GEE on a subset, the same design as cohort_model builds (centred factors, weekday)
    people = cohort["person_id"].drop_duplicates().iloc[: args.statsmodels_people]
    subset = cohort[cohort["person_id"].isin(people)].reset_index(drop=True)
    design, counts, groups = _design(subset)
    family = sm.families.NegativeBinomial(alpha=1.0)
    model = sm.GEE(counts, design, groups=groups, family=family, cov_struct=sm.cov_struct.Exchangeable())
    theirs, _, fitted = measure(lambda: model.fit(ctol=1e-10, maxiter=100), 3, memory=False)
    ours, _, mine = measure(
        lambda: gee(design, counts, groups, family="negative_binomial", dispersion=1.0), 3, memory=False
    )
    gap = float(np.abs(np.asarray(fitted.params) - mine.params.to_numpy()).max())
    label = f"{len(counts):,} rows, {len(people)} people (max |Δβ| = {gap:.1e})"
    rows.append(("statsmodels GEE (NB α=1, exchangeable)", label, theirs, float("nan")))
    rows.append(("spasmlog gee, same data", f"{theirs / ours:.0f}× faster", ours, float("nan")))

    print("| step | size | seconds | peak MiB |")
    print("|---|---|---:|---:|")
    for step, size, seconds, peak in rows:
        shown = "" if np.isnan(peak) else f"{peak:,.0f}"
        print(f"| {step} | {size} | {seconds:.3f} | {shown} |")
    print(f"\nprocess peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2:.2f} GiB")
    return 0


def _design(frame: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows and columns cohort_model would use, for a statsmodels comparison."""
    columns = {}
    for factor in COHORT_FACTORS:
        for lag in COHORT_LAGS:
            shifted = frame.groupby("person_id", sort=False)[factor].shift(lag)
            columns[f"{factor}_{lag}"] = shifted.to_numpy(dtype=np.float64)
    matrix = np.column_stack(list(columns.values()))
    counts = frame["spasm_count"].to_numpy(dtype=np.float64)
    groups = frame["person_id"].to_numpy()
    used = np.isfinite(counts) & np.isfinite(matrix).all(1)
    matrix, counts, groups = matrix[used], counts[used], groups[used]
    codes = np.unique(groups, return_inverse=True)[1]
    means = np.column_stack([np.bincount(codes, weights=c) / np.bincount(codes) for c in matrix.T])
    matrix = matrix - means[codes]
    weekday = frame["date"].dt.day_of_week.to_numpy()[used]
    dummies = (weekday[:, None] == np.arange(1, 7)[None, :]).astype(np.float64)
    return np.column_stack([np.ones(len(counts)), dummies, matrix]), counts, groups


if __name__ == "__main__":
    sys.exit(main())
