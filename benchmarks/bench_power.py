"""Power and false findings of the decision rule, against a single pre-specified test (issue 8).

For one planted factor (water, rate ratio 0.75 and 0.85 per 500 mL, at lag 0 and at lag 1) and one-person
diaries of 60, 120 and 365 days (complete, and with 20% of days missing), drawn with the project's own
simulator, it reports:

- ``stated``: the share of diaries in which :func:`spasmlog.rate_ratios` (every factor, lags 0–3, the one
  decision rule) states water as a finding;
- ``oracle``: the share in which a single pre-specified test of the true factor at the true lag rejects at
  5 % — a quasi-Poisson model of water at that lag with weekday and trend, Newey–West (HAC) errors and a
  normal reference, the comparator of issue 8;
- ``ratio`` = stated / oracle;
- ``own oracle``: the same single pre-specified test with the package's own errors (residual
  autocorrelation, t reference; see :func:`spasmlog.stats.serial_covariance.acf_covariance`), which keeps its
  5 % with nothing planted where the HAC oracle does not; ``ratio (own)`` = stated / own oracle;
- ``bound``: that own test at the true lag with a Bonferroni correction over the 12 known suspects
  (p < 0.05 / 12) — what a correction across factors costs even when the lag is known;
- for diaries with nothing planted, ``any``: the share with any stated finding at all.

Run: ``python benchmarks/bench_power.py [--reps N] [--null-reps N] [--workers K]``. It prints a Markdown
table and the machine it ran on.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta

import numpy as np
from scipy import stats

DAYS = (60, 120, 365)
RATIOS = (0.75, 0.85)
PLANTED_LAGS = (0, 1)
MISSING = (0.0, 0.2)


def _start(days: int) -> str:
    return (date.today() - timedelta(days=days + 1)).isoformat()


def oracle_p(daily: object, lag: int) -> float:
    """p-value of one pre-specified quasi-Poisson test of water at ``lag`` with HAC errors (normal reference)."""
    from spasmlog.analysis._person_days import Calendar
    from spasmlog.stats.glm import fit_batch

    calendar = Calendar.of(daily)  # type: ignore[arg-type]
    y = calendar.values("spasm_count")
    base = np.column_stack(list(calendar.time_design(weekday=True, trend=True).values()))
    x = calendar.values("water_ml", lag) / 500.0
    ok = np.isfinite(y) & np.isfinite(x)
    design = np.column_stack([base, np.where(ok, x - np.nanmean(np.where(ok, x, np.nan)), 0.0)])
    fits = fit_batch(design[None], y, ok[None], cov_type="hac")
    z = fits.params[0, -1] / np.sqrt(fits.cov[0, -1, -1])
    return float(2 * stats.norm.sf(abs(z)))


def one_diary(args: tuple[int, float, int, float, int]) -> tuple[bool, bool, bool, float]:
    """(water stated, HAC oracle rejects, anything stated, own single-test p) for one simulated diary."""
    days, ratio, lag, missing, seed = args
    warnings.simplefilter("ignore")
    from spasmlog.analysis.daily import daily_table
    from spasmlog.analysis.rates import rate_ratios
    from spasmlog.simulate import Effect, simulate

    effects = [] if ratio == 1 else [Effect("water_ml", lag=lag, per=500, rate_ratio=ratio)]
    sim = simulate(1, days, seed=seed, effects=effects, interventions=[], start=_start(days), missing_day_rate=missing)
    daily = daily_table(sim.log)
    table = rate_ratios(daily)
    stated = (table["status"] == "ok") & (table["p_adjusted"] <= 0.05)
    water = bool((stated & (table["hypothesis"] == "water")).any())
    own = table.loc[(table["factor"] == "water_ml") & (table["lag"] == lag), "p_value"]
    own_p = float(own.iloc[0]) if len(own) else float("nan")
    return water, oracle_p(daily, lag) < 0.05, bool(stated.any()), own_p


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=100, help="diaries per planted scenario")
    parser.add_argument("--null-reps", type=int, default=200, help="diaries per scenario with nothing planted")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--days", type=int, nargs="*", default=list(DAYS))
    options = parser.parse_args()
    started = time.perf_counter()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"command: python benchmarks/bench_power.py --reps {options.reps} --null-reps {options.null_reps}\n")
    print(
        "| days | missing days | planted | stated | HAC oracle | ratio | own oracle | ratio (own) | bound (α/12) "
        "| null: any finding | null: own oracle |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    with ProcessPoolExecutor(options.workers) as pool:
        for days in options.days:
            for missing in MISSING:
                null_jobs = [(days, 1.0, 1, missing, 10_000 + s) for s in range(options.null_reps)]
                null = list(pool.map(one_diary, null_jobs, chunksize=4))
                null_rate = np.mean([r[2] for r in null])
                null_own = np.mean([r[3] < 0.05 for r in null])
                for ratio in RATIOS:
                    for lag in PLANTED_LAGS:
                        jobs = [(days, ratio, lag, missing, s) for s in range(options.reps)]
                        out = list(pool.map(one_diary, jobs, chunksize=4))
                        stated = np.mean([r[0] for r in out])
                        oracle = np.mean([r[1] for r in out])
                        own = np.mean([r[3] < 0.05 for r in out])
                        bound = np.mean([r[3] < 0.05 / 12 for r in out])
                        ratio_text = f"{stated / oracle:.2f}" if oracle > 0 else "—"
                        own_text = f"{stated / own:.2f}" if own > 0 else "—"
                        print(
                            f"| {days} | {missing:.0%} | {ratio} at lag {lag} | {stated:.2f} | {oracle:.2f} | "
                            f"{ratio_text} | {own:.2f} | {own_text} | {bound:.2f} | {null_rate:.3f} | "
                            f"{null_own:.3f} |",
                            flush=True,
                        )
    print(f"\n{time.perf_counter() - started:.0f} s in all")


if __name__ == "__main__":
    main()
