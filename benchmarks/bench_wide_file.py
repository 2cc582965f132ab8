"""Benchmark: validating a file with 10,000 columns (issue 9: 283 s before, "seconds" asked).

A ``daily.csv`` with ``date``, ``water_ml`` and 9,998 columns spasmlog does not know (365 rows of small
whole numbers, a few text and yes/no columns among them) is written once. In the same process it is then
read with ``pandas.read_csv`` (every cell as text, the reference: no validator can read a CSV faster than
parsing it) and validated with ``spasmlog.read_log``; the report gives both times, their ratio and how many
warnings validation produced (the unknown columns are listed in ``Log.unknown_columns``, not warned one by one).

Usage: ``python benchmarks/bench_wide_file.py [--columns N] [--rows R] [--repeat K]``
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path


def write_wide(folder: Path, columns: int, rows: int) -> Path:
    """Write the wide ``daily.csv``: ``date``, ``water_ml`` and ``columns - 2`` unknown columns."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(9)
    extra = columns - 2
    cells = rng.integers(0, 10, (rows, extra)).astype(str).astype(object)
    cells[:, 1::997] = rng.choice(["calm", "busy", ""], (rows, cells[:, 1::997].shape[1]))
    cells[:, 2::997] = rng.choice(["yes", "no", ""], (rows, cells[:, 2::997].shape[1]))
    frame = pd.concat(
        [
            pd.DataFrame(
                {
                    "date": pd.date_range("2025-01-01", periods=rows).strftime("%Y-%m-%d"),
                    "water_ml": rng.integers(800, 3000, rows),
                }
            ),
            pd.DataFrame(cells, columns=[f"my_factor_{k}" for k in range(extra)]),
        ],
        axis=1,
    )
    path = folder / "daily.csv"
    frame.to_csv(path, index=False)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--columns", type=int, default=10_000)
    parser.add_argument("--rows", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=2, help="measurements of each (the fastest is reported)")
    args = parser.parse_args()

    import pandas as pd

    import spasmlog

    folder = Path(tempfile.mkdtemp(prefix="spasmlog-wide-"))
    path = write_wide(folder, args.columns, args.rows)
    print(f"wrote {path} ({path.stat().st_size / 2**20:.1f} MiB, {args.rows} rows x {args.columns:,} columns)")

    pandas_seconds, spasmlog_seconds = [], []
    log = None
    for _ in range(args.repeat):
        start = time.perf_counter()
        pd.read_csv(path, dtype="str", keep_default_na=False)
        pandas_seconds.append(time.perf_counter() - start)
        start = time.perf_counter()
        log = spasmlog.read_log(folder, errors="quarantine")
        spasmlog_seconds.append(time.perf_counter() - start)
    assert log is not None
    best_pandas, best_spasmlog = min(pandas_seconds), min(spasmlog_seconds)
    print(f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print("| measurement | seconds |")
    print("|---|---|")
    print(f"| pandas.read_csv (every cell as text) | {best_pandas:.2f} |")
    print(f"| spasmlog.read_log (read + validate) | {best_spasmlog:.2f} |")
    print(f"| ratio read_log / read_csv | {best_spasmlog / best_pandas:.2f} |")
    print(
        f"\ncolumns kept: {log.daily.shape[1]:,} (unknown columns listed: {len(log.unknown_columns):,}); "
        f"valid rows: {len(log.daily)}; warnings: {len(log.warnings)}; errors: {len(log.errors)}"
    )
    print(log.daily.dtypes.astype(str).value_counts().to_string())


if __name__ == "__main__":
    main()
