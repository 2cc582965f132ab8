"""A 10-year single-person diary (3,650 days): every model converges, to statsmodels' estimate, near the
planted effects."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import spasmlog
from spasmlog.analysis.daily import daily_table
from spasmlog.analysis.interventions import intervention_effect
from spasmlog.analysis.overview import analyse_person
from spasmlog.analysis.rates import rate_ratios
from spasmlog.stats.glm import count_regression

PLANTED = {("water_ml", 1): 0.80, ("exercise_min", 1): 1.10, ("sitting_h", 0): 1.08, ("stress", 0): 1.06}


@pytest.fixture(scope="module")
def decade() -> pd.DataFrame:
    return daily_table(spasmlog.simulate(days=3650, start="2015-01-01", seed=3).log)


@pytest.fixture(scope="module")
def rates(decade) -> pd.DataFrame:
    return rate_ratios(decade, factors=["water_ml", "exercise_min", "sitting_h", "stress"], lags=(0, 1))


def statsmodels_rate_ratio(daily: pd.DataFrame, factor: str, lag: int, per: float) -> float:
    """rate_ratios' model written out for statsmodels: weekday indicators and a trend bending every 91 days."""
    frame = daily.set_index("date").asfreq("D")
    days = len(frame)
    position = np.arange(days) / (days - 1)
    pieces = round(days / 91)
    columns = {"const": np.ones(days), "trend": position}
    columns |= {f"trend{k}": np.clip(position - k / pieces, 0, None) for k in range(1, pieces)}
    weekday = frame.index.day_of_week.to_numpy()
    columns |= {f"w{k}": (weekday == k) * 1.0 for k in range(1, 7)}
    columns["x"] = frame[factor].shift(lag).to_numpy() / per
    design = pd.DataFrame(columns)
    y = frame["spasm_count"].to_numpy()
    keep = np.isfinite(y) & design["x"].notna().to_numpy()
    fit = sm.GLM(y[keep], design[keep], family=sm.families.Poisson()).fit(tol=1e-12, maxiter=200)
    assert fit.converged
    return float(np.exp(fit.params["x"]))


@pytest.mark.slow
def test_every_model_of_a_ten_year_diary_converges_to_statsmodels_estimate(decade, rates):
    table = rates
    assert len(table) == 8 and (table["status"] == "ok").all(), table["status"].tolist()
    for row in table.itertuples():
        theirs = statsmodels_rate_ratio(decade, row.factor, row.lag, row.per)
        np.testing.assert_allclose(row.rate_ratio, theirs, rtol=1e-6)


@pytest.mark.slow
def test_a_ten_year_diary_finds_the_planted_effects_near_their_size(decade, rates):
    rows = rates.set_index(["factor", "lag"])
    for key, planted in PLANTED.items():
        estimate = rows.loc[key, "rate_ratio"]
        assert abs(np.log(estimate / planted)) < 0.07, (key, estimate)
        assert rows.loc[key, "p_adjusted"] <= 0.05
    effects = intervention_effect(decade).set_index("intervention")
    assert (effects["status"] == "ok").all()
    stretching = effects.loc["on_calf_stretching_programme"]
    assert stretching["ci_low"] <= 0.65 <= stretching["ci_high"]


def test_count_regression_on_thousands_of_days_and_many_trend_pieces_converges():
    """Forty trend pieces over 3,650 rows: the coefficients' rounding noise is above any fixed tolerance."""
    rng = np.random.default_rng(1)
    days = 3650
    position = np.arange(days) / (days - 1)
    design = pd.DataFrame({"intercept": 1.0, "trend": position})
    for k in range(1, 40):
        design[f"trend{k}"] = np.clip(position - k / 40, 0, None)
    design["x"] = rng.normal(size=days)
    y = rng.poisson(np.exp(1.0 + 0.5 * np.sin(6 * position) + 0.2 * design["x"]))
    fit = count_regression(design, y, cov_type="quasi")
    theirs = sm.GLM(y, design, family=sm.families.Poisson()).fit(tol=1e-12, maxiter=200)
    assert fit.converged
    np.testing.assert_allclose(fit.params, theirs.params, rtol=1e-6, atol=1e-8)


@pytest.mark.slow
def test_a_ten_year_person_page_estimates_every_model(decade):
    results = analyse_person(decade)
    assert len(results.associations) == 84
    assert (results.associations["status"] == "ok").all(), results.associations["status"].value_counts()
    assert (results.interventions["status"] == "ok").all()
