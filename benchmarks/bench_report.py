"""Benchmark: ``spasmlog report`` as a person runs it (issue 4's budget: alex under 5 s, the clinic under 20 s).

Each run is a cold process, ``python -m spasmlog report ...``, timed wall-clock from start to exit: Python
start-up, imports, reading and validating the log, the statistics, the charts and writing the HTML all
count. Runs are repeated (default 3) and the median and the slowest are reported beside the budget.

``--phases`` shows instead where the CPU time of one cold report of alex goes (imports, reading, analysis, each
chart, the rest of the page), measured inside a fresh process with :func:`time.process_time`.

Usage: ``python benchmarks/bench_report.py [--repeat N] [--phases]``
"""

from __future__ import annotations

import argparse
import json
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


# Run in a fresh interpreter: CPU seconds of each phase of write_report(alex), as JSON (label → seconds).
_PHASES = """
import json, sys, time
start = time.process_time()
seconds = {}
def mark(label, since):
    seconds[label] = seconds.get(label, 0.0) + time.process_time() - since
import pandas
mark("import pandas", start); since = time.process_time()
import matplotlib
matplotlib.use("Agg")
import spasmlog.report.build as build
import spasmlog.report.charts as charts
import spasmlog.validation.read as read
mark("import matplotlib, spasmlog.report", since)
def timed(module, name, label):
    function = getattr(module, name)
    def wrapper(*args, **kwargs):
        since = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            mark(label, since)
    setattr(module, name, wrapper)
timed(read, "read_log", "read_log")
timed(build, "daily_table", "daily_table")
timed(build, "caseload_summary", "analysis (caseload_summary, summarise)")
timed(build, "summarise", "analysis (caseload_summary, summarise)")
draw = charts.draw
def drawn(name, *args, **kwargs):
    since = time.process_time()
    try:
        return draw(name, *args, **kwargs)
    finally:
        mark("chart " + name, since)
build.draw = drawn
since = time.process_time()
build.write_report(sys.argv[1], sys.argv[2])
total = time.process_time() - since
seconds["rest of write_report (page, imports on first use)"] = total - sum(
    v for k, v in seconds.items() if not k.startswith("import"))
seconds["total"] = time.process_time() - start
print(json.dumps(seconds))
"""


def phases(folder: Path) -> dict[str, float]:
    """CPU seconds of each phase of one cold report of alex (see ``_PHASES``)."""
    done = subprocess.run(
        [sys.executable, "-c", _PHASES, str(ROOT / "sample_data" / "alex"), str(folder / "alex.html")],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="cold runs per case (default 3)")
    parser.add_argument("--phases", action="store_true", help="where the CPU time of alex's report goes")
    args = parser.parse_args()

    print(f"machine: {_cpu()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}")
    if args.phases:
        print(f"load average before: {os.getloadavg()[0]:.2f}")
        with tempfile.TemporaryDirectory(prefix="spasmlog-bench-report-") as folder:
            for label, value in phases(Path(folder)).items():
                print(f"{label:55s} {value:6.3f} s CPU")
        return
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
