"""cohort_model with few people: bias-reduced errors against statsmodels, t reference, warning, calibration."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

import spasmlog
from spasmlog.analysis.cohort import cohort_model
from spasmlog.analysis.daily import daily_table
from spasmlog.errors import SmallSampleWarning
from spasmlog.simulate import Effect, Intervention
from spasmlog.stats.gee import gee

FACTORS = ["water_ml", "sitting_h", "sleep_h", "stress"]
STRUCTURES = {
    "exchangeable": sm.cov_struct.Exchangeable,
    "ar1": lambda: sm.cov_struct.Autoregressive(grid=True),
    "independence": sm.cov_struct.Independence,
}


@pytest.fixture(scope="module")
def caseload() -> pd.DataFrame:
    """Twelve people, 60 days each, nothing planted: a physiotherapist's caseload."""
    return daily_table(spasmlog.simulate(12, 60, seed=4, effects=[], interventions=[]).log)


def centred_trend(used: pd.DataFrame) -> np.ndarray:
    """cohort_model's calendar trend, written out: piecewise linear over the dates used, a bend every 91 days,
    each column centred on the person's own mean."""
    day = ((used["date"] - used["date"].min()) // pd.Timedelta(days=1)).to_numpy(dtype=float)
    position = day / day.max()
    pieces = max(1, round((day.max() + 1) / 91))
    columns = pd.DataFrame({k: np.clip(position - k / pieces, 0, None) for k in range(pieces)}, index=used.index)
    return (columns - columns.groupby(used["person_id"]).transform("mean")).to_numpy()


def small_clusters(seed: int, clusters: int = 8) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    group = np.repeat(np.arange(clusters), rng.integers(4, 20, clusters))
    n = group.size
    design = np.column_stack([np.ones(n), rng.normal(size=n), rng.binomial(1, 0.4, n)])
    level = rng.normal(0, 0.5, clusters)[group]
    y = rng.negative_binomial(2, 2 / (2 + np.exp(0.2 + 0.3 * design[:, 1] - 0.4 * design[:, 2] + level)))
    return design, y, group


@pytest.mark.parametrize("family", ["poisson", "negative_binomial"])
@pytest.mark.parametrize("correlation", ["exchangeable", "ar1", "independence"])
def test_bias_reduced_errors_agree_with_statsmodels_on_a_few_clusters(family, correlation):
    """Mancl–DeRouen errors (via Woodbury, without an n_i × n_i inverse) equal statsmodels' loop over clusters."""
    design, y, group = small_clusters(seed=13)  # a seed whose working correlations are > 0 (gee sets < 0 to 0)
    sm_family = sm.families.Poisson() if family == "poisson" else sm.families.NegativeBinomial(alpha=0.7)
    model = sm.GEE(y, design, groups=group, family=sm_family, cov_struct=STRUCTURES[correlation]())
    theirs = model.fit(ctol=1e-12, maxiter=200, cov_type="bias_reduced")
    dispersion = 0.7 if family == "negative_binomial" else None
    ours = gee(design, y, group, family=family, correlation=correlation, dispersion=dispersion)
    assert ours.cov_type == "bias_reduced" and ours.subjects == 8
    np.testing.assert_allclose(ours.params, theirs.params, rtol=0, atol=1e-6)
    np.testing.assert_allclose(ours.cov, theirs.cov_params(), rtol=0, atol=1e-6)
    robust = gee(design, y, group, family=family, correlation=correlation, dispersion=dispersion, cov_type="robust")
    assert (np.diag(ours.cov) > 1.1 * np.diag(robust.cov)).all()  # with 8 clusters the correction matters


def test_bias_reduced_errors_do_not_need_sorted_clusters():
    design, y, group = small_clusters(seed=9, clusters=10)
    order = np.random.default_rng(0).permutation(group.size)
    shuffled = gee(design[order], y[order], group[order], correlation="independence")
    ordered = gee(design, y, group, correlation="independence")
    np.testing.assert_allclose(shuffled.cov, ordered.cov, rtol=1e-9, atol=1e-12)


def test_cohort_model_default_is_statsmodels_bias_reduced_gee_with_a_t_reference(caseload):
    """The default intervals: bias-reduced errors (statsmodels) and Student's t with G − 1 df (scipy)."""
    factors = ["water_ml", "sitting_h"]
    with pytest.warns(SmallSampleWarning):
        table = cohort_model(caseload, factors=factors, family="poisson", alpha=0.1)
    used = caseload.dropna(subset=["spasm_count", *factors])
    centred = used[factors] - used.groupby("person_id")[factors].transform("mean")
    weekday = used["date"].dt.day_of_week.to_numpy()
    design = np.column_stack(
        [np.ones(len(used)), weekday[:, None] == np.arange(1, 7), centred_trend(used), centred / [500.0, 1.0]]
    )
    model = sm.GEE(
        used["spasm_count"].to_numpy(),
        design.astype(float),
        groups=used["person_id"].to_numpy(),
        family=sm.families.Poisson(),
        cov_struct=sm.cov_struct.Exchangeable(),
    )
    fit = model.fit(ctol=1e-12, maxiter=200, cov_type="bias_reduced")
    coef, se = fit.params[-2:], fit.bse[-2:]
    crit = stats.t.ppf(0.95, 11)  # 12 people
    np.testing.assert_allclose(table["rate_ratio"], np.exp(coef), rtol=1e-6)
    np.testing.assert_allclose(table["ci_low"], np.exp(coef - crit * se), rtol=1e-6)
    np.testing.assert_allclose(table["ci_high"], np.exp(coef + crit * se), rtol=1e-6)
    np.testing.assert_allclose(table["p_value"], 2 * stats.t.sf(np.abs(coef / se), 11), rtol=1e-6)
    assert (table["subjects"] == 12).all() and (table["status"] == "ok").all()


def test_cohort_model_robust_normal_is_the_plain_sandwich(caseload):
    """``cov_type="robust", reference="normal"``: statsmodels' default GEE errors and normal intervals."""
    with pytest.warns(SmallSampleWarning, match=r"too narrow"):
        plain = cohort_model(caseload, factors=["stress"], family="poisson", cov_type="robust", reference="normal")
    with pytest.warns(SmallSampleWarning):
        default = cohort_model(caseload, factors=["stress"], family="poisson")
    used = caseload.dropna(subset=["spasm_count", "stress"])
    centred = used["stress"] - used.groupby("person_id")["stress"].transform("mean")
    weekday = used["date"].dt.day_of_week.to_numpy()
    design = np.column_stack([np.ones(len(used)), weekday[:, None] == np.arange(1, 7), centred_trend(used), centred])
    design = design.astype(float)
    fit = sm.GEE(
        used["spasm_count"].to_numpy(),
        design,
        groups=used["person_id"].to_numpy(),
        family=sm.families.Poisson(),
        cov_struct=sm.cov_struct.Exchangeable(),
    ).fit(ctol=1e-12, maxiter=200)
    low, high = np.exp(fit.conf_int()[-1])
    assert plain["ci_low"].iloc[0] == pytest.approx(low, rel=1e-6)
    assert plain["ci_high"].iloc[0] == pytest.approx(high, rel=1e-6)
    assert plain["rate_ratio"].iloc[0] == pytest.approx(default["rate_ratio"].iloc[0], rel=1e-12)
    assert default["ci_high"].iloc[0] - default["ci_low"].iloc[0] > plain["ci_high"].iloc[0] - plain["ci_low"].iloc[0]


def test_cohort_model_warns_below_forty_people():
    forty = daily_table(spasmlog.simulate(40, 45, seed=5, effects=[], interventions=[]).log)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SmallSampleWarning)
        cohort_model(forty, factors=["stress"])  # 40 people: no warning
    few = forty[forty["person_id"].isin(forty["person_id"].unique()[:39])]
    with pytest.warns(SmallSampleWarning, match=r"39 people, fewer than 40.*t with 38 degrees of freedom") as caught:
        table = cohort_model(few, factors=["stress"])
    assert caught[0].message.subjects == 39  # type: ignore[union-attr]
    assert table["status"].tolist() == ["ok"]
    copy = pickle.loads(pickle.dumps(caught[0].message))
    assert isinstance(copy, SmallSampleWarning) and copy.subjects == 39 and str(copy) == str(caught[0].message)
    too_few = forty[forty["person_id"].isin(forty["person_id"].unique()[:5])]
    with warnings.catch_warnings():
        warnings.simplefilter("error", SmallSampleWarning)
        assert cohort_model(too_few, factors=["stress"])["status"].tolist() == ["too few people (5 < 10)"]


def test_cov_type_and_reference_are_checked(caseload):
    design, y, group = small_clusters(seed=1)
    with pytest.raises(ValueError, match=r"'cov_type' parameter of gee must be one of"):
        gee(design, y, group, cov_type="naive")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"'cov_type' parameter of cohort_model must be one of"):
        cohort_model(caseload, factors=["stress"], cov_type="hc1")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"'reference' parameter of cohort_model must be one of"):
        cohort_model(caseload, factors=["stress"], reference="z")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------------------
# Calibration by simulation (slow): nothing planted, few false findings; a planted effect, its interval covers it
# ---------------------------------------------------------------------------------------------------------


def split(daily: pd.DataFrame, size: int) -> list[pd.DataFrame]:
    """Disjoint cohorts of ``size`` people each (independent replicates)."""
    people = daily["person_id"].unique()
    return [daily[daily["person_id"].isin(people[k : k + size])] for k in range(0, people.size - size + 1, size)]


@pytest.mark.slow
def test_cohort_model_keeps_the_false_finding_rate_and_covers_a_planted_effect_with_few_people():
    """10-, 20- and 40-person cohorts of 120 days, 4 factors × lags 0–1 (8 tests per cohort).

    The plain sandwich with a normal reference fails this: 12.5% of null tests had p < 0.05 with 10 people and
    8.6% with 20 (29% and 16% of cohorts had a finding), and its intervals covered the planted effect in 88% of
    10-person cohorts; see benchmarks/calibrate_cohort.py, which runs this study at a larger size.
    """
    pool = 1600
    null = daily_table(spasmlog.simulate(pool, 120, seed=31, effects=[], interventions=[]).log)
    planted = Effect("water_ml", 1, 500.0, 0.8)
    effect = daily_table(spasmlog.simulate(pool, 120, seed=32, effects=[planted], interventions=[]).log)
    covered, any_finding = [], []
    for size in (10, 20, 40):
        tests = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SmallSampleWarning)
            for cohort in split(null, size):
                table = cohort_model(cohort, factors=FACTORS, lags=(0, 1))
                assert (table["status"] == "ok").all()
                tests.extend(table["p_value"] < 0.05)
                any_finding.append((table["p_adjusted"] <= 0.05).any())
            for cohort in split(effect, size):
                table = cohort_model(cohort, factors=FACTORS, lags=(0, 1)).set_index(["factor", "lag"])
                row = table.loc[(planted.factor, planted.lag)]
                covered.append(row["ci_low"] < planted.rate_ratio < row["ci_high"])
        # 1280, 640 or 320 tests in 160, 80 or 40 cohorts: 5% ± about 1–2.5 percentage points (95%)
        assert 0.02 <= np.mean(tests) <= 0.075, (size, np.mean(tests))
    # 280 null cohorts: about 6% (the larger study) + 3 standard errors; the plain sandwich gave about 22%
    assert np.mean(any_finding) <= 0.10, np.mean(any_finding)
    # 280 planted cohorts: 95% ± about 2.6 percentage points
    assert 0.91 <= np.mean(covered) <= 0.99, np.mean(covered)


# ---------------------------------------------------------------------------------------------------------
# Adjustment by default: weekday, calendar trend and interventions, as rate_ratios adjusts one person's days
# ---------------------------------------------------------------------------------------------------------

SUMMER_PROGRAMME = [Intervention("calf stretching programme", kind="home_exercise", rate_ratio=0.3, share=1.0)]


def test_cohort_model_adjusts_for_interventions_and_trend_as_statsmodels_gee_would():
    """30 people, 200 days, the default interventions: statsmodels' GEE on the documented design."""
    daily = daily_table(spasmlog.simulate(30, 200, seed=8, effects=[]).log)
    on = ["on_calf_stretching_programme", "on_magnesium_glycinate"]
    with pytest.warns(SmallSampleWarning):
        table = cohort_model(daily, factors=["water_ml"], family="poisson")
    assert table.attrs["adjusted_for"] == ["tue", "wed", "thu", "fri", "sat", "sun", *on, "trend", "trend1"]
    used = daily.dropna(subset=["spasm_count", "water_ml"])
    adjusters = used[on].fillna(0) - used[on].fillna(0).groupby(used["person_id"]).transform("mean")
    water = used["water_ml"] - used.groupby("person_id")["water_ml"].transform("mean")
    weekday = used["date"].dt.day_of_week.to_numpy()
    design = np.column_stack(
        [np.ones(len(used)), weekday[:, None] == np.arange(1, 7), adjusters, centred_trend(used), water / 500]
    ).astype(float)
    model = sm.GEE(
        used["spasm_count"].to_numpy(),
        design,
        groups=used["person_id"].to_numpy(),
        family=sm.families.Poisson(),
        cov_struct=sm.cov_struct.Exchangeable(),
    )
    fit = model.fit(ctol=1e-12, maxiter=200, cov_type="bias_reduced")
    crit = stats.t.ppf(0.975, 29)
    np.testing.assert_allclose(table["rate_ratio"], np.exp(fit.params[-1]), rtol=1e-6)
    np.testing.assert_allclose(table["ci_low"], np.exp(fit.params[-1] - crit * fit.bse[-1]), rtol=1e-6)


def test_cohort_model_trend_spans_the_days_used_not_the_table():
    """Water not logged in the first 12 and last 9 days of the table: the trend runs from the first to the last
    day used (229 days, three pieces), with holes inside; statsmodels' GEE on the trend written out agrees."""
    daily = daily_table(spasmlog.simulate(10, 250, seed=21, effects=[], interventions=[]).log)
    day = (daily["date"] - daily["date"].min()).dt.days
    daily.loc[(day < 12) | (day > 240), "water_ml"] = np.nan
    with pytest.warns(SmallSampleWarning):
        table = cohort_model(daily, factors=["water_ml"], family="poisson", weekday=False, interventions=False)
    assert table.attrs["adjusted_for"] == ["trend", "trend1", "trend2"]
    used = daily.dropna(subset=["spasm_count", "water_ml"])
    assert (used["date"].max() - used["date"].min()).days == 228  # a gap of days inside too: not 250 rows a person
    assert used.groupby("person_id").size().max() < 229
    water = used["water_ml"] - used.groupby("person_id")["water_ml"].transform("mean")
    design = np.column_stack([np.ones(len(used)), centred_trend(used), water / 500]).astype(float)
    model = sm.GEE(
        used["spasm_count"].to_numpy(),
        design,
        groups=used["person_id"].to_numpy(),
        family=sm.families.Poisson(),
        cov_struct=sm.cov_struct.Exchangeable(),
    )
    fit = model.fit(ctol=1e-12, maxiter=200, cov_type="bias_reduced")
    crit = stats.t.ppf(0.975, 9)
    np.testing.assert_allclose(table["rate_ratio"], np.exp(fit.params[-1]), rtol=1e-6)
    np.testing.assert_allclose(table["ci_low"], np.exp(fit.params[-1] - crit * fit.bse[-1]), rtol=1e-6)
    np.testing.assert_allclose(table["ci_high"], np.exp(fit.params[-1] + crit * fit.bse[-1]), rtol=1e-6)


def test_cohort_model_does_not_credit_a_summer_programme_to_water():
    """Nothing planted on any factor; everyone starts a programme (0.3×) in the middle third of the year, when
    water is at its seasonal high. Without the interventions and the trend the model finds water; with them
    (the default) it finds nothing."""
    log = spasmlog.simulate(120, 365, seed=1, effects=[], interventions=SUMMER_PROGRAMME, factors=FACTORS).log
    daily = daily_table(log)
    default = cohort_model(daily, factors=FACTORS, lags=(0, 1))
    assert (default["status"] == "ok").all()
    assert (default["p_adjusted"] > 0.05).all(), default
    assert (abs(np.log(default["rate_ratio"])) < 0.03).all()
    unadjusted = cohort_model(daily, factors=FACTORS, lags=(0, 1), trend=False, interventions=False)
    found = unadjusted.loc[unadjusted["p_adjusted"] <= 0.05, "factor"]
    assert "water_ml" in set(found), unadjusted  # the artefact the adjustment removes


def test_cohort_model_leaves_a_single_session_out(caseload):
    """One person's single physio day (no spasms that day) is no term; its day leaves the model."""
    one = caseload.assign(on_physio=0.0)
    first = one.index[(one["person_id"] == "p01") & (one["spasm_count"] == 0)][0]
    one.loc[first, "on_physio"] = 1.0
    with pytest.warns(SmallSampleWarning):
        table = cohort_model(one, factors=["stress"])
    assert "on_physio" not in table.attrs["adjusted_for"] and table["status"].tolist() == ["ok"]
    without = caseload.assign(spasm_count=caseload["spasm_count"].where(caseload.index != first))
    with pytest.warns(SmallSampleWarning):
        expected = cohort_model(without, factors=["stress"])
    np.testing.assert_allclose(table["rate_ratio"], expected["rate_ratio"], rtol=1e-9)
    assert table["n"].iloc[0] == expected["n"].iloc[0] == len(caseload.dropna(subset=["spasm_count", "stress"])) - 1


@pytest.mark.slow
def test_cohort_model_of_the_readme_finds_nothing_unplanted_in_2000_people():
    """The README's call on 2,000 simulated people (a year each, the default interventions, nothing planted on
    water or stress): no finding. Without the adjustment, water at lag 0 was a finding on this cohort. The same
    pool cut into 8 cohorts of 250: at most one with a finding (5% expected)."""
    daily = daily_table(spasmlog.simulate(2000, 365, seed=1, effects=[]).log)
    table = cohort_model(daily, factors=["water_ml", "stress"], lags=(0, 1))
    assert (table["status"] == "ok").all() and (table["p_adjusted"] > 0.05).all(), table
    before = cohort_model(daily, factors=["water_ml", "stress"], lags=(0, 1), trend=False, interventions=False)
    assert before.set_index(["factor", "lag"]).loc[("water_ml", 0), "p_adjusted"] <= 0.05
    findings = [
        (cohort_model(part, factors=FACTORS, lags=(0, 1))["p_adjusted"] <= 0.05).any() for part in split(daily, 250)
    ]
    assert sum(findings) <= 1, findings
