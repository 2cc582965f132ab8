"""Benchmark: a simulated cohort analysed person by person on Spark (``local[2]``) against the one-machine path.

Both paths start from the same Parquet tables (written once from :func:`spasmlog.simulate`) and do the same
work: validation (problems and quarantine), the daily table and :func:`spasmlog.rate_ratios` for every person
(``--factors`` × lags 0–3). One machine: ``pandas.read_parquet`` → :func:`spasmlog.validate_tables` →
:func:`spasmlog.daily_table` → ``rate_ratios(person="person_id")``. Spark: :func:`spasmlog.spark.per_person`
(validation, daily table and rate ratios in one grouped map), written to Spark's ``noop`` sink so that every
row is computed and none is collected. Each path runs in a fresh Python process, which reports its wall time,
its CPU time (its own and, for Spark, that of the JVM and its Python workers, read from /proc, start-up
included) and its peak memory (``resource.getrusage``: the process's maximum resident set; for Spark the
driver's Python process, and the JVM's peak apart).

It prints people per second of each (wall and CPU), their ratio, the peak memory, and an estimate on paper of
the wall time for 500,000 people on a 50-executor cluster, from the CPU seconds per person measured here.

Measured (2 shared cores, load average 6.4; ``--people 100 --days 365``, 3 factors × 4 lags): one machine
44 s wall, 11.7 s CPU (8.5 people per CPU second), 278 MB; Spark ``local[2]`` 196 s wall after a 39 s start,
95.6 s CPU with the JVM and its workers (1.0 person per CPU second), driver 268 MB, JVM 782 MB: the same
1,200 rows. Spark spends about 8 times the CPU per person: each person's tables are validated (pandera), laid
out as a daily table and sent through Arrow on their own, where one machine does each step once for everyone,
and the JVM's own start-up and JIT count in so small a run. On paper, 500,000 people × 0.96 CPU s on 50
executors × 4 cores: 40 min of work + about 2 min to start and shuffle ≈ 42 min; one machine would need
500,000 × 0.12 s ≈ 16 h on one core, and the daily table alone (180 million rows) does not fit in memory.

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


def _process_tree(root: int) -> dict[str, float]:
    """CPU seconds of ``root`` and every live descendant (with the children each has reaped), and the peak
    resident memory of ``root``, from /proc (Linux): the JVM and its Python workers outlive ``spark.stop()``, so
    ``RUSAGE_CHILDREN`` would not see them."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    cpu = 0.0
    for pid in tree:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        cpu += sum(int(fields[i]) for i in (11, 12, 13, 14)) / ticks  # utime, stime, cutime, cstime
    peak = 0.0
    for line in Path(f"/proc/{root}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            peak = int(line.split()[1]) / 1024
    return {"cpu": cpu, "rss_mb": peak, "processes": len(tree)}


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


def run_spark(folder: Path, factors: list[str], master: str, batch_people: int) -> dict[str, Any]:
    import spasmlog.spark as spark_module

    start, before = time.perf_counter(), _usage()
    spark = spark_module.session(master, config={"spark.driver.memory": "2g"})
    ready = time.perf_counter()
    tables = {name: str(folder / f"{name}.parquet") for name in TABLES}
    rows = spark_module.per_person(tables, factors=factors, lags=LAGS, spark=spark, batch_people=batch_people)
    rows.write.format("noop").mode("overwrite").save()
    done = time.perf_counter()
    after, jvm = _usage(), _process_tree(spark.sparkContext._gateway.proc.pid)  # type: ignore[union-attr]
    count = rows.count()  # computed again: the count of the rows written (a second pass, not timed)
    spark.stop()
    return {
        "wall": done - ready,
        "startup": ready - start,
        "cpu": after["cpu_self"] - before["cpu_self"] + jvm["cpu"],
        "cpu_driver": after["cpu_self"] - before["cpu_self"],
        "rss_mb": after["rss_self_mb"],
        "jvm_rss_mb": jvm["rss_mb"],
        "rows": count,
    }


def _child(part: str, folder: Path, args: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, __file__, "--part", part, "--folder", str(folder), "--factors", args.factors]
    command += ["--master", args.master, "--batch-people", str(args.batch_people)]
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
    parser.add_argument("--batch-people", type=int, default=200, help="people per Python call on Spark")
    parser.add_argument("--only", choices=["local", "spark"], help="run one path only (its figures, no ratio)")
    parser.add_argument("--part", choices=["local", "spark"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    factors = [f for f in args.factors.split(",") if f]

    if args.part is not None:  # a child: one path, its figures as one line of JSON
        folder = Path(args.folder)
        result = (
            run_local(folder, factors)
            if args.part == "local"
            else run_spark(folder, factors, args.master, args.batch_people)
        )
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
        del log
        parquet_mb = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6
        print(f"Parquet: {parquet_mb:.0f} MB ({parquet_mb / args.people * 1000:.1f} kB per person)")
        local = _child("local", folder, args) if args.only != "spark" else None
        spark = _child("spark", folder, args) if args.only != "local" else None
    people = args.people
    print("| path | wall s | people/s (wall) | CPU s | people/s (CPU) | peak memory |\n|---|---|---|---|---|---|")
    if local is not None:
        print(f"| one machine | {local['wall']:.1f} | {people / local['wall']:.1f} | {local['cpu']:.1f} | "
              f"{people / local['cpu']:.1f} | {local['rss_mb']:.0f} MB |")  # fmt: skip
    if spark is not None:
        print(f"| Spark {args.master}, batches of {args.batch_people} | {spark['wall']:.1f} "
              f"(+{spark['startup']:.0f} s start) | {people / spark['wall']:.1f} | {spark['cpu']:.1f} | "
              f"{people / spark['cpu']:.1f} | driver {spark['rss_mb']:.0f} MB, "
              f"JVM {spark['jvm_rss_mb']:.0f} MB |")  # fmt: skip
    if local is not None and spark is not None:
        print(f"rows: one machine {local['rows']:,}, Spark {spark['rows']:,}; problems found: {local['problems']:,}")
        print(f"Spark / one machine, people per second: wall {local['wall'] / spark['wall']:.2f}, "
              f"CPU {local['cpu'] / spark['cpu']:.2f}")  # fmt: skip
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    if spark is None:
        return

    # On paper: 500,000 people on 50 executors of 4 cores each, from the Spark CPU seconds per person measured
    # here (driver, JVM and Python workers: Parquet reads, the local shuffle's serialisation, Arrow, pandas and
    # the models; the JVM's start-up too, so a little high), with cores as fast as these. Added: what a local
    # run does not pay (assumptions, not measurements).
    target, cores = 500_000, 50 * 4
    per_person = spark["cpu"] / people
    compute = target * per_person / cores
    batches = -(-target // args.batch_people)
    tail = per_person * args.batch_people  # the last wave of batches leaves cores idle: at most one batch's time
    cohort_gb = parquet_mb / people * target / 1e3
    network = 3 * cohort_gb / 5.0  # shuffled rows ~3 × Parquet size, over 50 × 100 MB/s of network: 5 GB/s
    start = 90.0  # executors requested and started, Python workers forked, pandera imported in each
    scans = 4 * cohort_gb / (cores * 0.1)  # Parquet read 4 times (row numbers, people count, flags, the map)
    total = compute + tail + network + start + scans
    print(f"paper estimate, {target:,} people on 50 executors × 4 cores (batches of {args.batch_people}: "
          f"{batches:,} tasks, {batches / cores:.1f} waves):")  # fmt: skip
    print(f"  compute {target:,} × {per_person:.4f} CPU s / {cores} cores = {compute / 60:.1f} min; "
          f"last wave ≤ {tail:.0f} s; start-up ≈ {start:.0f} s; 4 scans of {cohort_gb:.0f} GB of Parquet ≈ "
          f"{scans:.0f} s; shuffle over the network ≈ {network:.0f} s")  # fmt: skip
    print(f"  ≈ {total / 60:.0f} min wall (people spread evenly by the hash, no executor lost, results written "
          "to Parquet, not collected; meta_analysis would collect 12 rows × 8 columns per person ≈ 0.5 GB "
          "to the driver)")  # fmt: skip


if __name__ == "__main__":
    main()
