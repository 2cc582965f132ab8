"""meta_analysis: per-person tables in, pooled rows out, checked against statsmodels on the same estimates."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.meta_analysis import combine_effects

import spasmlog
from spasmlog.errors import ParameterError


def per_person_table(seed: int = 0, people: int = 30) -> tuple[pd.DataFrame, dict[tuple[str, int], np.ndarray]]:
    """Rate-ratio rows as rate_ratios(person=...) gives them, from log estimates and standard errors drawn here;
    returns the table and, per (factor, lag), the log estimates and standard errors of the rows marked ok."""
    rng = np.random.default_rng(seed)
    rows, truth = [], {}
    z = stats.norm.ppf(0.975)
    for factor, lag, mu, tau in [("water_ml", 1, -0.2, 0.15), ("sitting_h", 0, 0.05, 0.0)]:
        se = rng.uniform(0.05, 0.3, people)
        y = rng.normal(mu, tau, people) + rng.normal(0, se)
        status = np.where(rng.uniform(size=people) < 0.1, "too few days (20 < 28)", "ok")
        for i in range(people):
            ok = status[i] == "ok"
            rows.append(
                {
                    "person_id": f"p{i:03d}",
                    "factor": factor,
                    "lag": lag,
                    "per": 1.0,
                    "rate_ratio": math.exp(y[i]) if ok else np.nan,
                    "ci_low": math.exp(y[i] - z * se[i]) if ok else np.nan,
                    "ci_high": math.exp(y[i] + z * se[i]) if ok else np.nan,
                    "status": status[i],
                }
            )
        truth[(factor, lag)] = (y[status == "ok"], se[status == "ok"])
    return pd.DataFrame(rows), truth


@pytest.mark.parametrize("method", ["dl", "reml"])
def test_pooled_rows_equal_statsmodels_on_the_same_estimates(method: str) -> None:
    table, truth = per_person_table()
    result = spasmlog.meta_analysis(table, method=method)  # type: ignore[arg-type]
    assert result[["factor", "lag"]].to_numpy().tolist() == [["water_ml", 1], ["sitting_h", 0]]
    for _, row in result.iterrows():
        y, se = truth[(row["factor"], row["lag"])]
        assert row["k"] == len(y)
        assert row["people_without_estimate"] == 30 - len(y)
        if method == "dl":
            with np.errstate(invalid="ignore"):  # statsmodels' square roots of its negative τ² (below)
                theirs = combine_effects(y, se**2, method_re="dl")
            # statsmodels leaves a negative DerSimonian–Laird τ² negative; metafor (and we) take 0, which is
            # the fixed-effect (inverse-variance) mean
            if theirs.tau2 > 0:
                tau2, mu, sd = theirs.tau2, theirs.mean_effect_re, theirs.sd_eff_w_re
            else:
                tau2, mu, sd = 0.0, theirs.mean_effect_fe, theirs.sd_eff_w_fe
        else:  # statsmodels has no REML: its random-effects formulas at our τ², which test_meta checks on its own
            tau2 = row["tau2"]
            w = 1 / (se**2 + tau2)
            mu, sd = np.sum(w * y) / np.sum(w), 1 / np.sqrt(np.sum(w))
        assert row["tau2"] == pytest.approx(tau2, rel=1e-8, abs=1e-12)
        assert row["rate_ratio"] == pytest.approx(math.exp(mu), rel=1e-8)
        assert row["ci_low"] == pytest.approx(math.exp(mu - 1.959963984540054 * sd), rel=1e-8)
        assert row["ci_high"] == pytest.approx(math.exp(mu + 1.959963984540054 * sd), rel=1e-8)
        half = stats.t.ppf(0.975, len(y) - 2) * math.sqrt(tau2 + sd**2)
        assert (row["pi_low"], row["pi_high"]) == pytest.approx((math.exp(mu - half), math.exp(mu + half)), rel=1e-8)
        # how many people appear to respond: the fitted normal spread, and the people whose own interval excludes 1
        # (no share without a spread: with τ² = 0 the plug-in share would be 0 or 1, "everyone")
        if tau2 > 0 and len(y) >= 3:
            assert row["share_lower"] == pytest.approx(stats.norm.cdf(-mu / math.sqrt(tau2)), abs=1e-10)
            assert row["share_lower"] + row["share_higher"] == pytest.approx(1.0)
        else:
            assert math.isnan(row["share_lower"]) and math.isnan(row["share_higher"])
        assert row["people_lower"] == int(np.sum(y + 1.959963984540054 * se < 0))
        assert row["people_higher"] == int(np.sum(y - 1.959963984540054 * se > 0))
    assert result.attrs["kind"] == "meta_analysis"


def test_an_se_column_is_used_instead_of_the_interval() -> None:
    table, truth = per_person_table(seed=1)
    table["se"] = np.nan
    for (factor, lag), (_, se) in truth.items():
        rows = table.index[(table["factor"] == factor) & (table["lag"] == lag) & (table["status"] == "ok")]
        table.loc[rows, "se"] = se / 2  # half the interval's: the result must follow the column
    y, se = truth[("water_ml", 1)]
    row = spasmlog.meta_analysis(table, method="dl").iloc[0]
    theirs = combine_effects(y, (se / 2) ** 2, method_re="dl")
    assert theirs.tau2 > 0
    assert row["tau2"] == pytest.approx(theirs.tau2, rel=1e-8)


def test_correlations_are_combined_on_the_fisher_z_scale() -> None:
    r = np.array([0.30, 0.10, 0.25, -0.05, 0.20])
    se = np.array([0.10, 0.08, 0.12, 0.09, 0.11])  # on the Fisher-z scale
    z = np.arctanh(r)
    table = pd.DataFrame(
        {
            "person_id": list("abcde"),
            "factor": "water_ml",
            "lag": 0,
            "r": r,
            "ci_low": np.tanh(z - 1.959963984540054 * se),
            "ci_high": np.tanh(z + 1.959963984540054 * se),
            "status": "ok",
        }
    )
    theirs = combine_effects(z, se**2, method_re="dl")
    row = spasmlog.meta_analysis(table, method="dl").iloc[0]
    assert row["r"] == pytest.approx(math.tanh(theirs.mean_effect_re), rel=1e-8)
    assert row["tau2"] == pytest.approx(theirs.tau2, rel=1e-8, abs=1e-12)


def test_a_group_without_any_estimate_says_so() -> None:
    table, _ = per_person_table(seed=2, people=4)
    table.loc[table["factor"] == "sitting_h", "status"] = "factor constant"
    result = spasmlog.meta_analysis(table)
    row = result.set_index("factor").loc["sitting_h"]
    assert row["k"] == 0 and row["people_without_estimate"] == 4
    assert row["status"] == "no person with an estimate"
    assert math.isnan(row["rate_ratio"]) and math.isnan(row["share_lower"])


def test_on_real_per_person_rate_ratios_from_a_simulated_cohort() -> None:
    """Planted: 500 mL water the day before → 0.80 × spasms for everyone; the pooled interval holds it."""
    sim = spasmlog.simulate(n_people=12, days=240, seed=5)
    daily = spasmlog.daily_table(sim.log)
    per_person = spasmlog.rate_ratios(daily, factors=["water_ml"], lags=(1,), person="person_id")
    row = spasmlog.meta_analysis(per_person).iloc[0]
    assert row["k"] == 12
    assert row["ci_low"] < 0.80 < row["ci_high"]
    assert row["ci_high"] < 1.0


@pytest.mark.parametrize(
    ("change", "kwargs", "match"),
    [
        ("duplicate", {}, "one row per person in each group"),
        ("no_estimate", {}, "needs a column of per-person estimates"),
        (None, {"estimate": "rr"}, "Could not interpret value `rr` for `estimate`"),
        (None, {"by": ["factor", "nope"]}, "Could not interpret value `nope` for `by`"),
        (None, {"method": "pm"}, "'method' parameter of meta_analysis"),
        (None, {"meaningful": 1.0}, "'meaningful' parameter of meta_analysis must be a number > 1"),
        (None, {"ci_level": 95}, "'ci_level' parameter"),
    ],
)
def test_bad_arguments_are_refused(change: str | None, kwargs: dict, match: str) -> None:
    table, _ = per_person_table(people=5)
    if change == "duplicate":
        table = pd.concat([table, table.iloc[[0]]], ignore_index=True)
    if change == "no_estimate":
        table = table.drop(columns="rate_ratio")
    with pytest.raises(ParameterError, match=match):
        spasmlog.meta_analysis(table, **kwargs)


def test_a_list_is_refused_with_a_type_error() -> None:
    with pytest.raises(TypeError, match="must be a pandas DataFrame"):
        spasmlog.meta_analysis([1, 2])  # type: ignore[arg-type]


def test_rate_ratios_are_weighted_by_their_own_standard_errors() -> None:
    """rate_ratios' intervals use a t reference: the standard errors read back from them with a normal quantile
    are too large by t/z. Its ``se`` column is used instead: the pooled rows equal statsmodels on those se."""
    daily = spasmlog.daily_table(spasmlog.load_sample("clinic"))
    per_person = spasmlog.rate_ratios(daily, factors=["water_ml"], lags=(1,), person="person_id")
    ok = per_person[per_person["status"] == "ok"]
    y, se = np.log(ok["rate_ratio"].to_numpy()), ok["se"].to_numpy()
    from_interval = (np.log(ok["ci_high"]) - np.log(ok["ci_low"])).to_numpy() / (2 * stats.norm.ppf(0.975))
    assert np.all(from_interval > se * 1.002)  # what the interval alone would have given: 0.2 % or more too large
    row = spasmlog.meta_analysis(per_person, method="dl").iloc[0]
    theirs = combine_effects(y, se**2, method_re="dl")
    assert row["k"] == len(ok) >= 10
    if theirs.tau2 > 0:
        tau2, mu, sd = theirs.tau2, theirs.mean_effect_re, theirs.sd_eff_w_re
    else:  # statsmodels leaves a negative DerSimonian–Laird τ² negative; we take 0 (see above)
        tau2, mu, sd = 0.0, theirs.mean_effect_fe, theirs.sd_eff_w_fe
    assert row["tau2"] == pytest.approx(tau2, rel=1e-8, abs=1e-12)
    assert row["rate_ratio"] == pytest.approx(math.exp(mu), rel=1e-10)
    assert row["ci_high"] == pytest.approx(math.exp(mu + 1.959963984540054 * sd), rel=1e-10)
    # without the column, the interval's fallback: the same rows of statsmodels on the wider standard errors
    fallback = spasmlog.meta_analysis(per_person.drop(columns="se"), method="dl").iloc[0]
    wider = combine_effects(y, from_interval**2, method_re="dl")
    assert fallback["q"] == pytest.approx(wider.q, rel=1e-10)
    assert fallback["q"] < row["q"]  # larger standard errors, less heterogeneity seen


def test_no_share_of_people_is_stated_without_a_spread_between_them() -> None:
    # three people with the same estimate and wide intervals: τ² = 0, so "everyone is lower" is not stated
    same = pd.DataFrame(
        {
            "person_id": ["a", "b", "c"],
            "rate_ratio": [0.9, 0.9, 0.9],
            "ci_low": [0.5, 0.5, 0.5],
            "ci_high": [1.62, 1.62, 1.62],
        }
    )
    row = spasmlog.meta_analysis(same).iloc[0]
    assert row["tau2"] == 0 and math.isnan(row["share_lower"]) and math.isnan(row["share_higher"])
    two = spasmlog.meta_analysis(same.iloc[:2]).iloc[0]  # two people: no spread can be estimated
    assert math.isnan(two["share_lower"]) and math.isnan(two["share_lower_by"])
