"""Benchmark: ``caseload_summary`` on a simulated cohort (issue 9's budget: 20 s for 2,000 people × 365 days).

Measures, in one process on the same cohort, ``caseload_summary`` as a user calls it (its defaults: above
``SEARCH_UP_TO`` people the per-person association searches are left out), and ``within_person`` for every
factor × 4 lags (the reference), and prints the seconds and their ratios. It also times the per-person
search (``associations=True``) on the first ``--search-people`` people and gives its cost per person, so
the figure for a caseload (searched by default) and for a cohort that asks for it can be read off.
``--profile`` adds where the search's time goes.

Usage: ``python benchmarks/bench_caseload.py [--people N] [--days D] [--search-people M] [--profile]``
"""

from __future__ import annotations

import argparse
import cProfile
import os
import platform
import pstats
import time
from collections.abc import Callable
from typing import Any

BUDGET = 20.0


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--search-people", type=int, default=50, help="people timed with associations=True")
    parser.add_argument("--profile", action="store_true", help="print the 15 most expensive calls")
    args = parser.parse_args()

    import spasmlog

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    daily = spasmlog.daily_table(spasmlog.simulate(args.people, args.days, seed=7).log)
    print(f"cohort: {daily['person_id'].nunique():,} people, {len(daily):,} person-days")
    spasmlog.caseload_summary(daily.head(2 * args.days), factors=[])  # imports and first-call set-up
    within, _ = timed(lambda: spasmlog.within_person(daily))
    full, summary = timed(lambda: spasmlog.caseload_summary(daily))
    few = daily[daily["person_id"].isin(daily["person_id"].drop_duplicates().head(args.search_people))]
    profile = cProfile.Profile() if args.profile else None
    if profile is not None:
        profile.enable()
    searched, found = timed(lambda: spasmlog.caseload_summary(few, associations=True))
    if profile is not None:
        profile.disable()
    per_person = searched / few["person_id"].nunique()
    verdict = "within budget" if full < BUDGET else "OVER BUDGET"
    print("| step | seconds | × within_person |\n|---|---|---|")
    print(f"| within_person, every factor × 4 lags | {within:.2f} | 1 |")
    print(
        f"| caseload_summary(daily) (defaults: {summary.attrs['associations'][:40]}…) | {full:.2f} | "
        f"{full / within:.2f} |"
    )
    print(
        f"| caseload_summary(first {few['person_id'].nunique()}, associations=True) | {searched:.2f} | "
        f"{per_person:.3f} s a person |"
    )
    print(f"caseload_summary with defaults: {full:.2f} s for {args.people:,} people ({verdict}: {BUDGET:g} s)")
    print(
        f"searching every person would take about {per_person * args.people:.0f} s "
        f"({int(found['strongest_factor'].notna().sum())} of {few['person_id'].nunique()} with a finding)"
    )
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    if profile is not None:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(15)


if __name__ == "__main__":
    main()
