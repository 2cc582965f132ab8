"""Time ``simulate`` on a cohort: 10,000 people over a year (about 3.5 M daily rows and 5 M spasms).

Run: ``python benchmarks/bench_simulate.py [--people N] [--days D]``. Prints rows, seconds and peak memory.
The issue's target is under a minute on a 2-core machine.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

from spasmlog.simulate import simulate


def main(argv: list[str] | None = None) -> int:
    """Simulate once and print what it took."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    sim = simulate(n_people=args.people, days=args.days, seed=args.seed)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux

    log = sim.log
    print(f"simulate(n_people={args.people:,}, days={args.days}, seed={args.seed})")
    for table in ("daily", "spasms", "interventions", "people"):
        print(f"  {table:<14} {len(log.table(table)):>12,} rows")
    print(f"  {'rates':<14} {len(sim.rates):>12,} rows")
    print(f"  seconds        {seconds:>12.1f}")
    print(f"  peak memory    {peak / 1024**2:>12.2f} GiB (before: {before / 1024**2:.2f} GiB)")
    print(f"  spasms per logged day: {len(log.spasms) / len(log.daily):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
