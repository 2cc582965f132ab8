"""The simulator plants a randomised experiment: its plan in the log, its effect on the on-days as done."""

from __future__ import annotations

import numpy as np
import pytest

from spasmlog.analysis.experiments import experiment_days
from spasmlog.errors import ParameterError
from spasmlog.simulate import Experiment, simulate
from spasmlog.stats.randomisation import draw_schedule


def test_the_plan_ends_on_the_last_day_and_follows_its_seed() -> None:
    plan = Experiment("magnesium", rate_ratio=0.5, pairs=3, block_days=4, washout_days=1, seed=9)
    sim = simulate(n_people=2, days=40, seed=1, interventions=[], experiment=plan)
    rows = sim.log.experiments
    assert rows["end"].max() == sim.rates["date"].max()
    for i, (_person, part) in enumerate(rows.groupby("person_id")):
        blocks = part[part["arm"] != "washout"]
        assert (blocks["arm"] == "on").tolist() == draw_schedule(3, seed=9 + i).tolist()
        assert (part["seed"] == 9 + i).all()


def test_the_expected_rate_carries_the_planted_ratio_on_on_days() -> None:
    plan = Experiment("magnesium", rate_ratio=0.4, pairs=2, block_days=5, washout_days=2, seed=1)
    sim = simulate(days=30, seed=2, interventions=[], effects=[], trend=1.0, experiment=plan, person_sd=0.0)
    days = experiment_days(sim.log.experiments).merge(sim.rates, on=["person_id", "date"])
    expected = days.groupby("arm")["expected"].mean()
    assert expected["on"] / expected["off"] == pytest.approx(0.4)
    assert expected["washout"] == pytest.approx(expected["off"])


def test_days_done_against_the_plan_are_noted_and_follow_what_was_done() -> None:
    plan = Experiment("magnesium", rate_ratio=0.5, pairs=4, block_days=7, seed=3, adherence=0.7)
    sim = simulate(days=56, seed=3, interventions=[], effects=[], experiment=plan, person_sd=0.0,
                   missing_day_rate=0.0)  # fmt: skip
    days = experiment_days(sim.log.experiments).merge(sim.log.daily, on=["person_id", "date"])
    days = days.merge(sim.rates, on=["person_id", "date"])
    noted = days["experiment_arm_done"].notna()
    assert 0.15 < noted.mean() < 0.45
    assert (days.loc[noted, "experiment_arm_done"] != days.loc[noted, "arm"]).all()
    done_on = np.where(noted, days["experiment_arm_done"] == "on", days["arm"] == "on")
    ratio = days.loc[done_on, "expected"].mean() / days.loc[~done_on, "expected"].mean()
    assert ratio == pytest.approx(0.5)


def test_an_experiment_longer_than_the_log_is_refused() -> None:
    with pytest.raises(ParameterError, match="experiment"):
        simulate(days=20, experiment=Experiment("x", pairs=4))
