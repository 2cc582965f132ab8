"""Planning and analysing a personal experiment: the plan's rows, the file, the power statement, the effect."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import spasmlog
from spasmlog.analysis.experiments import (
    ADHERENCE_COLUMN,
    AdherenceValueWarning,
    experiment_days,
    experiment_effect,
    first_free_start,
    history,
    plan_experiment,
)
from spasmlog.errors import ParameterError, SpasmlogError
from spasmlog.simulate import Experiment, simulate
from spasmlog.stats.randomisation import draw_schedule


def _daily(counts: list[float], start: str = "2025-01-01") -> pd.DataFrame:
    dates = pd.date_range(start, periods=len(counts))
    return pd.DataFrame({"person_id": "me", "date": dates, "spasm_count": counts})


def test_plan_rows_follow_the_seeded_draw() -> None:
    plan = plan_experiment(None, change="magnesium glycinate 300 mg", pairs=3, block_days=5, washout_days=1,
                           start="2030-02-01", seed=11)  # fmt: skip
    periods = plan.periods
    blocks = periods[periods["arm"] != "washout"]
    expected = draw_schedule(3, seed=11)
    assert (blocks["arm"] == "on").tolist() == expected.tolist()
    assert periods["period"].tolist() == list(range(1, 12))
    assert (periods["seed"] == 11).all() and (periods["design"] == "pairs").all()
    assert periods["start"].iloc[0] == pd.Timestamp("2030-02-01")
    assert periods["end"].iloc[-1] == pd.Timestamp("2030-02-01") + pd.Timedelta(days=6 * 5 + 5 - 1)
    assert plan.experiment_id == "magnesium-glycinate-300-mg-2030-02-01"


def test_plan_rows_are_a_valid_experiments_table() -> None:
    plan = plan_experiment(None, change="Dehnen – Wade", pairs=2, start="2030-01-01", seed=1)
    log = spasmlog.validate_tables({"experiments": plan.periods})
    assert len(log.experiments) == len(plan.periods)
    assert log.experiments["arm"].tolist() == plan.periods["arm"].tolist()


def test_days_of_a_plan() -> None:
    plan = plan_experiment(None, change="x", pairs=2, block_days=3, washout_days=2, start="2030-01-01", seed=2)
    days = experiment_days(plan.periods)
    assert len(days) == 4 * 3 + 3 * 2
    assert (days["date"].diff().dropna() == pd.Timedelta(days=1)).all()
    assert days.loc[days["arm"] == "washout", "block"].eq(-1).all()
    assert days.loc[days["block"] >= 0].groupby("block").size().eq(3).all()
    assert days.loc[days["block"] >= 0, "pair"].tolist() == [0] * 6 + [1] * 6


def test_write_adds_to_the_experiments_file_and_refuses_a_repeat(tmp_path) -> None:
    first = plan_experiment(None, change="magnesium", pairs=2, start="2030-01-01", seed=1)
    second = plan_experiment(None, change="stretching", pairs=2, start="2030-03-01", seed=2)
    path = first.write(tmp_path)
    second.write(tmp_path)
    log = spasmlog.read_log(tmp_path)
    assert set(log.experiments["experiment_id"]) == {first.experiment_id, second.experiment_id}
    assert len(log.experiments) == len(first.periods) + len(second.periods)
    with pytest.raises(SpasmlogError, match="already holds the experiment"):
        first.write(tmp_path)
    assert len(spasmlog.read_log(path).experiments) == len(log.experiments)  # unchanged by the refusal


def test_history_of_a_hand_made_series() -> None:
    counts = [0, 2, 0, 2, 0, 2, np.nan, 2]
    h = history(_daily(counts))
    logged = np.array([0, 2, 0, 2, 0, 2, 2], dtype=float)
    assert h["days"] == 7 and h["mean_per_day"] == pytest.approx(logged.mean())
    m, v = logged.mean(), logged.var(ddof=1)
    assert h["dispersion"] == pytest.approx(max(0.0, (v - m) / m**2))  # fewer than 14 days: no latent series
    assert h["missing_rate"] == pytest.approx(1 / 8)


def test_statement_without_history_says_so() -> None:
    plan = plan_experiment(_daily([1, 0, 2]), change="magnesium", start="2030-01-01", seed=1)
    assert "not enough history" in plan.statement
    assert plan.statement.startswith("This design cannot show a change at the 5% level")  # 4 pairs, known up front
    assert "6 pairs or more can" in plan.statement
    six = plan_experiment(_daily([1, 0, 2]), change="magnesium", pairs=6, start="2030-01-01", seed=1)
    assert six.statement.startswith("This plan (6 pairs") and "cannot show" not in six.statement
    assert plan.power["power_model"].isna().all()


def test_statement_with_history_gives_a_chance_and_the_randomisation_limit() -> None:
    rng = np.random.default_rng(1)
    plan = plan_experiment(_daily(list(rng.poisson(0.8, 60).astype(float))), change="magnesium", start="2030-01-01",
                           seed=1, n_sim=100)  # fmt: skip
    # 4 pairs: the randomisation test, which the verdict needs, cannot go below 2/16; said first
    assert plan.statement.startswith("This design (4 pairs of 7-day blocks with 2 washout days between blocks: 70 days)"
                                     " cannot show a change at the 5% level")  # fmt: skip
    assert "cannot go below p = 0.125 with 4 pairs; 6 pairs or more can" in plan.statement
    assert "With your usual 0." in plan.statement and "about a 100%" not in plan.statement
    assert (plan.power.loc[plan.power["pairs"] == 4, "power_both"] == 0).all()
    assert plan.power["pairs"].iloc[0] == 4


@pytest.mark.parametrize(
    ("options", "says"),
    [
        ({"start": "2020-01-06"}, "an experiment is planned before it starts"),  # days already lived: not drawn
        ({"start": "06/01/2031"}, "YYYY-MM-DD"),  # day or month first: never guessed
        ({"start": "2031-02-30"}, "YYYY-MM-DD"),
        ({"pairs": 1}, "from 2 to 20"),  # one pair: the randomisation test's smallest p is 1/2
        ({"pairs": 0}, "from 2 to 20"),  # the same message for every count out of range
        ({"seed": 2**64}, "from 0 to 4294967295"),
        ({"pairs": 21}, "from 2 to 20"),
        ({"block_days": 10_000}, "from 1 to 28"),
        ({"washout_days": 15}, "from 0 to 14"),
        ({"effect": 1.0}, "other than 1"),
    ],
)
def test_plan_refuses_what_cannot_be_a_randomised_experiment(options: dict, says: str) -> None:
    arguments = {"change": "x", "start": "2031-01-06", "seed": 1, "n_sim": 20, **options}
    with pytest.raises(ParameterError, match=re.escape(says)):
        plan_experiment(_daily([1, 2]), **arguments)


def test_plan_needs_a_person_among_several() -> None:
    daily = pd.concat([_daily([1, 2]), _daily([0, 1]).assign(person_id="you")])
    with pytest.raises(ParameterError, match="person"):
        plan_experiment(daily, change="x", start="2030-01-01", seed=1)


def _experiment_log(rate_ratio: float, *, seed: int = 3, adherence: float = 1.0, pairs: int = 6):
    plan = Experiment("magnesium", rate_ratio=rate_ratio, pairs=pairs, block_days=7, washout_days=2, seed=seed,
                      adherence=adherence)  # fmt: skip
    return simulate(days=plan.days + 10, seed=seed, interventions=[], effects=[], experiment=plan,
                    baseline_per_day=2.0, missing_day_rate=0.0)  # fmt: skip


def test_effect_counts_days_by_plan_and_leaves_washout_out() -> None:
    sim = _experiment_log(0.5)
    daily = spasmlog.daily_table(sim.log)
    out = experiment_effect(daily, experiment=sim.log.experiments).iloc[0]
    assert (out["days_on"], out["days_off"], out["days_washout"]) == (42, 42, 11 * 2)
    days = experiment_days(sim.log.experiments).merge(daily, on=["person_id", "date"])
    on = days.loc[days["arm"] == "on", "spasm_count"].mean()
    off = days.loc[days["arm"] == "off", "spasm_count"].mean()
    assert out["mean_on"] == pytest.approx(on) and out["mean_off"] == pytest.approx(off)
    assert out["ci_low"] < out["rate_ratio"] < out["ci_high"] < 1
    assert out["n_schedules"] == 64 and out["randomisation_method"] == "exact"
    assert out["status"] == "ok" and out["days_off_schedule"] == 0


def test_effect_wording_is_careful() -> None:
    strong = experiment_effect(spasmlog.daily_table((s := _experiment_log(0.3)).log), experiment=s.log.experiments)
    assert "Because the order of the blocks was drawn at random" in strong["sentence"].iloc[0]
    none = experiment_effect(spasmlog.daily_table((n := _experiment_log(1.0)).log), experiment=n.log.experiments)
    assert "does not show" in none["sentence"].iloc[0] and "yet" not in none["sentence"].iloc[0]  # it has ended


def test_days_off_schedule_are_counted_and_left_out_per_protocol() -> None:
    sim = _experiment_log(0.5, adherence=0.8)
    daily = spasmlog.daily_table(sim.log)
    noted = sim.log.daily[ADHERENCE_COLUMN].notna().sum()
    out = experiment_effect(daily, experiment=sim.log.experiments).iloc[0]
    assert out["days_off_schedule"] == noted > 0
    assert np.isfinite(out["pp_rate_ratio"]) and out["pp_rate_ratio"] != out["rate_ratio"]
    assert "off schedule" in out["sentence"]


def test_an_adherence_cell_neither_on_nor_off_is_named_never_silently_ignored() -> None:
    sim = _experiment_log(0.5, adherence=0.8)
    daily = spasmlog.daily_table(sim.log)
    noted = daily[ADHERENCE_COLUMN].notna()
    first = daily.index[noted][0]  # a day done off schedule, now written as a word the analysis cannot read
    daily.loc[first, ADHERENCE_COLUMN] = "Skipped"
    day = f"{daily.loc[first, 'date']:%Y-%m-%d}"
    with pytest.warns(AdherenceValueWarning, match=f"1 cell.*{day}: 'skipped'"):
        out = experiment_effect(daily, experiment=sim.log.experiments).iloc[0]
    assert out["days_off_schedule"] == noted.sum() - 1


def test_an_experiment_not_yet_logged_says_so() -> None:
    plan = plan_experiment(None, change="magnesium", start="2030-01-01", seed=1)
    out = experiment_effect(_daily([1, 2, 3]), experiment=plan.periods).iloc[0]
    assert out["status"].startswith("not enough data")


def test_effect_refuses_a_table_that_is_no_plan() -> None:
    with pytest.raises(ParameterError, match="experiment_id"):
        experiment_effect(_daily([1]), experiment=pd.DataFrame({"person_id": ["me"]}))


def test_a_plan_typed_by_hand_with_only_the_required_columns_is_analysed() -> None:
    rng = np.random.default_rng(4)
    daily = _daily(list(rng.poisson(1.5, 28).astype(float)), start="2025-03-03")
    plan = pd.DataFrame(
        {
            "person_id": "me",
            "experiment_id": "by-hand",
            "change": "heat pad",
            "period": [1, 2, 3, 4],
            "arm": ["off", "on", "on", "off"],
            "start": pd.to_datetime(["2025-03-03", "2025-03-10", "2025-03-17", "2025-03-24"]),
            "end": pd.to_datetime(["2025-03-09", "2025-03-16", "2025-03-23", "2025-03-30"]),
        }
    )
    out = experiment_effect(daily, experiment=plan).iloc[0]
    assert out["against"] == "none" and out["n_schedules"] == 4 and out["days_on"] == 14
    on = daily["spasm_count"].iloc[7:21].mean()
    assert out["mean_on"] == pytest.approx(on)


def test_write_refuses_a_plan_that_overlaps_another_and_names_the_first_free_day(tmp_path) -> None:
    first = plan_experiment(None, change="magnesium", pairs=2, block_days=7, washout_days=2, start="2030-01-01", seed=1)
    path = first.write(tmp_path)  # 2030-01-01 to 2030-02-03: 4 blocks of 7 days and 3 washouts of 2
    clash = plan_experiment(None, change="stretching", pairs=2, block_days=3, washout_days=0, start="2030-01-20",
                            seed=2)  # fmt: skip
    with pytest.raises(SpasmlogError, match="magnesium-2030-01-01") as caught:
        clash.write(tmp_path)
    assert "2030-01-01 to 2030-02-03" in caught.value.message and caught.value.first_free == "2030-02-04"
    assert len(spasmlog.read_log(path).experiments) == len(first.periods)  # unchanged by the refusal
    later = plan_experiment(None, change="stretching", pairs=2, block_days=3, washout_days=0, start="2030-02-04",
                            seed=2)  # fmt: skip
    later.write(tmp_path)  # the first free day is free
    clash.write(tmp_path, allow_overlap=True)  # on purpose
    assert spasmlog.read_log(path).experiments["experiment_id"].nunique() == 3


def test_first_free_start_skips_every_experiment_in_the_way() -> None:
    a = plan_experiment(None, change="a", pairs=2, block_days=2, washout_days=0, start="2030-01-01", seed=1)
    b = plan_experiment(None, change="b", pairs=2, block_days=2, washout_days=0, start="2030-01-12", seed=1)
    both = pd.concat([a.periods, b.periods])  # 01-01 to 01-08 and 01-12 to 01-19
    assert first_free_start(both, "me", pd.Timestamp("2030-01-03"), 4).date().isoformat() == "2030-01-20"
    assert first_free_start(both, "me", pd.Timestamp("2030-01-03"), 3).date().isoformat() == "2030-01-09"
    assert first_free_start(both, "someone else", pd.Timestamp("2030-01-03"), 30) == pd.Timestamp("2030-01-03")


def test_days_after_the_last_logged_day_are_to_come_not_counted() -> None:
    plan = plan_experiment(None, change="magnesium", pairs=2, block_days=7, washout_days=2, start="2030-01-01", seed=1)
    # 2030-01-01 to 2030-02-03: blocks 01-01..07, 01-10..16, 01-19..25, 01-28..02-03; washouts between
    rng = np.random.default_rng(0)
    daily = _daily(list(rng.poisson(1.0, size=51).astype(float)), start="2029-12-01")  # to 2030-01-20
    out = experiment_effect(daily, experiment=plan.periods).iloc[0]
    assert out["days_washout"] == 4  # 01-08, 01-09, 01-17, 01-18; not the two washouts still ahead
    assert out["days_on"] + out["days_off"] == 16 and out["days_planned"] == 28
    assert out["days_to_come"] == 34 - 20
    assert "14 planned days are still to come" in out["sentence"]
    done = experiment_effect(_daily([1.0] * 40, start="2030-01-01"), experiment=plan.periods).iloc[0]
    assert (done["days_washout"], done["days_to_come"]) == (6, 0) and "still to come" not in done["sentence"]


def test_the_power_of_a_plan_does_not_depend_on_its_draw() -> None:
    daily = spasmlog.daily_table(simulate(days=120, seed=5, interventions=[], effects=[]).log)
    plans = [plan_experiment(daily, change="x", pairs=6, start="2030-01-01", seed=seed, n_sim=40) for seed in (1, 2)]
    assert not plans[0].periods["arm"].equals(plans[1].periods["arm"])  # two draws of the same plan
    assert plans[0].power.equals(plans[1].power) and plans[0].statement == plans[1].statement
    other = plan_experiment(daily, change="x", pairs=6, start="2030-01-01", seed=1, n_sim=40, effect=0.6)
    assert not other.power["power_model"].equals(plans[0].power["power_model"])  # another design: other draws
    row = plans[0].power.iloc[0]
    assert row["mc_error"] == pytest.approx(np.sqrt(row["power_both"] * (1 - row["power_both"]) / 40))
    margin = round(196 * row["mc_error"])
    assert margin >= 1 and f"(From 40 simulated experiments: within about ±{margin} points.)" in plans[0].statement


def test_the_adherence_column_is_the_log_formats() -> None:
    # one fact, one place: the name the analysis reads is the daily column the log format declares, on or off
    from spasmlog.logformat.schemas import ARMS_DONE, field_specs

    assert field_specs("daily")[ADHERENCE_COLUMN].allowed == tuple(ARMS_DONE) == ("on", "off")


def _simulated_experiment():
    sim = simulate(days=120, seed=2, interventions=[], effects=[],
                   experiment=Experiment("magnesium", rate_ratio=0.5, pairs=4, seed=4))  # fmt: skip
    return spasmlog.daily_table(sim.log), sim.log.experiments


@pytest.mark.parametrize(("dropped", "said"), [((3, 5), "periods 3, 5 of 8 are missing"),
                                               ((8,), "period 8 of 8 is missing")])  # fmt: skip
def test_a_plan_with_periods_set_aside_is_not_analysed(dropped: tuple[int, ...], said: str) -> None:
    daily, plans = _simulated_experiment()
    assert len(plans) == 8  # 4 pairs, no washouts
    damaged = plans[~plans["period"].isin(dropped)]
    effect = experiment_effect(daily, experiment=damaged).iloc[0]
    assert effect["status"] == "plan_incomplete"
    assert said in effect["sentence"] and "experiments.csv" in effect["sentence"]
    assert np.isnan(effect["rate_ratio"]) and np.isnan(effect["randomisation_p"])
    assert experiment_effect(daily, experiment=plans).iloc[0]["status"] == "ok"  # the whole plan is analysed


def test_a_pair_edited_to_two_on_blocks_is_not_analysed() -> None:
    daily, plans = _simulated_experiment()
    damaged = plans.copy()
    blocks = damaged.index[(damaged["pair"] == 2) & (damaged["arm"] != "washout")]
    damaged.loc[blocks, "arm"] = "on"
    effect = experiment_effect(daily, experiment=damaged).iloc[0]
    assert effect["status"] == "plan_incomplete"
    assert "pair 2 does not have one on- and one off-block" in effect["sentence"]


def test_a_plan_whose_pairs_column_disagrees_with_its_periods_is_not_analysed() -> None:
    daily, plans = _simulated_experiment()
    damaged = plans.copy()
    damaged["pairs"] = 3
    effect = experiment_effect(daily, experiment=damaged).iloc[0]
    assert effect["status"] == "plan_incomplete"
    assert "the plan says 3 pairs but its periods hold 4" in effect["sentence"]


def test_a_period_that_starts_inside_the_plan_gives_no_result() -> None:
    daily, plans = _simulated_experiment()
    third = plans.loc[plans["period"] == 3, "start"].iloc[0]
    before = (third - plans["start"].min()).days
    effect = experiment_effect(daily[daily["date"] >= third], experiment=plans, period_start=third).iloc[0]
    assert effect["status"] == "plan_cut"
    assert np.isnan(effect["randomisation_p"])
    assert f"{before} of its planned days" in effect["sentence"] and "randomisation p" not in effect["sentence"]
    assert "evidence" not in effect["sentence"] and "--from" in effect["sentence"]
    # days not logged at the plan's start (the daily table starts later) are missing days, analysed by the plan
    late = experiment_effect(daily[daily["date"] >= third], experiment=plans).iloc[0]
    assert late["status"] == "ok" and np.isfinite(late["randomisation_p"])
    # a period that starts on the plan's first day holds the whole plan
    start = plans["start"].min()
    whole = experiment_effect(daily[daily["date"] >= start], experiment=plans, period_start=start).iloc[0]
    assert whole["status"] == "ok" and np.isfinite(whole["randomisation_p"])


def test_the_chance_stated_is_that_of_the_verdict_both_tests_showing_it() -> None:
    rng = np.random.default_rng(3)
    daily = _daily(list(rng.poisson(3.0, 90).astype(float)))
    plan = plan_experiment(daily, change="magnesium", pairs=6, start="2030-01-01", seed=1, n_sim=200)
    row = plan.power.iloc[0]
    assert row["power_both"] <= min(row["power_model"], row["power_randomisation"])
    stated = int(re.search(r"has about an? (\d+)% chance to show a 30% reduction", plan.statement).group(1))  # type: ignore[union-attr]
    assert stated == round(100 * row["power_both"])
    assert "cannot show a change" not in plan.statement


def test_a_plan_without_spasms_leads_with_what_it_cannot_show() -> None:
    plan = plan_experiment(_daily([0.0] * 30), change="magnesium", start="2030-01-01", seed=1, n_sim=20)
    assert plan.statement.startswith("This plan could not show any change: you logged no spasms in your last 30 days")
    assert len(plan.periods) == 15  # the plan is still made


def test_a_caseload_without_person_still_says_whose_row_is_whose() -> None:
    plan = Experiment("magnesium", rate_ratio=0.5, pairs=4, seed=4)
    sim = simulate(n_people=2, days=120, seed=2, interventions=[], effects=[], experiment=plan)
    daily = spasmlog.daily_table(sim.log)
    effect = experiment_effect(daily, experiment=sim.log.experiments)
    assert effect.columns[0] == "person_id" and sorted(effect["person_id"]) == ["p1", "p2"]
    by_person = experiment_effect(daily, experiment=sim.log.experiments, person="person_id")
    pd.testing.assert_frame_equal(effect, by_person)
    one = experiment_effect(
        daily[daily["person_id"] == "p1"], experiment=sim.log.experiments.query("person_id == 'p1'")
    )
    assert "person_id" not in one.columns  # one person: as before
