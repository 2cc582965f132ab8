"""Benchmark: validating a cohort-sized log (issue 2's budget: under 30 s and 6 GiB peak).

A simulated cohort (default 10,000 people x 365 days, every day logged: 3.65 M daily rows, about 5 M
spasm rows) is written once as CSV and Parquet. Each measurement then runs in a fresh Python process,
so its peak memory (``ru_maxrss``) is its own:

- ``validate``: ``spasmlog.validate_tables`` on typed frames already in memory (loading excluded);
- ``read parquet``: ``spasmlog.read_log`` on the Parquet folder (loading included);
- ``read csv``: ``spasmlog.read_log`` on the CSV folder (reading and parsing text included).

Usage: ``python benchmarks/bench_validate.py [--people N] [--days D] [--keep DIR]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
import pandas as pd
import spasmlog
mode, folder = sys.argv[1], sys.argv[2]
if mode == "validate":
    tables = {t: pd.read_parquet(f"{folder}/parquet/{t}.parquet") for t in ("daily", "spasms")}
    start = time.perf_counter()
    log = spasmlog.validate_tables(tables, errors="quarantine")
else:
    start = time.perf_counter()
    log = spasmlog.read_log(f"{folder}/{mode}", errors="quarantine")
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "peak_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
                  "daily": len(log.daily), "spasms": len(log.spasms), "quarantined": len(log.quarantine)}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--keep", type=Path, help="folder to keep the generated files in")
    args = parser.parse_args()

    import spasmlog

    folder = args.keep or Path(tempfile.mkdtemp(prefix="spasmlog-bench-"))
    start = time.perf_counter()
    simulation = spasmlog.simulate(args.people, args.days, start="2025-01-01", seed=1, missing_day_rate=0.0)
    log = simulation.log
    log.daily = log.daily.sort_values(["person_id", "date"], ignore_index=True)
    print(
        f"simulated {len(log.daily):,} daily and {len(log.spasms):,} spasm rows in {time.perf_counter() - start:.1f} s"
    )
    for form in ("parquet", "csv"):
        start = time.perf_counter()
        log.write(folder / form, format=form)
        size = sum(p.stat().st_size for p in (folder / form).iterdir()) / 2**20
        print(f"wrote {form}: {size:,.0f} MiB in {time.perf_counter() - start:.1f} s")
    del simulation, log

    print(f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print("| measurement | seconds | peak memory (GiB) | daily rows | spasm rows | quarantined |")
    print("|---|---|---|---|---|---|")
    for mode in ("validate", "parquet", "csv"):
        result = subprocess.run(
            [sys.executable, "-c", CHILD, mode, str(folder)], capture_output=True, text=True, check=True
        )
        figures = json.loads(result.stdout.strip().splitlines()[-1])
        label = {"validate": "validate_tables (in memory)", "parquet": "read_log parquet", "csv": "read_log csv"}
        print(
            f"| {label[mode]} | {figures['seconds']:.1f} | {figures['peak_gib']:.2f} | {figures['daily']:,} "
            f"| {figures['spasms']:,} | {figures['quarantined']} |"
        )


if __name__ == "__main__":
    main()
