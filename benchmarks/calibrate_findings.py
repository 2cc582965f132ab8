"""Calibration of what one person's report states (issue 8, "Not more conservative than needed").

Two studies over one-person diaries drawn with the project's own simulator (:func:`spasmlog.simulate`):

- **Nothing planted** (``effects=[]``; a supplement started in the middle third and a massage session every
  7 days, both with rate ratio 1, so that the intervention and session analyses take part): the share of
  diaries with ANY stated finding when everything a report states is decided together,
  ``decide_together([rate_ratios(d), intervention_effect(d), session_effect(d)])`` (the intervention
  analysis is given the interventions that are not single-day sessions; the sessions get
  :func:`spasmlog.session_effect`). Target ≤ 5 %, hard limit 7 %. Also shown: the share with a finding
  from ``rate_ratios`` alone (its own decision), the share of tested factor hypotheses with a raw max-T
  p-value below 0.05 (each test's own size, target 5 %), the share of the intervention tests and of the
  session-window tests with p < 0.05, and the share of the factor × lag intervals that cover 1.
- **Water planted** (``Effect("water_ml", lag=1, per=500, rate_ratio=0.75)``, the same interventions): the
  coverage of 0.75 by the 95 % interval of the ``water_ml`` row at lag 1 (target 93–97 %).

Scenarios (:data:`SCENARIOS`): 45, 120, 365 and 730 days, complete and with 30 % of days unlogged; 30 %
unlogged with bad days skipped more often (``missing_when_bad=1``); over-dispersion α = 2 (θ = 0.5); a
latent AR(1) spasm rate with φ = 0.8; a trend that halves the rate over the diary; a daily ``spasm_count``
instead of events; 20 null columns of the person's own. The simulator's other settings are its defaults
(α = 0.5, 1.5 spasms a day, 3 % of cells empty, no trend) except ``missing_day_rate``.

Each rate is printed with its 95 % Clopper–Pearson interval. A scenario **breaks** the null limit when the
whole interval lies above 7 %, and the coverage target when it lies outside 93–97 %; ``?`` marks a point
estimate outside the target whose interval still reaches it.

Run: ``python benchmarks/calibrate_findings.py [--null-reps N] [--coverage-reps N] [--workers K]
[--scenarios NAME ...] [--offset K] [--csv FILE]``. It prints a Markdown table (a row per scenario as it finishes),
the machine and the command.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import warnings
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd
from scipy import stats

from spasmlog import intervention_effect, rate_ratios, session_effect
from spasmlog.analysis.daily import daily_table
from spasmlog.analysis.decision import decide_together
from spasmlog.analysis.sessions import session_interventions
from spasmlog.simulate import Effect, Intervention, simulate

ALPHA = 0.05
NULL_TARGET = 0.05
NULL_LIMIT = 0.07
COVERAGE_TARGET = (0.93, 0.97)
PLANTED_RATIO = 0.75
LAST_DAY = date(2026, 11, 30)
"""Every diary ends on this day (the simulator refuses days after today): the same seed, the same diary."""


@dataclass(frozen=True)
class Scenario:
    """One simulated setting; the fields are :func:`spasmlog.simulate` arguments."""

    name: str
    days: int
    missing_day_rate: float = 0.0
    missing_when_bad: float = 0.0
    dispersion: float = 0.5
    rate_ar: float = 0.0
    trend: float = 1.0
    counts_only: bool = False
    extra_null_columns: int = 0
    coverage: bool = True  # whether the planted-water coverage study is run for it

    @property
    def key(self) -> str:
        return f"{self.name} {self.days}d"


def _scenarios() -> list[Scenario]:
    out = []
    for days in (45, 120, 365, 730):
        out.append(Scenario("complete", days))
        out.append(Scenario("30% missing", days, missing_day_rate=0.3))
    for days in (120, 365):
        out += [
            Scenario("30% missing, bad days", days, missing_day_rate=0.3, missing_when_bad=1.0),
            Scenario("dispersion 2", days, dispersion=2.0),
            Scenario("rate AR(1) 0.8", days, rate_ar=0.8),
            Scenario("trend 0.5", days, trend=0.5),
            Scenario("counts only", days, counts_only=True),
            Scenario("20 null columns", days, extra_null_columns=20, coverage=False),
        ]
    return out


SCENARIOS: list[Scenario] = _scenarios()
"""The default grid: 8 length × missing settings and 6 harder settings at 120 and 365 days. The 20 null
columns do not enter the model of water, so their coverage study is skipped. With the same seed, "counts only"
gives the same daily table as "complete" (the daily ``spasm_count`` is the number of events): its diaries are
more replicates of the complete setting, through the counts-only path of reading and ``daily_table``."""


def _interventions() -> list[Intervention]:
    return [
        Intervention("magnesium", kind="supplement", rate_ratio=1.0),
        Intervention("sports massage", kind="therapy_session", rate_ratio=1.0, every_days=7),
    ]


def simulate_daily(scenario: Scenario, seed: int, *, planted: bool) -> pd.DataFrame:
    """The daily table of one simulated diary of ``scenario`` (water planted or nothing)."""
    effects = [Effect("water_ml", lag=1, per=500, rate_ratio=PLANTED_RATIO)] if planted else []
    start = (LAST_DAY - timedelta(days=scenario.days - 1)).isoformat()
    options = {k: v for k, v in asdict(scenario).items() if k not in ("name", "days", "coverage")}
    sim = simulate(1, scenario.days, seed=seed, start=start, effects=effects, interventions=_interventions(), **options)
    return daily_table(sim.log)


def null_diary(job: tuple[Scenario, int]) -> dict[str, float]:
    """What the report of one diary with nothing planted states (see the module notes)."""
    scenario, seed = job
    warnings.simplefilter("ignore")
    daily = simulate_daily(scenario, seed, planted=False)
    associations = rate_ratios(daily, alpha=ALPHA)
    sessions = session_interventions(daily)
    others = [str(c) for c in daily.columns if str(c).startswith("on_") and c not in sessions]
    effects = intervention_effect(daily, intervention=others, alpha=ALPHA) if others else pd.DataFrame()
    session_rows = session_effect(daily, sessions=sessions, alpha=ALPHA) if sessions else pd.DataFrame()
    tables = [t for t in (associations, effects, session_rows) if len(t)]
    decided = decide_together(tables, alpha=ALPHA)
    stated = [bool(((t["status"] == "ok") & (t["p_adjusted"] <= ALPHA)).any()) for t in decided]
    ok = associations[associations["status"] == "ok"]
    per_hypothesis = ok.groupby("hypothesis")["p_factor"].first()
    covers = (ok["ci_low"] <= 1.0) & (ok["ci_high"] >= 1.0)

    def tested(table: pd.DataFrame) -> np.ndarray:
        if not len(table):
            return np.array([])
        return table.loc[table["status"] == "ok", "p_value"].to_numpy(dtype=np.float64)

    after = session_rows[session_rows["term"] == "after"] if len(session_rows) else session_rows
    return {
        "any": float(any(stated)),
        "any_rate_ratios_alone": float((ok["p_adjusted"] <= ALPHA).any()),
        "factor_tests": float(per_hypothesis.size),
        "factor_rejections": float((per_hypothesis < ALPHA).sum()),
        "intervention_tests": float(tested(effects).size),
        "intervention_rejections": float((tested(effects) < ALPHA).sum()),
        "session_tests": float(tested(after).size),
        "session_rejections": float((tested(after) < ALPHA).sum()),
        "rows": float(len(ok)),
        "rows_covering_1": float(covers.sum()),
    }


def coverage_diary(job: tuple[Scenario, int]) -> dict[str, float]:
    """Whether the 95 % interval of water at lag 1 covers the planted 0.75 (NaN when not estimated)."""
    scenario, seed = job
    warnings.simplefilter("ignore")
    daily = simulate_daily(scenario, seed, planted=True)
    # each factor has its own model, so water's interval is the same as in the table of every factor
    table = rate_ratios(daily, factors=["water_ml"], alpha=ALPHA)
    row = table[(table["factor"] == "water_ml") & (table["lag"] == 1) & (table["status"] == "ok")]
    if row.empty:
        return {"estimated": 0.0, "covered": float("nan")}
    covered = float(row["ci_low"].iloc[0] <= PLANTED_RATIO <= row["ci_high"].iloc[0])
    return {"estimated": 1.0, "covered": covered}


def seeds(scenario: Scenario, study: str, reps: int, offset: int = 0) -> list[int]:
    """Seeds of one scenario's diaries, distinct across scenarios and studies (``offset``: skip the first)."""
    base = zlib.crc32(f"{scenario.key}|{study}".encode()) % 1_000_000_000
    return [base + offset + i for i in range(reps)]


def clopper_pearson(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Exact binomial interval for k successes in n trials."""
    if n == 0:
        return float("nan"), float("nan")
    a = (1 - level) / 2
    low = 0.0 if k == 0 else float(stats.beta.ppf(a, k, n - k + 1))
    high = 1.0 if k == n else float(stats.beta.ppf(1 - a, k + 1, n - k))
    return low, high


def _rate(k: float, n: float) -> str:
    if n == 0:
        return "—"
    low, high = clopper_pearson(int(k), int(n))
    return f"{k / n:.1%} ({low:.1%}–{high:.1%})"


def null_verdict(k: int, n: int) -> str:
    """``breaks`` when the interval lies above the hard limit, ``?`` above the target, else ``ok``."""
    low, _ = clopper_pearson(k, n)
    if low > NULL_LIMIT:
        return "breaks"
    return "?" if k / max(n, 1) > NULL_TARGET else "ok"


def coverage_verdict(k: int, n: int) -> str:
    """``breaks`` when the interval lies outside 93–97 %, ``?`` for a point estimate outside it, else ``ok``."""
    if n == 0:
        return "—"
    low, high = clopper_pearson(k, n)
    if high < COVERAGE_TARGET[0] or low > COVERAGE_TARGET[1]:
        return "breaks"
    return "ok" if COVERAGE_TARGET[0] <= k / n <= COVERAGE_TARGET[1] else "?"


def _row(scenario: Scenario, null: list[dict[str, float]], cov: list[dict[str, float]]) -> str:
    """One Markdown row: the null study's rates and the coverage study's, with their intervals and verdicts."""
    sums = {k: sum(r[k] for r in null) for k in null[0]} if null else {}
    n = len(null)
    estimated = [r for r in cov if r["estimated"]]
    k_cov = int(sum(r["covered"] for r in estimated))
    coverage_text = _rate(k_cov, len(estimated)) if scenario.coverage else "not run"
    coverage_flag = coverage_verdict(k_cov, len(estimated)) if scenario.coverage else "—"
    return (
        f"| {scenario.name} | {scenario.days} | {n} | {_rate(sums['any'], n)} | "
        f"{null_verdict(int(sums['any']), n)} | {_rate(sums['any_rate_ratios_alone'], n)} | "
        f"{_rate(sums['factor_rejections'], sums['factor_tests'])} | "
        f"{_rate(sums['intervention_rejections'], sums['intervention_tests'])} | "
        f"{_rate(sums['session_rejections'], sums['session_tests'])} | "
        f"{sums['rows_covering_1'] / max(sums['rows'], 1):.1%} | "
        f"{len(estimated)}/{len(cov)} | {coverage_text} | {coverage_flag} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--null-reps", type=int, default=60, help="diaries with nothing planted per scenario")
    parser.add_argument("--coverage-reps", type=int, default=150, help="diaries with water planted per scenario")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scenarios", nargs="*", default=None, help="scenario keys, e.g. 'complete 120d'")
    parser.add_argument("--offset", type=int, default=0, help="skip this many seeds (fresh diaries)")
    parser.add_argument("--csv", default=None, help="also write every diary's result to this file")
    options = parser.parse_args()
    chosen = [s for s in SCENARIOS if options.scenarios is None or s.key in options.scenarios]
    started = time.perf_counter()
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"machine: {machine}, {options.workers} workers")
    print(f"command: python {' '.join(sys.argv)}\n")
    print(
        "| scenario | days | null diaries | any finding, report (95% CI) | verdict | rate_ratios alone | "
        "factor tests p<0.05 | intervention tests p<0.05 | session tests p<0.05 | null rows' CI cover 1 | "
        "water diaries estimated | coverage of 0.75 (95% CI) | verdict |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|", flush=True)
    records = []
    with ProcessPoolExecutor(options.workers) as pool:
        for scenario in chosen:  # one row at a time, so that a long run shows its rows as they come
            null = list(
                pool.map(
                    null_diary, [(scenario, s) for s in seeds(scenario, "null", options.null_reps, options.offset)]
                )
            )
            coverage_seeds = (
                seeds(scenario, "coverage", options.coverage_reps, options.offset) if scenario.coverage else []
            )
            cov = list(pool.map(coverage_diary, [(scenario, s) for s in coverage_seeds], chunksize=2))
            records += [{"scenario": scenario.key, "study": "nothing planted", **r} for r in null]
            records += [{"scenario": scenario.key, "study": "coverage", **r} for r in cov]
            print(_row(scenario, null, cov), flush=True)
    if options.csv:
        pd.DataFrame(records).to_csv(options.csv, index=False)
    print(f"\n{time.perf_counter() - started:.0f} s in all")


if __name__ == "__main__":
    main()
