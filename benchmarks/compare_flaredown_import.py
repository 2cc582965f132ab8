"""Compare ``spasmlog import flaredown`` of a generated research export with another checkout's (before/after).

A change to how the research export is placed must not change what is written. This script writes an
export with :func:`bench_flaredown.generate` (``--rows``, ``--seed``), imports it twice into a fresh log
folder with each Python (``--reference``: e.g. the main checkout's venv, run without ``PYTHONPATH``; and
this checkout's, run with it on ``PYTHONPATH``), and compares every file written (byte by byte), the
messages printed, the exit codes, and the second (idempotent) import's messages and files.

Usage: ``python benchmarks/compare_flaredown_import.py --reference /path/to/main/.venv/bin/python
[--rows 100000] [--seed 1] [--source flaredown] [--keep DIR]``. Exits 1 when anything differs.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_flaredown import generate

ROOT = Path(__file__).resolve().parents[1]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(python: str, folder: Path, log: str, *, here: bool) -> list[tuple[str, bytes | str | int]]:
    """Import fd-export.csv into ``log`` twice; return what was printed and written, in a fixed order."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if here:
        env["PYTHONPATH"] = str(ROOT)
    out: list[tuple[str, bytes | str | int]] = []
    for attempt in ("first", "again"):
        start, cpu = time.perf_counter(), _children_cpu()
        done = subprocess.run(
            [python, "-m", "spasmlog", "import", "flaredown", "fd-export.csv", "--into", log],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        print(f"  {'this checkout' if here else 'reference'} {attempt}: exit {done.returncode}, "
              f"{_children_cpu() - cpu:.1f} CPU s, {time.perf_counter() - start:.1f} s")  # fmt: skip
        out += [(f"{attempt} exit", done.returncode), (f"{attempt} stdout", done.stdout.replace(log, "LOG"))]
        out += [(f"{attempt} stderr", done.stderr.replace(log, "LOG"))]
        files = sorted(p for p in (folder / log).rglob("*") if p.is_file())
        out += [(f"{attempt} file {p.relative_to(folder / log)}", p.read_bytes()) for p in files]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", required=True, help="the Python of the checkout to compare with")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="spasmlog-compare-flaredown-"))
    folder.mkdir(parents=True, exist_ok=True)
    rows, people = generate(folder / "fd-export.csv", args.rows, seed=args.seed)
    print(f"{folder / 'fd-export.csv'}: {rows:,} rows, {people:,} people")
    theirs = run(args.reference, folder, "reference", here=False)
    ours = run(sys.executable, folder, "current", here=True)
    differ = [key for (key, a), (_, b) in zip(theirs, ours, strict=False) if a != b]
    keys = [k for k, _ in theirs] != [k for k, _ in ours]
    files = sum(1 for k, _ in theirs if k.startswith("first file"))
    if differ or keys:
        print(f"DIFFERENT: {differ[:10]}{' and the files written' if keys else ''}")
        return 1
    print(f"identical: {files} files written, the messages and exit codes, and the re-import")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
