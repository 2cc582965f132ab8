"""Benchmark: issue 3's statistics budgets, measured in one process on this machine.

- one person over two years (the ``alex`` sample), every built-in factor x 4 lags:
  ``correlate`` + ``rate_ratios`` + ``intervention_effect`` together (budget 2 s);
- a simulated cohort of 10,000 people x 365 days (3.65 M person-days): ``daily_table`` (30 s),
  ``within_person`` for every factor x 4 lags (10 s), one multivariable ``cohort_model`` (GEE, 60 s),
  ``rm_corr`` on 3.65 M rows (1 s); peak memory of the whole process (8 GiB);
- ``pingouin.rm_corr`` against ``spasmlog.rm_corr`` on a 200-person subset (the ratio).

Usage: ``python benchmarks/bench_analysis.py [--people N] [--days D]``
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import time
from collections.abc import Callable
from typing import Any

import numpy as np


def timed(label: str, budget: float | None, function: Callable[[], Any], rows: list[str]) -> Any:
    start = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - start
    verdict = "" if budget is None else ("within budget" if seconds < budget else "OVER BUDGET")
    rows.append(f"| {label} | {seconds:.2f} | {'' if budget is None else f'{budget:g}'} | {verdict} |")
    print(rows[-1], flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()

    import spasmlog

    rows: list[str] = []
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print("| step | seconds | budget (s) | |\n|---|---|---|---|")
    alex = spasmlog.daily_table(spasmlog.load_sample("alex"))

    def one_person() -> None:
        spasmlog.correlate(alex)
        spasmlog.rate_ratios(alex)
        spasmlog.intervention_effect(alex)

    one_person()  # first calls import and compile; the budget is for the analysis
    timed("alex, 730 days: correlate + rate_ratios + intervention_effect", 2, one_person, rows)

    log = spasmlog.simulate(args.people, args.days, seed=7, missing_day_rate=0.0).log
    cohort = timed("cohort: daily_table", 30, lambda: spasmlog.daily_table(log), rows)
    print(f"cohort daily table: {len(cohort):,} person-days, {cohort['person_id'].nunique():,} people")
    timed("cohort: within_person, every factor x 4 lags", 10, lambda: spasmlog.within_person(cohort), rows)
    factors = ["water_ml", "exercise_min", "sitting_h", "stress", "sleep_h", "caffeine_mg"]
    timed(
        f"cohort: cohort_model (GEE NB exchangeable, {len(factors)} factors x lags 0-1)",
        60,
        lambda: spasmlog.cohort_model(cohort, factors=factors, lags=(0, 1)),
        rows,
    )
    timed(
        "cohort: rm_corr on every person-day",
        1,
        lambda: spasmlog.rm_corr(cohort, x="water_ml", y="spasm_count", subject="person_id"),
        rows,
    )
    people = cohort["person_id"].unique()[:200]
    subset = cohort[cohort["person_id"].isin(people)].dropna(subset=["water_ml", "spasm_count"])
    ours = timed(
        "200 people: spasmlog.rm_corr",
        None,
        lambda: spasmlog.rm_corr(subset, x="water_ml", y="spasm_count", subject="person_id"),
        rows,
    )
    try:
        import pingouin
    except ImportError:
        print("pingouin is not installed (it is a test extra): no comparison")
    else:
        start = time.perf_counter()
        theirs = pingouin.rm_corr(data=subset, x="water_ml", y="spasm_count", subject="person_id")
        pingouin_seconds = time.perf_counter() - start
        start = time.perf_counter()
        spasmlog.rm_corr(subset, x="water_ml", y="spasm_count", subject="person_id")
        ours_seconds = time.perf_counter() - start
        assert np.isclose(float(theirs["r"].iloc[0]), float(ours["r"].iloc[0]), atol=1e-8)
        print(
            f"| 200 people: pingouin.rm_corr | {pingouin_seconds:.3f} | | "
            f"{pingouin_seconds / ours_seconds:,.0f} x spasmlog's time, same r |"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"\npeak memory of the whole process: {peak:.2f} GiB (budget 8 GiB)")


if __name__ == "__main__":
    main()
