"""Time the correlation functions at the sizes the issue names, and pingouin's rm_corr against ours.

Run: ``python benchmarks/bench_correlation.py [--people N] [--days D] [--repeat R]``. Prints a markdown table
of seconds (best of ``--repeat`` runs), the peak memory each step allocates (tracemalloc, in a separate
untimed run) and the process's peak memory after each step (``ru_maxrss``: it only grows, so each row
includes the cohort built before it). Targets on a 2-core machine: ``rm_corr`` on
3.65 M rows under 1 s; ``within_person`` on 10,000 people × 365 days, every factor × 4 lags, under 10 s
(with the default person × weekday centring; ``weekday=False`` is timed too);
``correlate`` on one person × 2 years well under 2 s (shared with the count models).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
import warnings
from collections.abc import Callable

import pandas as pd

from spasmlog.analysis.correlation import correlate, rm_corr, within_person
from spasmlog.analysis.daily import daily_table, factor_columns
from spasmlog.simulate import simulate


def _peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # KiB on Linux


def _best(function: Callable[[], object], repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
    return best, result


def _allocated_gib(function: Callable[[], object]) -> float:
    """Peak of the memory the step itself allocates (numpy and Python objects), in an untimed run."""
    tracemalloc.start()
    function()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1024**3


def main(argv: list[str] | None = None) -> int:
    """Run every step once (best of ``--repeat``) and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--subset", type=int, default=200, help="people in the pingouin comparison")
    args = parser.parse_args(argv)
    rows: list[tuple[str, str, float, float, float]] = []

    started = time.perf_counter()
    cohort = daily_table(simulate(n_people=args.people, days=args.days, seed=args.seed).log)
    setup = time.perf_counter() - started
    rows.append(("simulate + daily_table (setup)", f"{len(cohort):,} person-days", setup, float("nan"), _peak_gib()))
    factors = factor_columns(cohort)

    def run_rm_corr() -> object:
        return rm_corr(cohort, x="water_ml", y="spasm_count", subject="person_id")

    seconds, _ = _best(run_rm_corr, args.repeat)
    rows.append(("rm_corr", f"{len(cohort):,} rows", seconds, _allocated_gib(run_rm_corr), _peak_gib()))

    for weekday in (True, False):  # person × weekday centring (the default), and person centring alone

        def run_within_person(weekday: bool = weekday) -> object:
            return within_person(cohort, weekday=weekday)

        seconds, result = _best(run_within_person, max(1, args.repeat - 1))
        assert isinstance(result, pd.DataFrame)
        rows.append(
            (
                f"within_person (all factors × lags 0–3, weekday={weekday})",
                f"{args.people:,} people × {args.days} days, {len(factors)} factors, {len(result)} rows",
                seconds,
                _allocated_gib(run_within_person),
                _peak_gib(),
            )
        )

    one = daily_table(simulate(n_people=1, days=730, start="2023-01-01", seed=args.seed).log)
    for method, weekday in (("spearman", True), ("pearson", True), ("spearman", False)):

        def run_correlate(method: str = method, weekday: bool = weekday) -> object:
            return correlate(one, method=method, weekday=weekday)  # type: ignore[arg-type]

        seconds, result = _best(run_correlate, 5 * args.repeat)
        assert isinstance(result, pd.DataFrame)
        size = f"1 person × 730 days, {len(result)} rows"
        allocated = _allocated_gib(run_correlate)
        name = f"correlate ({method}, all factors × lags 0–3, weekday={weekday})"
        rows.append((name, size, seconds, allocated, _peak_gib()))

    people = cohort["person_id"].unique()[: args.subset]
    subset = cohort.loc[cohort["person_id"].isin(people), ["person_id", "water_ml", "spasm_count"]]
    subset = subset.assign(person_id=subset["person_id"].astype(object))
    ours, _ = _best(lambda: rm_corr(subset, x="water_ml", y="spasm_count", subject="person_id"), 5 * args.repeat)
    rows.append(("rm_corr (subset)", f"{args.subset} people, {len(subset):,} rows", ours, float("nan"), _peak_gib()))
    try:
        import pingouin
    except ImportError:  # pingouin is a test-only dependency
        pingouin = None
    if pingouin is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pingouin 0.7's own pandas deprecation warnings
            theirs, _ = _best(
                lambda: pingouin.rm_corr(subset, x="water_ml", y="spasm_count", subject="person_id"), args.repeat
            )
        size = f"{args.subset} people, {len(subset):,} rows"
        rows.append(("pingouin.rm_corr (subset)", size, theirs, float("nan"), _peak_gib()))

    print("| step | size | seconds | allocated by the step (GiB) | process peak so far (GiB) |")
    print("|---|---|---:|---:|---:|")
    for name, size, secs, allocated, peak in rows:
        shown = "" if allocated != allocated else f"{allocated:.3f}"  # NaN: not measured
        print(f"| {name} | {size} | {secs:.3f} | {shown} | {peak:.2f} |")
    if pingouin is not None:
        print(f"\npingouin.rm_corr / spasmlog rm_corr on the same {args.subset} people: {theirs / ours:.0f}× slower")
    return 0


if __name__ == "__main__":
    sys.exit(main())
