"""Calibration of ``session_effect``: false positives with nothing planted, coverage of a planted effect.

Run: ``python benchmarks/bench_sessions.py [--diaries N]`` (default 200 a scenario; about a minute).

Diaries are drawn here, independently of spasmlog: over-dispersed daily counts (gamma–Poisson, α = 0.5)
with a weekend rhythm, optionally a latent AR(1) rate, sessions every ``every`` days from a day in the
second quarter of the diary, and the rate multiplied by the planted ratio on days 1–3 after each session
(and on the session day). The last scenarios use the project's simulator (``spasmlog.simulate``), which
plants a session intervention's ratio on every day of its course: there the ``after`` row must stay near 1
and the ``course`` row must carry the effect.

Prints a markdown table: per scenario and term, the share of estimable rows, the share with p ≤ 0.05
(with nothing planted: the false-positive rate, promised 5 %), the coverage of the true ratio by the 95 %
interval, and the median estimate.
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np
import pandas as pd

import spasmlog
from spasmlog.analysis.daily import daily_table
from spasmlog.analysis.sessions import session_effect
from spasmlog.simulate import Intervention


def diaries(
    n: int,
    days: int,
    seed: int,
    *,
    after: float = 1.0,
    on_day: float = 1.0,
    every: int = 7,
    count: int | None = None,
    start: int | None = None,
    baseline: float = 1.0,
    phi: float = 0.0,
    latent_sd: float = 0.0,
    missing: float = 0.0,
) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frames = []
    for person in range(n):
        first = int(rng.integers(days // 4, days // 2)) if start is None else start
        on = np.zeros(days, dtype=bool)
        sessions = (days - first + every - 1) // every if count is None else count
        on[first + every * np.arange(sessions)] = True
        window = np.zeros(days, dtype=bool)
        for lag in (1, 2, 3):
            window[lag:] |= on[:-lag]
        latent = np.zeros(days)
        shocks = rng.normal(0, latent_sd * np.sqrt(1 - phi**2), days)
        latent[0] = rng.normal(0, latent_sd)
        for t in range(1, days):
            latent[t] = phi * latent[t - 1] + shocks[t]
        weekend = (np.arange(days) % 7) >= 5
        mu = baseline * np.exp(0.2 * weekend + np.log(after) * window + np.log(on_day) * on + latent)
        counts = rng.poisson(mu * rng.gamma(2.0, 0.5, days)).astype(np.float64)
        counts[rng.random(days) < missing] = np.nan
        frames.append(
            pd.DataFrame(
                {
                    "person_id": f"s{person:04d}",
                    "date": pd.date_range("2024-01-01", periods=days),
                    "spasm_count": counts,
                    "on_massage": on.astype(np.int64),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def simulated(n: int, days: int, seed: int, rate_ratio: float) -> pd.DataFrame:
    plan = Intervention("physio", kind="therapy_session", rate_ratio=rate_ratio, every_days=7, days=120)
    sim = spasmlog.simulate(n, days, seed=seed, effects=[], interventions=[plan], factors=["water_ml"])
    return daily_table(sim.log)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--diaries", type=int, default=200)
    n = parser.parse_args().diaries
    scenarios: list[tuple[str, pd.DataFrame, dict[str, float]]] = [
        ("365 d, weekly, 0.7 after", diaries(n, 365, 1, after=0.7), {"after": 0.7}),
        ("365 d, weekly, null", diaries(n, 365, 2), {}),
        ("120 d, weekly, null", diaries(n, 120, 3), {}),
        ("180 d, weekly, 0.7 after, 1.5 on the day", diaries(n, 180, 4, after=0.7, on_day=1.5), {"after": 0.7}),
        ("365 d, six monthly, null", diaries(n, 365, 5, every=30, count=6, start=100, baseline=0.6), {}),
        ("365 d, weekly, null, latent AR(1) 0.8", diaries(n, 365, 6, phi=0.8, latent_sd=0.5), {}),
        ("365 d, weekly, 0.7 after, AR(1) 0.8", diaries(n, 365, 7, after=0.7, phi=0.8, latent_sd=0.5), {"after": 0.7}),
        ("180 d, weekly, null, 20 % days missing", diaries(n, 180, 8, missing=0.2), {}),
        ("simulate(): course of 120 d, null", simulated(n, 365, 9, 1.0), {}),
        ("simulate(): course of 120 d at 0.7", simulated(n, 365, 10, 0.7), {"course": 0.7}),
    ]
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}; {n} diaries a scenario")
    print("| scenario | term | estimable | p ≤ 0.05 | 95 % CI covers | median rate ratio |")
    print("|---|---|---|---|---|---|")
    start = time.perf_counter()
    for label, daily, truth in scenarios:
        table = session_effect(daily, person="person_id")
        for term in ("after", "session_day", "course"):
            rows = table[table["term"] == term]
            ok = rows[rows["status"] == "ok"]
            true = truth.get(term, 1.0)
            cover = ((ok["ci_low"] <= true) & (true <= ok["ci_high"])).mean()
            print(
                f"| {label} | {term} | {len(ok) / len(rows):.3f} | {(ok['p_value'] <= 0.05).mean():.3f} "
                f"| {cover:.3f} | {ok['rate_ratio'].median():.3f} |",
                flush=True,
            )
    without = session_effect(scenarios[-1][1], person="person_id", course=False)
    after = without[(without["term"] == "after") & (without["status"] == "ok")]
    print(
        f"| {scenarios[-1][0]}, course=False | after | {len(after) / n:.3f} | {(after['p_value'] <= 0.05).mean():.3f} ",
        end="",
    )
    print(f"| {((after['ci_low'] <= 1) & (after['ci_high'] >= 1)).mean():.3f} | {after['rate_ratio'].median():.3f} |")
    print(f"\n{time.perf_counter() - start:.1f} s for the analyses")


if __name__ == "__main__":
    main()
