"""Benchmark: ``spasmlog report`` as a person runs it (issue 4's budget: alex under 5 s, the clinic under 20 s).

Each run is a cold process, ``python -m spasmlog report ...``, timed wall-clock from start to exit: Python
start-up, imports, reading and validating the log, the statistics, the charts and writing the HTML all
count. Runs are repeated (default 3) and the median and the slowest are reported beside the budget.

Usage: ``python benchmarks/bench_report.py [--repeat N]``
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = [
    ("alex (1 person, 730 days)", ROOT / "sample_data" / "alex", "alex.html", 5.0),
    ("clinic (12 clients, index + 12 pages)", ROOT / "sample_data" / "clinic", "clinic", 20.0),
]


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _run(log: Path, output: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "spasmlog", "report", str(log), "-o", str(output)],
        check=True,
        stdout=subprocess.DEVNULL,
        cwd=ROOT,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="cold runs per case (default 3)")
    args = parser.parse_args()

    print(f"machine: {_cpu()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}")
    over = False
    with tempfile.TemporaryDirectory(prefix="spasmlog-bench-report-") as folder:
        for label, log, name, budget in CASES:
            times = [_run(log, Path(folder) / f"{i}-{name}") for i in range(args.repeat)]
            median, slowest = statistics.median(times), max(times)
            verdict = "within" if slowest < budget else "OVER"
            over |= slowest >= budget
            runs = ", ".join(f"{t:.2f}" for t in times)
            print(f"{label}: median {median:.2f} s, slowest {slowest:.2f} s ({runs}); budget {budget:g} s: {verdict}")
    if over:
        sys.exit(1)


if __name__ == "__main__":
    main()
