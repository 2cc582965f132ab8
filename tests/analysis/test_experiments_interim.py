"""A personal experiment still running, and short blocks: the estimate so far without a verdict, a count model
that a pair without spasms does not stop, and a power statement that says why a plan's chance is low."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import spasmlog
from spasmlog.analysis.experiments import experiment_effect, plan_experiment
from spasmlog.simulate import Experiment, simulate
from spasmlog.stats.randomisation import block_layout, count_model, design_power, draw_schedule

VERDICT = ("lowered", "raised", "Because the order of the blocks was drawn at random", "evidence")


def _strong(rate_ratio: float = 0.3):
    plan = Experiment("magnesium", rate_ratio=rate_ratio, pairs=6, block_days=7, washout_days=2, seed=3)
    sim = simulate(days=plan.days + 10, seed=3, interventions=[], effects=[], experiment=plan,
                   baseline_per_day=2.0, missing_day_rate=0.0)  # fmt: skip
    return sim.log, spasmlog.daily_table(sim.log)


def test_an_experiment_half_logged_gives_its_estimate_so_far_and_no_verdict() -> None:
    log, daily = _strong()
    whole = experiment_effect(daily, experiment=log.experiments).iloc[0]
    assert whole["status"] == "ok" and "Because the order of the blocks was drawn at random" in whole["sentence"]
    first = log.experiments["start"].min()
    ends = log.experiments["end"].max()
    cut = first + pd.Timedelta(days=40)  # blocks 0-3 (7 days each, 2-day washouts) and 5 days of block 4
    out = experiment_effect(daily[daily["date"] <= cut], experiment=log.experiments, as_of=cut).iloc[0]
    assert out["status"] == "in_progress"
    assert (out["days_on"] + out["days_off"], out["days_planned"]) == (4 * 7 + 5, 84)
    assert out["sentence"].startswith(
        f"So far, with 33 of 84 planned block days logged (up to {cut:%Y-%m-%d}; the plan ends on {ends:%Y-%m-%d}), "
        "during the on-blocks (magnesium) you had "
    )
    assert not any(word in out["sentence"] for word in VERDICT), out["sentence"]
    assert f"{out['days_to_come']} planned days are still to come" in out["sentence"]
    assert out["ci_low"] < out["rate_ratio"] < out["ci_high"]  # the estimate and its interval are given
    assert np.isnan(out["randomisation_p"])
    assert out["randomisation_method"] == f"waits for the plan's end ({ends:%Y-%m-%d})"
    assert (out["n_schedules"], out["smallest_p"]) == (64, 2 / 64)  # the design's, known before its end


def test_an_experiment_logged_to_its_last_day_is_over() -> None:
    log, daily = _strong()
    ends = log.experiments["end"].max()
    out = experiment_effect(daily[daily["date"] <= ends], experiment=log.experiments, as_of=ends).iloc[0]
    assert out["status"] == "ok" and out["days_to_come"] == 0 and np.isfinite(out["randomisation_p"])
    early = experiment_effect(daily[daily["date"] < ends], experiment=log.experiments, as_of=ends).iloc[0]
    assert early["status"] == "in_progress" and early["days_to_come"] == 1
    assert "1 planned day is still to come" in early["sentence"]


def test_an_experiment_whose_last_day_has_passed_is_over_even_if_its_last_days_were_not_logged() -> None:
    # stopped early, or the diary stopped a day before the plan's end: the plan is over, and the sentence says
    # how many of its days were never logged instead of waiting for them for ever
    log, daily = _strong()
    ends = log.experiments["end"].max()
    cut = ends - pd.Timedelta(days=3)
    after = ends + pd.Timedelta(days=1)
    out = experiment_effect(daily[daily["date"] <= cut], experiment=log.experiments, as_of=after).iloc[0]
    assert out["status"] == "ok" and np.isfinite(out["randomisation_p"])
    assert (out["days_to_come"], out["days_not_logged"]) == (0, 3)
    assert f"The plan ended on {ends:%Y-%m-%d}: its last 3 planned days were not logged." in out["sentence"]
    assert "still to come" not in out["sentence"]
    default = experiment_effect(daily[daily["date"] <= cut], experiment=log.experiments).iloc[0]  # today: 2026 on
    assert default["status"] == "ok"


def _one_day_blocks(y: list[float], on_first: list[bool]) -> tuple[np.ndarray, ...]:
    drawn = np.ravel([[first, not first] for first in on_first])
    block, _ = block_layout(len(on_first), 1, 0)
    return np.asarray(y, dtype=float), drawn[block], block // 2, block >= 0


def test_a_pair_without_spasms_does_not_stop_the_count_model() -> None:
    # 1-day blocks: each pair is one on-day and one off-day. With an intercept per pair, the model's rate ratio
    # is the conditional (binomial) one: on-spasms / off-spasms over the pairs, a pair of two zeros adding nothing
    y = [2, 1, 0, 0, 1, 3, 0, 2, 4, 1, 0, 0, 1, 2, 2, 0]
    values, on, pair, used = _one_day_blocks(y, [True, False, True, False, True, True, False, False])
    rate_ratio, low, high, p, ok = count_model(values, on, pair, used)
    assert ok[0]
    assert rate_ratio[0] == pytest.approx(values[on].sum() / values[~on].sum(), rel=1e-6)
    assert low[0] < rate_ratio[0] < high[0] and 0 < p[0] < 1


def test_one_day_blocks_have_the_power_the_randomisation_test_has() -> None:
    # 20 pairs of 1-day blocks at 1.3 spasms a day: most simulated plans have a pair with no spasm on either day,
    # which made the count model refuse nearly every one (a power of about 0%, against 13% by randomisation)
    out = design_power(1.3, rate_ratio=0.7, pairs=20, block_days=1, dispersion=0.1, n_sim=400, seed=1)
    assert out["power_model"] > 0.07
    assert abs(out["power_model"] - out["power_randomisation"]) < 0.08, out


def test_the_count_model_keeps_its_level_with_one_day_blocks() -> None:
    rng = np.random.default_rng(7)
    n, pairs = 2000, 20
    block, _ = block_layout(pairs, 1, 0)
    drawn = draw_schedule(pairs, seed=rng, size=n)
    on = np.take_along_axis(drawn, block[None, :].repeat(n, 0), 1)
    y = rng.poisson(1.3, size=on.shape).astype(float)
    *_, p, ok = count_model(y, on, block // 2, block >= 0)
    assert ok.mean() > 0.99
    assert np.mean(p[ok] < 0.05) < 0.05 + 2 * np.sqrt(0.05 * 0.95 / n)


def _history(mean: float = 1.3, days: int = 120) -> pd.DataFrame:
    counts = np.random.default_rng(2).poisson(mean, days).astype(float)
    return pd.DataFrame({"date": pd.date_range("2025-01-01", periods=days), "spasm_count": counts})


def test_the_statement_of_the_most_pairs_says_why_the_chance_is_low() -> None:
    history = _history()
    usual = f"{history['spasm_count'].mean():.2g}"
    plan = plan_experiment(history, change="x", pairs=20, block_days=1, washout_days=0, start="2030-01-01",
                           seed=1, n_sim=200)  # fmt: skip
    row = plan.power.iloc[0]
    assert plan.power["pairs"].tolist() == [20] and row["power_model"] < 0.8
    assert "Even 20 pairs" not in plan.statement  # 20 pairs is what was asked
    assert f"The chance is low because 20 on-days against as many off-days, at {usual} spasms a day" in plan.statement
    assert "With 1-day blocks and no washout, a change whose effect lasts into the next days" in plan.statement
    assert "carry-over check needs blocks of 3 days or more" in plan.statement
    assert abs(row["power_model"] - row["power_randomisation"]) < 0.1  # the two figures tell one story


def test_the_statement_offers_more_pairs_only_when_they_were_simulated() -> None:
    plan = plan_experiment(_history(), change="x", pairs=4, block_days=1, washout_days=0, start="2030-01-01",
                           seed=1, n_sim=100)  # fmt: skip
    most = int(plan.power["pairs"].iloc[-1])
    assert most > 4 and (f"Even {most} pairs would give only" in plan.statement or "pairs would give" in plan.statement)
    assert "The chance is low because" not in plan.statement
    week = plan_experiment(_history(), change="x", pairs=4, block_days=7, start="2030-01-01", seed=1, n_sim=50)
    assert "carry-over check needs" not in week.statement  # 7-day blocks can be checked


@pytest.mark.parametrize(("percent", "said"), [(8, "an 8"), (11, "an 11"), (18, "an 18"), (80, "an 80"),
                                               (13, "a 13"), (70, "a 70"), (100, "a 100")])  # fmt: skip
def test_the_article_follows_the_number_as_said(percent: int, said: str) -> None:
    from spasmlog.analysis.experiments import _a

    assert _a(percent) == said


def test_days_past_but_not_logged_are_not_said_to_be_still_to_come() -> None:
    # the diary stopped 40 days into the plan; the analysis is made 20 days later, while the plan still runs
    log, daily = _strong()
    first, ends = log.experiments["start"].min(), log.experiments["end"].max()
    last = first + pd.Timedelta(days=40)
    now = last + pd.Timedelta(days=21)
    out = experiment_effect(daily[daily["date"] <= last], experiment=log.experiments, as_of=now).iloc[0]
    assert out["status"] == "in_progress"
    to_come = (ends - now).days + 1  # as_of itself is still to come: the day is not over
    assert (out["days_not_logged"], out["days_to_come"]) == (20, to_come)
    assert f"{to_come} planned days are still to come (from {now:%Y-%m-%d} on)" in out["sentence"]
    assert (
        f"20 planned days after the last logged day have passed without being logged (before {now:%Y-%m-%d})"
        in (out["sentence"])
    )
