"""One single-day intervention (a physio session on one date) in a diary with others: it leaves the joint
models instead of making every other estimate "not estimated (separation)"."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import spasmlog
from spasmlog.analysis.daily import daily_table
from spasmlog.analysis.interventions import intervention_effect
from spasmlog.analysis.overview import analyse_person
from spasmlog.analysis.rates import rate_ratios
from spasmlog.analysis.sessions import session_effect
from spasmlog.simulate import Intervention

PLAN = [
    Intervention("calf stretching programme", kind="home_exercise", rate_ratio=0.65, share=1.0, start_day=150),
    Intervention("magnesium glycinate", kind="supplement", share=1.0, start_day=220),
    Intervention("sports massage", kind="therapy_session", share=1.0, start_day=60, days=200, every_days=21),
]
LASTING = ["on_calf_stretching_programme", "on_magnesium_glycinate"]


def diary_with_one_session(folder: Path, *, spasms_that_day: bool) -> pd.DataFrame:
    """A year's diary written as CSV with a `Physio session` logged once (start = end), read back.

    The session day is a day with no spasm (its term would separate every model) or with some (its term
    would fit that day exactly).
    """
    log = spasmlog.simulate(1, 365, seed=11, interventions=PLAN).log
    daily = daily_table(log)
    counts = daily.set_index("date")["spasm_count"].iloc[30:120]  # before every other intervention
    day = counts[counts > 0].index[0] if spasms_that_day else counts[counts == 0].index[0]
    folder = log.write(folder)
    with open(folder / "interventions.csv", "a", encoding="utf-8") as file:
        file.write(f"p1,Physio session,therapy_session,{day:%Y-%m-%d},{day:%Y-%m-%d},\n")
    return daily_table(spasmlog.read_log(folder))


@pytest.fixture(scope="module", params=[False, True], ids=["no spasm on the session day", "spasms that day"])
def diary(request, tmp_path_factory) -> pd.DataFrame:
    return diary_with_one_session(tmp_path_factory.mktemp("one_session"), spasms_that_day=request.param)


def test_the_fixture_has_one_session_day(diary):
    assert int(diary["on_physio_session"].sum()) == 1
    assert set(LASTING) <= set(diary.columns) and diary["on_sports_massage"].sum() >= 3


def test_intervention_effect_estimates_the_others_and_says_why_not_the_session(diary):
    table = intervention_effect(diary).set_index("intervention")
    assert table.loc[LASTING, "status"].tolist() == ["ok", "ok"]
    assert table.loc["on_physio_session", "status"] == "one day only: see session_effect"
    assert np.isnan(table.loc["on_physio_session", "rate_ratio"])


def statsmodels_step(daily: pd.DataFrame, column: str, *, drop_day: bool) -> float:
    """The rate ratio of ``column`` from statsmodels' Poisson GLM on intervention_effect's design.

    Intercept, day, the step, weekday indicators (no seasonal terms: ``season=0``) and the other
    interventions (the other lasting one, the massages); with ``drop_day`` the session day is left out,
    otherwise it has its own indicator (statsmodels then fits that day exactly, when the fit exists at all).
    """
    frame = daily.sort_values("date").reset_index(drop=True)
    day = ((frame["date"] - frame["date"].min()) // pd.Timedelta(days=1)).to_numpy(dtype=float)
    on = frame[column].fillna(0).to_numpy() > 0
    first = np.argmax(on)
    other = next(c for c in LASTING if c != column)
    keep = frame["spasm_count"].notna().to_numpy() & ((day < day[first]) | on)
    if drop_day:
        keep &= frame["on_physio_session"].fillna(0).to_numpy() == 0
    design = pd.DataFrame({"const": 1.0, "day": day, "on": on * 1.0})
    weekday = frame["date"].dt.day_of_week.to_numpy()
    for k in range(1, 7):
        design[f"w{k}"] = (weekday == k) * 1.0
    for name in (other, "on_sports_massage"):
        design[name] = frame[name].fillna(0).to_numpy() * 1.0
    if not drop_day:
        design["session"] = frame["on_physio_session"].fillna(0).to_numpy() * 1.0
    x = design[keep]
    x = x.loc[:, x.std() > 0].assign(const=1.0)
    fit = sm.GLM(frame["spasm_count"].to_numpy()[keep], x, family=sm.families.Poisson()).fit(tol=1e-12)
    return float(np.exp(fit.params["on"]))


@pytest.mark.parametrize("column", LASTING)
def test_leaving_the_session_out_is_the_model_with_its_term(diary, column):
    """For one day the two are the same model: its own indicator fits that day exactly. With no spasm that
    day the indicator has no finite estimate; leaving the day out is the limit of that fit."""
    ours = intervention_effect(diary, intervention=column, season=0).iloc[0]
    spasms = float(diary.loc[diary["on_physio_session"] == 1, "spasm_count"].iloc[0])
    theirs = statsmodels_step(diary, column, drop_day=spasms == 0)
    assert ours["status"] == "ok"
    np.testing.assert_allclose(ours["rate_ratio"], theirs, rtol=1e-6)
    if spasms > 0:  # the same number with the day left out
        np.testing.assert_allclose(ours["rate_ratio"], statsmodels_step(diary, column, drop_day=True), rtol=1e-6)


def test_session_effect_of_the_other_sessions_is_estimated(diary):
    table = session_effect(diary)
    massage = table[table["intervention"] == "on_sports_massage"]
    assert massage["status"].tolist() == ["ok", "ok", "ok"]
    physio = table[table["intervention"] == "on_physio_session"]
    assert set(physio["status"]) == {"too few sessions (1 < 3)"}


def test_rate_ratios_adjusted_for_the_session_are_estimated(diary):
    table = rate_ratios(diary, factors=["water_ml", "sitting_h"], lags=(0, 1), adjust_for=["on_physio_session"])
    assert (table["status"] == "ok").all()
    without = diary.assign(spasm_count=diary["spasm_count"].where(diary["on_physio_session"] != 1))
    plain = rate_ratios(without, factors=["water_ml", "sitting_h"], lags=(0, 1))
    np.testing.assert_allclose(table["rate_ratio"], plain["rate_ratio"], rtol=1e-6)


def test_a_person_page_estimates_everything_but_the_session(diary):
    results = analyse_person(diary)
    assert (results.interventions["status"] == "ok").all()
    massage = results.sessions[results.sessions["intervention"] == "on_sports_massage"]
    assert (massage["status"] == "ok").all()
    assert not results.associations["status"].str.contains("separation").any()


def test_a_few_session_days_without_spasms_leave_the_model_too():
    """Three consecutive days of a short intervention, all without spasms: still no separation elsewhere."""
    rng = np.random.default_rng(5)
    days = 240
    date = pd.date_range("2025-01-01", periods=days)
    on = (np.arange(days) >= 100).astype(float)
    counts = rng.poisson(2.0 * np.where(on > 0, 0.6, 1.0)).astype(float)
    brief = np.zeros(days)
    brief[[40, 41, 42]] = 1.0
    counts[[40, 41, 42]] = 0.0
    daily = pd.DataFrame({"date": date, "spasm_count": counts, "on_programme": on, "on_retreat": brief})
    table = intervention_effect(daily).set_index("intervention")
    assert table.loc["on_programme", "status"] == "ok"
    assert table.loc["on_retreat", "status"] == "too few days during (3 < 14)"
    assert 0.45 < table.loc["on_programme", "rate_ratio"] < 0.8
