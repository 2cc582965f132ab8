"""Benchmark: how quickly ``spasmlog`` starts (issue 10: ``--help`` and a missing path under 0.3 s of CPU).

Every case runs in a fresh process, and each is also given as a ratio to ``python -c "import pandas"``
measured in the same run (the reference: a command that needs no pandas should cost a small part of it).
The figure that matters is CPU time (user + system of the child, from ``os.wait4``), which other work on
the machine barely changes; wall-clock time is shown beside it. Each case runs ``--repeat`` times (default 5)
and the best run is kept, since interference only ever adds time.

Cases: ``import pandas`` (reference), ``import spasmlog``, ``spasmlog --help`` both as ``python -m
spasmlog`` and as the installed console script (beside ``sys.executable``, when installed),
``spasmlog validate no/such/path`` and the cold report of the two-year sample (``alex``, 730 days).

Usage: ``python benchmarks/bench_startup.py [--repeat N] [--no-report]``
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGET_CPU = 0.3  # seconds of CPU for --help and a missing path (issue 10)
REPORT_BUDGET = 2.0  # seconds (wall, cold) for the two-year sample's report (issue 10)


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def run_once(command: list[str]) -> tuple[float, float, int]:
    """CPU seconds (user + system) and wall seconds of one run of ``command``, and its exit code."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
    return usage.ru_utime + usage.ru_stime, wall, process.returncode


def best_of(command: list[str], repeat: int) -> tuple[float, float, int]:
    """The least CPU and the least wall time over ``repeat`` runs (interference only adds), and the exit code."""
    runs = [run_once(command) for _ in range(repeat)]
    return min(r[0] for r in runs), min(r[1] for r in runs), runs[-1][2]


Budget = tuple[str, float] | None  # ("CPU" or "wall", seconds)


def cases(folder: Path, *, report: bool) -> list[tuple[str, list[str], Budget]]:
    """(label, command, budget) for every case; the first is the reference."""
    python = sys.executable
    script = Path(python).parent / "spasmlog"
    missing = str(Path("no") / "such" / "path")
    cpu: Budget = ("CPU", BUDGET_CPU)
    found: list[tuple[str, list[str], Budget]] = [
        ('python -c "import pandas" (reference)', [python, "-c", "import pandas"], None),
        ('python -c "import spasmlog"', [python, "-c", "import spasmlog"], None),
        ("python -m spasmlog --help", [python, "-m", "spasmlog", "--help"], cpu),
    ]
    if script.exists():
        found.append(("spasmlog --help (console script)", [str(script), "--help"], cpu))
        found.append(("spasmlog validate no/such/path", [str(script), "validate", missing], cpu))
    else:
        found.append(("python -m spasmlog validate no/such/path", [python, "-m", "spasmlog", "validate", missing], cpu))
    if report:
        sample = ROOT / "sample_data" / "alex"
        output = str(folder / "alex.html")
        found.append(
            (
                "spasmlog report alex (cold, 730 days)",
                [python, "-m", "spasmlog", "report", str(sample), "-o", output],
                ("wall", REPORT_BUDGET),
            )
        )
    return found


def main(argv: list[str] | None = None) -> int:
    """Run every case, print the table; exit 1 when a case is over its budget."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per case, the best is kept (default 5)")
    parser.add_argument("--no-report", action="store_true", help="leave out the cold report (the slowest case)")
    args = parser.parse_args(argv)

    print(f"machine: {_cpu()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}")
    print(f"load average before: {os.getloadavg()[0]:.2f}; best of {args.repeat} runs each")
    over = False
    with tempfile.TemporaryDirectory(prefix="spasmlog-bench-startup-") as folder:
        rows = []
        reference_cpu = reference_wall = float("nan")
        for number, (label, command, budget) in enumerate(cases(Path(folder), report=not args.no_report)):
            cpu, wall, code = best_of(command, args.repeat)
            if number == 0:
                reference_cpu, reference_wall = cpu, wall
            verdict = ""
            if budget is not None:
                measured = cpu if budget[0] == "CPU" else wall
                verdict = f"{budget[0]} < {budget[1]:g} s: " + ("within" if measured < budget[1] else "OVER")
            over |= verdict.endswith("OVER")
            rows.append((label, cpu, cpu / reference_cpu, wall, wall / reference_wall, code, verdict))
    print("| case | CPU s | × pandas | wall s | × pandas | exit | budget |")
    print("|---|---|---|---|---|---|---|")
    for label, cpu, cpu_ratio, wall, wall_ratio, code, verdict in rows:
        print(f"| {label} | {cpu:.3f} | {cpu_ratio:.2f} | {wall:.3f} | {wall_ratio:.2f} | {code} | {verdict} |")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
