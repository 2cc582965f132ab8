"""Benchmark: a simulated cohort analysed person by person on Spark (``local[2]``) against the one-machine path.

Both paths start from the same Parquet tables (written once from :func:`spasmlog.simulate`) and do the same
work: validation (problems and quarantine), the daily table and :func:`spasmlog.rate_ratios` for every person
(``--factors`` × lags 0–3). One machine: ``pandas.read_parquet`` → :func:`spasmlog.validate_tables` →
:func:`spasmlog.daily_table` → ``rate_ratios(person="person_id")``. Spark: :func:`spasmlog.spark.per_person`
(validation, daily table and rate ratios in one grouped map), written to Spark's ``noop`` sink so that every
row is computed and none is collected. Each path runs in a fresh Python process, which reports its wall time,
its CPU time (its own and, for Spark, that of the JVM and Python workers it started and waited for) and its
peak memory (``resource.getrusage``: the process's maximum resident set; for Spark the driver's Python process,
and the JVM's apart).

It prints people per second of each (wall and CPU), their ratio, the peak memory, and an estimate on paper of
the wall time for 500,000 people on a 50-executor cluster, from the CPU seconds per person measured here.

Needs pyspark (``make bench-spark`` runs it in ``.venv-spark``). Usage:
``python benchmarks/bench_spark.py [--people N] [--days D] [--factors water_ml,sitting_h,stress]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TABLES = ("daily", "spasms", "interventions", "people")
LAGS = (0, 1, 2, 3)


def _usage() -> dict[str, float]:
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "cpu_self": me.ru_utime + me.ru_stime,
        "cpu_children": children.ru_utime + children.ru_stime,
        "rss_self_mb": me.ru_maxrss / 1024,
        "rss_children_mb": children.ru_maxrss / 1024,
    }


def run_local(folder: Path, factors: list[str]) -> dict[str, Any]:
    import pandas as pd

    import spasmlog

    start, before = time.perf_counter(), _usage()
    tables = {name: pd.read_parquet(folder / f"{name}.parquet") for name in TABLES}
    log = spasmlog.validate_tables(tables, errors="quarantine")
    daily = spasmlog.daily_table(log)
    rows = spasmlog.rate_ratios(daily, factors=factors, lags=LAGS, person="person_id")
    wall, after = time.perf_counter() - start, _usage()
    return {
        "wall": wall,
        "cpu": after["cpu_self"] - before["cpu_self"],
        "rss_mb": after["rss_self_mb"],
        "rows": len(rows),
        "problems": len(log.problems),
    }


def run_spark(folder: Path, factors: list[str], master: str) -> dict[str, Any]:
    import spasmlog.spark as spark_module

    start, before = time.perf_counter(), _usage()
    spark = spark_module.session(master, config={"spark.driver.memory": "2g"})
    ready = time.perf_counter()
    tables = {name: str(folder / f"{name}.parquet") for name in TABLES}
    rows = spark_module.per_person(tables, factors=factors, lags=LAGS, spark=spark)
    rows.write.format("noop").mode("overwrite").save()
    count = rows.count()  # computed again: the count of the rows written (a second pass, not timed)
    done = time.perf_counter()
    spark.stop()
    time.sleep(2)  # the JVM exits and is waited for: its CPU time (and its workers') then counts as children's
    after = _usage()
    return {
        "wall": done - ready,
        "startup": ready - start,
        "cpu": (after["cpu_self"] - before["cpu_self"]) + (after["cpu_children"] - before["cpu_children"]),
        "rss_mb": after["rss_self_mb"],
        "jvm_rss_mb": after["rss_children_mb"],
        "rows": count,
    }


def _child(part: str, folder: Path, args: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, __file__, "--part", part, "--folder", str(folder), "--factors", args.factors]
    command += ["--master", args.master]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"the {part} run failed:\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--factors", default="water_ml,sitting_h,stress", help="comma-separated factors")
    parser.add_argument("--master", default="local[2]")
    parser.add_argument("--part", choices=["local", "spark"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    factors = [f for f in args.factors.split(",") if f]

    if args.part is not None:  # a child: one path, its figures as one line of JSON
        folder = Path(args.folder)
        result = run_local(folder, factors) if args.part == "local" else run_spark(folder, factors, args.master)
        print(json.dumps(result))
        return

    import spasmlog

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        log = spasmlog.simulate(args.people, args.days, seed=11).log
        for name in TABLES:
            log.table(name).to_parquet(folder / f"{name}.parquet", index=False)
        print(f"cohort: {args.people:,} people × {args.days} days ({len(log.daily):,} daily rows, "
              f"{len(log.spasms):,} spasms); rate_ratios of {factors} at lags {list(LAGS)}")  # fmt: skip
        local = _child("local", folder, args)
        spark = _child("spark", folder, args)
    people = args.people
    print("| path | wall s | people/s (wall) | CPU s | people/s (CPU) | peak memory |\n|---|---|---|---|---|---|")
    print(f"| one machine | {local['wall']:.1f} | {people / local['wall']:.1f} | {local['cpu']:.1f} | "
          f"{people / local['cpu']:.1f} | {local['rss_mb']:.0f} MB |")  # fmt: skip
    print(f"| Spark {args.master} | {spark['wall']:.1f} (+{spark['startup']:.0f} s start) | "
          f"{people / spark['wall']:.1f} | {spark['cpu']:.1f} | {people / spark['cpu']:.1f} | "
          f"driver {spark['rss_mb']:.0f} MB, JVM {spark['jvm_rss_mb']:.0f} MB |")  # fmt: skip
    print(f"rows: one machine {local['rows']:,}, Spark {spark['rows']:,}; problems found: {local['problems']:,}")
    print(f"Spark / one machine, people per second: wall {local['wall'] / spark['wall']:.2f}, "
          f"CPU {local['cpu'] / spark['cpu']:.2f}")  # fmt: skip
    print(f"load average after: {os.getloadavg()[0]:.2f}")

    # On paper: 500,000 people on 50 executors of 4 cores each (the Spark CPU seconds per person measured here,
    # cores as fast as these), plus a fixed overhead for starting the job and shuffling the tables by person.
    per_person = spark["cpu"] / people
    cores = 50 * 4
    compute = 500_000 * per_person / cores
    overhead = 120.0  # executors starting, the Parquet scan and the shuffle of ~180 M daily rows (~10 GB) over 50
    print(f"paper estimate: 500,000 people × {per_person:.3f} CPU s / {cores} cores = {compute / 60:.1f} min, "
          f"+ about {overhead / 60:.0f} min of start-up and shuffle = {(compute + overhead) / 60:.0f} min "
          "(assumes 4 cores per executor, cores like these, people spread evenly, no executor lost)")  # fmt: skip


if __name__ == "__main__":
    main()
