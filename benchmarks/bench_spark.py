"""Benchmark: a simulated cohort analysed person by person on Spark (``local[2]``) against the one-machine path.

Both paths start from the same Parquet tables (written once from :func:`spasmlog.simulate`) and do the same
work: validation (problems and quarantine), the daily table and :func:`spasmlog.rate_ratios` for every person
(``--factors`` × lags 0–3). One machine: ``pandas.read_parquet`` → :func:`spasmlog.validate_tables` →
:func:`spasmlog.daily_table` → ``rate_ratios(person="person_id")``. Spark: :func:`spasmlog.spark.per_person`
(validation, daily table and rate ratios in one grouped map), cached and counted, so that every row is
computed once and none is collected. Each path runs in a fresh Python process, which reports its wall time,
its CPU time (its own and, for Spark, that of the JVM and its Python workers, read from /proc, start-up
included) and its peak memory (VmHWM from /proc, the process's own peak resident set; for Spark the driver's
Python process, and the JVM's peak apart).

It prints people per second of each (wall and CPU), their ratio, the peak memory, and an estimate on paper of
the wall time for 500,000 people on a 50-executor cluster, from the CPU seconds per person measured here.

Spark's grouped map runs on batches of about 200 people (``--batch-people``), each batch one pandas call: the
one-person groups this benchmark first measured (100 people, load 6.4: one machine 8.5 people per CPU second,
Spark 1.0) paid pandera's validation (about 0.3 s), Arrow's conversion and pandas' set-up once per person.

Measured on 2 cores shared with other helpers' test runs and benchmarks (load average 5-21, these runs at
``nice 10``, the two paths of the 5,000 run side by side), so the wall times say more about the load than about
either path; CPU seconds are the comparable figure. 365 days, 3 factors × 4 lags, 10.8 kB of Parquet per person;
the same rows from both paths (12,000 per 1,000 people):

| people | path | wall s | people/s (wall) | CPU s | people/s (CPU) |
|---|---|---|---|---|---|
| 1,000 | one machine | 482.8 | 2.1 | 48.8 | 20.5 |
| 1,000 | Spark local[2], batches of 200 | 278.3 (+14 s start) | 3.6 | 97.5 | 10.3 |
| 5,000 | one machine | 2726.0 | 1.8 | 251.9 | 19.9 |
| 5,000 | Spark local[2], batches of 200 | 1972.9 (+92 s start) | 2.5 | 355.0 | 14.1 |

Spark / one machine, people per CPU second: 0.50 at 1,000 people, 0.71 at 5,000 (the JVM's start-up and JIT
spread over more people); it was 0.12 with one person per group. Peak memory, read again with VmHWM in a
second 1,000-person run (load 7-10; CPU 51.6 s one machine, 99.2 s Spark: 19.4 and 10.1 people per CPU second):
one machine 624 MB (it holds every table), Spark driver 155 MB (it holds none), JVM 1,034 MB (1,344 MB at 5,000
people). The Python peaks of the first runs (one machine 627 and 2,429 MB, driver 466 and 1,362 MB) came from
``ru_maxrss``, which Linux carries over from the parent that held the simulated cohort, and are not used.

On paper, 500,000 people on 50 executors × 4 cores (200 cores as fast as these), from the 5,000 run's 0.071
CPU s per person: compute 500,000 × 0.071 / 200 = 3.0 min; the last of 2,500 batches (12.5 waves) ≤ 14 s;
executors starting ≈ 1.5 min; four scans of 5.4 GB of Parquet ≈ 1 s; shuffle I/O (about 10 × the Parquet:
every table's columns on every row, written and read on 50 nodes at ~200 MB/s) ≈ 11 s: about 5 min wall.
Assumed: people spread evenly by the hash (±7 % per batch of 200), no executor lost, results written to
Parquet (``spark.meta_analysis`` collects 12 rows × 8 columns per person, about 6 M rows and 1.5 GB in pandas
on the driver: ``spark.driver.memory`` 4g or more). :func:`spasmlog.spark.per_person` repartitions to one
partition per batch itself, so a platform's ``spark.sql.shuffle.partitions`` does not limit it. One machine
would need 500,000 / 20 ≈ 7 h on one core, with a 180-million-row daily table in memory.

Needs pyspark (``make bench-spark`` runs it in ``.venv-spark``). Usage:
``python benchmarks/bench_spark.py [--people N] [--days D] [--factors water_ml,sitting_h,stress]
[--batch-people 200] [--only local|spark]``; the issue's figure is ``--people 20000`` (the default).
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


def _peak_mb(pid: int | str = "self") -> float:
    """The peak resident memory of a process (VmHWM), from /proc: its own, unlike ``ru_maxrss``, which Linux
    carries over from the parent at fork and exec (the parent holds the simulated cohort)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _usage() -> dict[str, float]:
    me = resource.getrusage(resource.RUSAGE_SELF)
    return {"cpu_self": me.ru_utime + me.ru_stime, "rss_self_mb": _peak_mb()}


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
    return {"cpu": cpu, "rss_mb": _peak_mb(root), "processes": len(tree)}


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
    count = rows.cache().count()  # every person analysed (the grouped map cannot be skipped), once, none collected
    done = time.perf_counter()
    after, jvm = _usage(), _process_tree(spark.sparkContext._gateway.proc.pid)  # type: ignore[union-attr]
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
    # the shuffle's serialisation is in the CPU measured here (local mode shuffles through disk too); left is
    # its I/O: ~10 × the Parquet size (every table's columns on every row, mostly null), written and read once,
    # spread over 50 nodes' disks and network at ~200 MB/s each
    shuffle = 2 * 10 * cohort_gb / (50 * 0.2)
    start = 90.0  # executors requested and started, Python workers forked, pandera imported in each
    scans = 4 * cohort_gb / (cores * 0.1)  # Parquet read 4 times (row numbers, people count, flags, the map)
    total = compute + tail + shuffle + start + scans
    print(f"paper estimate, {target:,} people on 50 executors × 4 cores (batches of {args.batch_people}: "
          f"{batches:,} tasks, {batches / cores:.1f} waves):")  # fmt: skip
    print(f"  compute {target:,} × {per_person:.4f} CPU s / {cores} cores = {compute / 60:.1f} min; "
          f"last wave ≤ {tail:.0f} s; start-up ≈ {start:.0f} s; 4 scans of {cohort_gb:.0f} GB of Parquet ≈ "
          f"{scans:.0f} s; shuffle I/O ≈ {shuffle:.0f} s")  # fmt: skip
    print(f"  ≈ {total / 60:.0f} min wall (people spread evenly by the hash, no executor lost, results written "
          "to Parquet, not collected; meta_analysis would collect 12 rows × 8 columns per person, ~6 M rows, "
          "about 1.5 GB in pandas: spark.driver.memory 4g or more)")  # fmt: skip


if __name__ == "__main__":
    main()
