"""Simulation studies of personal experiments: the randomisation test keeps its level, and the planner's promise
of power is kept by the analysis of planted effects."""

from __future__ import annotations

import numpy as np
import pytest

import spasmlog
from spasmlog.analysis.experiments import experiment_effect, plan_experiment
from spasmlog.simulate import Experiment, simulate

REPS = 300


def _run(rate_ratio: float, pairs: int, rep: int, **options: float) -> dict:
    plan = Experiment("magnesium", rate_ratio=rate_ratio, pairs=pairs, block_days=7, washout_days=0, seed=rep)
    sim = simulate(days=plan.days, seed=10_000 + rep, interventions=[], effects=[], experiment=plan, factors=[],
                   person_sd=0.0, missing_cell_rate=0.0, **options)  # fmt: skip
    out = experiment_effect(spasmlog.daily_table(sim.log), experiment=sim.log.experiments)
    return dict(out.iloc[0])


@pytest.mark.slow  # ~1 min: 300 simulated experiments of 6 pairs without an effect
def test_randomisation_test_and_count_model_keep_their_level() -> None:
    rows = [_run(1.0, 6, rep, baseline_per_day=1.0, dispersion=0.5, rate_ar=0.5, rate_ar_sd=0.4) for rep in range(REPS)]
    p_rand = np.array([r["randomisation_p"] for r in rows])
    p_model = np.array([r["p_value"] for r in rows])
    error = 2 * np.sqrt(0.05 * 0.95 / REPS)  # two Monte Carlo standard errors
    assert np.isfinite(p_rand).all()
    assert np.mean(p_rand < 0.05) <= 0.05 + error
    assert np.mean(p_model[np.isfinite(p_model)] < 0.05) <= 0.05 + error
    # the exact test is exact: P(p <= k/64) <= k/64 at every attainable level, within Monte Carlo error
    for level in (2 / 64, 8 / 64, 16 / 64, 32 / 64):
        assert np.mean(p_rand <= level + 1e-12) <= level + 2 * np.sqrt(level * (1 - level) / REPS)


@pytest.mark.slow  # ~1.5 min: the planner's promise for 4 pairs of 7-day blocks, then 300 planted experiments
def test_a_planted_ratio_of_0_6_is_found_as_often_as_the_planner_promised() -> None:
    options = {"baseline_per_day": 1.5, "dispersion": 0.3}
    history = simulate(days=365, seed=1, interventions=[], effects=[], factors=[], person_sd=0.0, **options)
    plan = plan_experiment(spasmlog.daily_table(history.log), change="magnesium", pairs=4, block_days=7,
                           washout_days=0, effect=0.6, start="2030-01-06", seed=2, n_sim=1000)  # fmt: skip
    promised = float(plan.power.loc[plan.power["pairs"] == 4, "power_model"].iloc[0])
    rows = [_run(0.6, 4, rep, **options) for rep in range(REPS)]
    found = np.mean([r["rate_ratio"] < 1 and r["p_value"] < 0.05 for r in rows])
    assert 0.2 < promised < 0.95  # a study that can fail either way
    assert abs(found - promised) <= 0.10, (found, promised)
