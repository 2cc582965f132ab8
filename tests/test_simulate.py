"""The simulator: valid, typed, reproducible logs whose planted effects are recovered from the log alone."""

from __future__ import annotations

import pickle
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest
import statsmodels.api as sm
from statsmodels.tsa.stattools import acf

from spasmlog.analysis.daily import daily_table, factor_columns
from spasmlog.errors import ParameterError
from spasmlog.log import Log
from spasmlog.logformat.models import MODELS
from spasmlog.logformat.schemas import TABLES, field_specs, today
from spasmlog.simulate import (
    DAILY_FACTORS,
    DEFAULT_EFFECTS,
    DEFAULT_INTERVENTIONS,
    EXTRA_COLUMNS,
    Effect,
    Intervention,
    Simulation,
    _bad_day_weight,
    _missing_days,
    simulate,
)


@pytest.fixture(scope="module")
def cohort() -> Simulation:
    """200 people over a year: big enough for shapes and rates, small enough to be quick."""
    return simulate(n_people=200, days=365, seed=11)


@pytest.fixture(scope="module")
def small() -> Simulation:
    return simulate(n_people=4, days=120, seed=3, spasm_count=True)


# --- what the log looks like --------------------------------------------------------------------------------


@pytest.mark.parametrize("table", TABLES)
def test_tables_are_valid_under_the_log_format(cohort: Simulation, table: str) -> None:
    frame = cohort.log.table(table)
    assert len(frame) > 0
    MODELS[table].validate(frame, lazy=True)


@pytest.mark.parametrize("table", TABLES)
def test_tables_have_the_canonical_dtypes(cohort: Simulation, table: str) -> None:
    frame = cohort.log.table(table)
    specs = field_specs(table)
    for column in frame.columns:
        if column in specs:
            assert frame[column].dtype == specs[column].dtype, column
    assert "person_id" in frame.columns


def test_daily_has_every_factor_and_the_extra_column(cohort: Simulation) -> None:
    daily = cohort.log.daily
    assert list(daily.columns[:2]) == ["person_id", "date"]
    assert set(DAILY_FACTORS) <= set(daily.columns)
    assert "spasm_count" not in daily.columns  # events are the source of truth unless asked for
    assert daily.columns[-1] == "hot_bath"  # the user-defined factor comes after the canonical columns
    assert daily["hot_bath"].dtype == "boolean"
    assert 0.05 < daily["hot_bath"].mean() < 0.5


def test_cross_field_rules_hold(cohort: Simulation) -> None:
    daily = cohort.log.daily
    assert (daily["sitting_h"].fillna(0) + daily["sleep_h"].fillna(0) <= 24).all()
    minutes, kind = daily["exercise_min"], daily["exercise_type"]
    both = minutes.notna() & kind.notna()
    assert ((minutes[both] == 0) == (kind[both] == "none")).all()
    assert daily.loc[minutes == 0, "exercise_rpe"].isna().all()
    assert daily.loc[minutes == 0, "warmup"].isna().all()
    assert daily.loc[minutes > 0, "exercise_rpe"].notna().mean() > 0.9
    assert not daily.duplicated(["person_id", "date"]).any()


def test_dates_are_in_the_past_and_span_the_request(cohort: Simulation) -> None:
    daily, spasms = cohort.log.daily, cohort.log.spasms
    assert daily["date"].min() == pd.Timestamp("2025-01-01")
    assert daily["date"].max() == pd.Timestamp("2025-12-31")
    assert spasms["start"].max() < pd.Timestamp("2026-01-01")


def test_default_start_keeps_a_year_in_the_past() -> None:
    sim = simulate(days=365, seed=1)
    assert sim.log.daily["date"].max() < pd.Timestamp.today().normalize()


def test_missing_days_have_no_row_and_no_events(cohort: Simulation) -> None:
    daily, spasms, rates = cohort.log.daily, cohort.log.spasms, cohort.rates
    assert len(rates) == 200 * 365
    assert rates["recorded"].sum() == len(daily)
    share_missing = 1 - len(daily) / len(rates)
    assert 0.035 < share_missing < 0.065
    logged = pd.MultiIndex.from_frame(daily[["person_id", "date"]])
    event_days = pd.MultiIndex.from_arrays([spasms["person_id"], spasms["start"].dt.normalize()])
    assert event_days.isin(logged).all()


def test_missing_cells_are_empty_not_zero(cohort: Simulation) -> None:
    daily = cohort.log.daily
    for column in ("water_ml", "caffeine_mg", "sitting_h", "steps", "stress", "hot_bath"):
        assert 0.02 < daily[column].isna().mean() < 0.04, column
    for column in ("side", "intensity", "duration_s", "kind", "context", "relief"):
        assert 0.02 < cohort.log.spasms[column].isna().mean() < 0.04, column
    assert cohort.log.spasms["body_region"].notna().all()


def test_no_missing_anything_when_rates_are_zero() -> None:
    sim = simulate(n_people=3, days=60, seed=2, missing_day_rate=0, missing_cell_rate=0)
    assert len(sim.log.daily) == 180
    assert sim.log.daily["water_ml"].notna().all()
    assert sim.log.spasms["intensity"].notna().all()


def test_weekly_rhythm(cohort: Simulation) -> None:
    daily = cohort.log.daily
    weekend = daily["date"].dt.day_of_week >= 5
    means = daily.groupby(weekend)[["sitting_h", "exercise_min", "alcohol_g"]].mean()
    assert means.loc[True, "sitting_h"] < means.loc[False, "sitting_h"] - 1
    assert means.loc[True, "exercise_min"] > means.loc[False, "exercise_min"] * 1.3
    assert means.loc[True, "alcohol_g"] > means.loc[False, "alcohol_g"] * 2


def test_factors_are_autocorrelated_within_person(cohort: Simulation) -> None:
    daily = cohort.log.daily
    daily = daily[daily["date"].dt.day_of_week < 5]  # weekdays: the weekly rhythm aside
    centred = daily["stress"] - daily.groupby("person_id")["stress"].transform("mean")
    previous = centred.groupby(daily["person_id"]).shift(1)
    assert centred.corr(previous) > 0.4


# --- events -------------------------------------------------------------------------------------------------


def test_event_counts_follow_the_expected_rates(cohort: Simulation) -> None:
    expected = cohort.rates.loc[cohort.rates["recorded"], "expected"].sum()
    assert len(cohort.log.spasms) == pytest.approx(expected, rel=0.03)
    per_day = len(cohort.log.spasms) / len(cohort.log.daily)
    assert per_day == pytest.approx(1.45, abs=0.25)  # ~5 M events for 10,000 people over a year


def test_counts_are_overdispersed(cohort: Simulation) -> None:
    spasms, rates = cohort.log.spasms, cohort.rates
    counts = spasms.groupby([spasms["person_id"], spasms["start"].dt.normalize().rename("date")]).size()
    recorded = rates[rates["recorded"]].set_index(["person_id", "date"])
    observed = counts.reindex(recorded.index, fill_value=0).to_numpy()
    mu = recorded["expected"].to_numpy()
    # Pearson dispersion under Poisson is ~1; under NB2 with alpha = 0.5 it is well above.
    assert np.mean((observed - mu) ** 2 / mu) > 1.3
    assert np.mean((observed - mu) ** 2 / (mu + 0.5 * mu**2)) == pytest.approx(1, abs=0.1)


def test_event_details_look_like_spasms(cohort: Simulation) -> None:
    spasms = cohort.log.spasms
    regions = spasms["body_region"].value_counts(normalize=True)
    assert regions.index[0] == "calf"
    assert regions[["calf", "foot", "hamstring", "toes"]].sum() > 0.6
    hour = spasms["start"].dt.hour
    night = hour < 6
    assert night.mean() > 0.4  # more at night than the 25 % of the clock it covers
    assert (spasms.loc[night, "context"].dropna().isin(["sleep", "rest"])).all()
    assert (spasms.loc[~night, "context"] != "sleep").all()
    assert spasms["intensity"].dropna().between(0, 10).all()
    assert (spasms["duration_s"].dropna() > 0).all()
    assert (spasms.loc[spasms["kind"] == "cramp", "duration_s"].median()) > (
        spasms.loc[spasms["kind"] == "twitch", "duration_s"].median()
    )
    assert spasms["relief"].str.contains(";").any()
    assert spasms["notes"].notna().any()
    midline = spasms["body_region"].isin(["lower_back", "neck"])
    assert spasms.loc[midline, "side"].dropna().isin(["midline", "both"]).all()


def test_events_during_exercise_only_on_exercise_days(cohort: Simulation) -> None:
    spasms, daily = cohort.log.spasms, cohort.log.daily
    during = spasms[spasms["context"] == "during_exercise"]
    assert len(during) > 0
    days = daily.set_index(["person_id", "date"])["exercise_min"]
    minutes = days.reindex(pd.MultiIndex.from_arrays([during["person_id"], during["start"].dt.normalize()]))
    assert (minutes.dropna() > 0).all()


def test_events_are_sorted(cohort: Simulation) -> None:
    spasms = cohort.log.spasms
    ordered = spasms.sort_values(["person_id", "start"], kind="stable")
    assert ordered.index.equals(spasms.index)


def test_spasm_count_matches_events(small: Simulation) -> None:
    daily, spasms = small.log.daily, small.log.spasms
    counts = spasms.groupby([spasms["person_id"], spasms["start"].dt.normalize().rename("date")]).size()
    per_day = counts.reindex(pd.MultiIndex.from_frame(daily[["person_id", "date"]]), fill_value=0)
    assert daily["spasm_count"].dtype == "Int64"
    assert (daily["spasm_count"].to_numpy() == per_day.to_numpy()).all()
    assert list(daily.columns).index("spasm_count") == list(daily.columns).index("notes") - 1
    MODELS["daily"].validate(daily)


# --- interventions and people -------------------------------------------------------------------------------


def test_default_interventions_reach_about_half(cohort: Simulation) -> None:
    interventions = cohort.log.interventions
    counts = interventions["name"].value_counts()
    assert set(counts.index) == {i.name for i in DEFAULT_INTERVENTIONS}
    assert counts.between(70, 130).all()
    assert interventions["end"].isna().all()  # open-ended
    first, last = pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-31")
    assert interventions["start"].between(first + pd.Timedelta(days=121), last - pd.Timedelta(days=121)).all()


def test_sessions_are_single_day_rows() -> None:
    massage = Intervention("sports massage", kind="therapy_session", start_day=10, days=60, every_days=14)
    sim = simulate(n_people=2, days=100, seed=1, interventions=[massage])
    rows = sim.log.interventions
    assert (rows["start"] == rows["end"]).all()
    assert rows.groupby("person_id").size().tolist() == [5, 5]  # days 10, 24, 38, 52, 66
    assert rows["start"].iloc[1] - rows["start"].iloc[0] == pd.Timedelta(days=14)


def test_intervention_with_a_planned_end() -> None:
    course = Intervention("magnesium citrate", kind="supplement", dose="200 mg", start_day=5, days=30)
    late = Intervention("late course", kind="medication", start_day=80, days=30)
    sim = simulate(n_people=1, days=100, seed=1, interventions=[course, late])
    rows = sim.log.interventions.set_index("name")
    assert rows.loc["magnesium citrate", "end"] - rows.loc["magnesium citrate", "start"] == pd.Timedelta(days=29)
    assert pd.isna(rows.loc["late course", "end"])  # still going when the log ends
    assert pd.isna(rows.loc["late course", "dose"])


def test_intervention_lowers_the_rate_only_while_active() -> None:
    plan = Intervention("calf stretching programme", kind="home_exercise", rate_ratio=0.5, start_day=50, days=20)
    sim = simulate(n_people=1, days=100, seed=4, effects=[], interventions=[plan], person_sd=0)
    expected = sim.rates["expected"].to_numpy()
    assert np.allclose(expected[:50], 1.5)
    assert np.allclose(expected[50:70], 0.75)
    assert np.allclose(expected[70:], 1.5)


def test_people_table(cohort: Simulation) -> None:
    people = cohort.log.people
    assert people["person_id"].tolist() == [f"p{i:03d}" for i in range(1, 201)]
    assert people["sex"].isin(["female", "male", "other", "unspecified"]).all()
    assert people["birth_year"].between(1950, 2005).all()


def test_person_ids_can_be_given() -> None:
    sim = simulate(n_people=2, days=30, seed=0, person_ids=["ann", "bo"])
    assert sim.log.person_ids == ["ann", "bo"]
    assert set(sim.rates["person_id"]) == {"ann", "bo"}


# --- the truth returned -------------------------------------------------------------------------------------


def test_effects_table_states_the_truth(cohort: Simulation) -> None:
    effects = cohort.effects
    assert list(effects.columns) == ["effect", "factor", "lag", "per", "rate_ratio"]
    factors = effects[effects["effect"] == "factor"]
    assert list(factors.itertuples(index=False, name=None)) == [
        ("factor", e.factor, e.lag, e.per, e.rate_ratio) for e in DEFAULT_EFFECTS
    ]
    planted = effects[effects["effect"] == "intervention"].set_index("factor")["rate_ratio"]
    assert planted.to_dict() == {i.name: i.rate_ratio for i in DEFAULT_INTERVENTIONS}
    assert cohort.seed == 11
    assert cohort.parameters["n_people"] == 200


def test_no_effects_plants_a_flat_rate() -> None:
    sim = simulate(n_people=3, days=50, seed=0, effects=[], interventions=[], person_sd=0, baseline_per_day=0.7)
    assert np.allclose(sim.rates["expected"], 0.7)
    assert sim.effects.empty
    assert sim.log.interventions.empty
    assert list(sim.log.interventions.columns[:4]) == ["person_id", "name", "kind", "start"]


def test_person_levels_vary_around_the_baseline() -> None:
    sim = simulate(n_people=2000, days=14, seed=0, effects=[], interventions=[], person_sd=0.5)
    levels = sim.rates.groupby("person_id")["expected"].first()
    assert levels.mean() == pytest.approx(1.5, rel=0.05)
    assert np.log(levels).std() == pytest.approx(0.5, rel=0.1)


# --- reproducibility ----------------------------------------------------------------------------------------


def _equal(a: Log, b: Log) -> bool:
    return all(a.table(t).equals(b.table(t)) for t in TABLES)


def test_same_seed_same_log(small: Simulation) -> None:
    again = simulate(n_people=4, days=120, seed=3, spasm_count=True)
    assert _equal(small.log, again.log)
    assert small.rates.equals(again.rates)


def test_other_seed_other_log(small: Simulation) -> None:
    other = simulate(n_people=4, days=120, seed=4, spasm_count=True)
    assert not small.log.daily.equals(other.log.daily)
    assert not small.log.spasms.equals(other.log.spasms)


def test_choosing_columns_leaves_the_others_unchanged(small: Simulation) -> None:
    fewer = simulate(n_people=4, days=120, seed=3, spasm_count=True, factors=["water_ml", "stress"])
    assert list(fewer.log.daily.columns) == ["person_id", "date", "water_ml", "stress", "spasm_count"]
    assert fewer.log.daily.equals(small.log.daily[list(fewer.log.daily.columns)])
    assert fewer.log.spasms.equals(small.log.spasms)


def test_changing_an_effect_leaves_the_factors_unchanged() -> None:
    a = simulate(n_people=3, days=60, seed=5)
    b = simulate(n_people=3, days=60, seed=5, effects=[Effect("caffeine_mg", lag=2, per=100, rate_ratio=1.3)])
    assert a.log.daily.equals(b.log.daily)
    assert not a.rates["expected"].equals(b.rates["expected"])


# --- arguments ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "parameter", "match"),
    [
        ({"n_people": 0}, "n_people", "'n_people' parameter of simulate must be a whole number ≥ 1"),
        ({"days": 2.5}, "days", "'days' parameter of simulate must be a whole number"),
        ({"days": np.float64(30.0)}, "days", "'days' parameter of simulate must be a whole number"),
        ({"seed": -1}, "seed", "'seed' parameter"),
        ({"baseline_per_day": 0}, "baseline_per_day", "'baseline_per_day' parameter of simulate must be a number > 0"),
        ({"baseline_per_day": float("nan")}, "baseline_per_day", "'baseline_per_day' parameter"),
        ({"dispersion": -0.1}, "dispersion", "'dispersion' parameter of simulate must be a number ≥ 0"),
        ({"person_sd": "0.5"}, "person_sd", "'person_sd' parameter of simulate must be a number ≥ 0"),
        (
            {"missing_day_rate": 1.0},
            "missing_day_rate",
            r"'missing_day_rate' parameter of simulate must be a number in \[0, 1\)",
        ),
        ({"missing_cell_rate": -0.01}, "missing_cell_rate", r"'missing_cell_rate' parameter"),
        ({"factors": ["water_ml", "banana"]}, "factors", r"must be columns of .*Unknown: \['banana'\]"),
        ({"start": str((pd.Timestamp.today() + pd.Timedelta(days=30)).date())}, "start", "after today"),
        ({"person_ids": ["a", "a"], "n_people": 2}, "person_ids", "must be 2 distinct ids"),
        ({"person_ids": ["a"], "n_people": 2}, "person_ids", "must be 2 distinct ids"),
        ({"effects": [Effect("water_ml", lag=400)]}, "effects", "lag .* must be shorter than the log"),
        ({"effects": ["water_ml"]}, "effects", "must be a sequence of Effect objects. .*Not one: 'water_ml'"),
        ({"rate_ar": 1.0}, "rate_ar", r"'rate_ar' parameter of simulate must be a number in \(-1, 1\)"),
        ({"rate_ar": float("nan")}, "rate_ar", "'rate_ar' parameter"),
        ({"rate_ar_sd": -0.1}, "rate_ar_sd", "'rate_ar_sd' parameter of simulate must be a number ≥ 0"),
        ({"missing_when_bad": -1}, "missing_when_bad", "'missing_when_bad' parameter of simulate must be a number ≥ 0"),
        ({"missing_when_bad": float("inf")}, "missing_when_bad", "'missing_when_bad' parameter"),
        ({"trend": 0}, "trend", "'trend' parameter of simulate must be a number > 0"),
        ({"trend": float("inf")}, "trend", "'trend' parameter"),
        (
            {"extra_null_columns": -1},
            "extra_null_columns",
            "'extra_null_columns' parameter of simulate must be a whole number ≥ 0",
        ),
        ({"extra_null_columns": 2.0}, "extra_null_columns", "'extra_null_columns' parameter"),
        ({"extra_null_columns": True}, "extra_null_columns", "'extra_null_columns' parameter"),
        ({"counts_only": "yes"}, "counts_only", "'counts_only' parameter of simulate must be True or False"),
        ({"counts_only": 1}, "counts_only", "'counts_only' parameter of simulate must be True or False"),
    ],
)
def test_bad_arguments_are_named(kwargs: dict[str, Any], parameter: str, match: str) -> None:
    with pytest.raises(ParameterError, match=match) as caught:
        simulate(**{"days": 60, **kwargs})
    error = caught.value
    assert isinstance(error, ValueError)
    assert (error.function, error.parameter) == ("simulate", parameter)
    given = kwargs[parameter]
    assert (error.value is given or list(error.value) == given) and error.allowed  # effects= comes back as a tuple
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is ParameterError and str(again) == str(error) and again.parameter == parameter


@pytest.mark.parametrize(
    ("build", "function", "parameter", "value", "match"),
    [
        (lambda: Effect("banana"), "Effect", "factor", "banana", "'factor' parameter of Effect must be one of"),
        (
            lambda: Effect("water_ml", lag=-1),
            "Effect",
            "lag",
            -1,
            "'lag' parameter of Effect must be a whole number ≥ 0",
        ),
        (lambda: Effect("water_ml", lag=1.0), "Effect", "lag", 1.0, "'lag' parameter of Effect"),  # type: ignore[arg-type]
        (lambda: Effect("water_ml", per=0), "Effect", "per", 0, "'per' parameter of Effect must be a number > 0"),
        (lambda: Effect("water_ml", rate_ratio=0), "Effect", "rate_ratio", 0, "'rate_ratio' parameter of Effect"),
        (
            lambda: Intervention("x", kind="pill"),
            "Intervention",
            "kind",
            "pill",
            "'kind' parameter of Intervention must be one of",
        ),
        (
            lambda: Intervention("x", share=2),
            "Intervention",
            "share",
            2,
            r"'share' parameter of Intervention must be a number in \[0, 1\]",
        ),
        (
            lambda: Intervention("x", every_days=0),
            "Intervention",
            "every_days",
            0,
            "'every_days' parameter of Intervention",
        ),
        (lambda: Intervention("x", start_day=True), "Intervention", "start_day", True, "'start_day' parameter"),  # type: ignore[arg-type]
    ],
)
def test_bad_effects_and_interventions_are_named(
    build: Any, function: str, parameter: str, value: object, match: str
) -> None:
    with pytest.raises(ParameterError, match=match) as caught:
        build()
    assert (caught.value.function, caught.value.parameter, caught.value.value) == (function, parameter, value)


# --- planted effects recovered from the log alone -----------------------------------------------------------


def _analysis_frame(log: Log) -> pd.DataFrame:
    """Daily counts of events with the factors, the day-before factors and intervention indicators."""
    daily = log.daily.copy()
    spasms = log.spasms
    counts = spasms.groupby([spasms["person_id"], spasms["start"].dt.normalize().rename("date")]).size()
    daily["count"] = counts.reindex(pd.MultiIndex.from_frame(daily[["person_id", "date"]]), fill_value=0).to_numpy()
    before = daily[["person_id", "date", "water_ml", "exercise_min"]].copy()
    before["date"] += pd.Timedelta(days=1)
    daily = daily.merge(before, on=["person_id", "date"], how="left", suffixes=("", "_lag1"))
    for name, rows in log.interventions.groupby("name"):
        active = np.zeros(len(daily), dtype=bool)
        for row in rows.itertuples(index=False):
            end = row.end if pd.notna(row.end) else daily["date"].max()
            active |= ((daily["person_id"] == row.person_id) & daily["date"].between(row.start, end)).to_numpy()
        daily[str(name)] = active.astype(float)
    daily["hot_bath"] = daily["hot_bath"].astype("float64")
    return daily


_PER = {
    "water_ml_lag1": 500,
    "exercise_min_lag1": 30,
    "sitting_h": 1,
    "stress": 1,
    "caffeine_mg": 100,
    "sleep_h": 1,
    "sodium_mg": 1000,
    "hot_bath": 1,
}


def _fit(frame: pd.DataFrame, interventions: list[str]) -> dict[str, tuple[float, float]]:
    """Log rate ratios per the ``_PER`` steps (and per intervention), with standard errors.

    A within-person analysis: the fixed-effects Poisson estimator (Hausman, Hall & Griliches 1984), which
    conditions each person's level away and stays consistent under over-dispersion, adjusted for the
    weekday; sandwich standard errors clustered by person (by day for a single person). Solved by Newton's
    method on the conditional log-likelihood, which is much faster than one dummy per person.
    """
    frame = frame.dropna(subset=list(_PER))
    person = frame["person_id"].astype("category").cat.codes.to_numpy()
    weekday = pd.get_dummies(frame["date"].dt.day_of_week, prefix="weekday", drop_first=True, dtype=float)
    design = pd.concat([frame[list(_PER) + interventions].astype("float64"), weekday], axis=1)
    x = design.to_numpy() - design.groupby(person).transform("mean").to_numpy()
    y = frame["count"].to_numpy(dtype="float64")
    people = person.max() + 1
    totals = np.bincount(person, weights=y, minlength=people)
    beta = np.zeros(x.shape[1])
    for _ in range(50):
        weight = np.exp(x @ beta)
        share = weight / np.bincount(person, weights=weight, minlength=people)[person]
        mu = totals[person] * share
        per_person = np.zeros((people, x.shape[1]))
        np.add.at(per_person, person, share[:, None] * x)
        hessian = (x * mu[:, None]).T @ x - (per_person * totals[:, None]).T @ per_person
        step = np.linalg.solve(hessian, x.T @ (y - mu))
        beta += step
        if np.max(np.abs(step)) < 1e-10:
            break
    weight = np.exp(x @ beta)
    mu = totals[person] * weight / np.bincount(person, weights=weight, minlength=people)[person]
    scores = x * (y - mu)[:, None]
    if people > 1:
        clustered = np.zeros((people, x.shape[1]))
        np.add.at(clustered, person, scores)
        scores = clustered
    bread = np.linalg.inv(hessian)
    se = np.sqrt(np.diag(bread @ (scores.T @ scores) @ bread))
    estimates = dict(zip(design.columns, zip(beta, se, strict=True), strict=True))
    steps = {**_PER, **dict.fromkeys(interventions, 1)}
    return {name: (estimates[name][0] * per, estimates[name][1] * per) for name, per in steps.items()}


def _recovered(fit: dict[str, tuple[float, float]], name: str, truth: float, precision: float) -> None:
    """The estimate is within 4 standard errors of the truth, and precise enough for that to mean much."""
    estimate, se = fit[name]
    assert se < precision, f"{name}: standard error {se:.3f} too large for the test to discriminate"
    assert abs(estimate - np.log(truth)) < 4 * se, f"{name}: rate ratio {np.exp(estimate):.3f}, planted {truth}"


def test_planted_effects_recovered_across_people() -> None:
    sim = simulate(n_people=50, days=365, seed=21)
    fit = _fit(_analysis_frame(sim.log), ["calf stretching programme", "magnesium glycinate"])
    _recovered(fit, "water_ml_lag1", 0.80, 0.02)
    _recovered(fit, "exercise_min_lag1", 1.10, 0.02)
    _recovered(fit, "sitting_h", 1.08, 0.015)
    _recovered(fit, "stress", 1.06, 0.015)
    _recovered(fit, "calf stretching programme", 0.65, 0.06)
    _recovered(fit, "magnesium glycinate", 1.0, 0.06)  # planted as no effect
    for factor in ("caffeine_mg", "sleep_h", "sodium_mg", "hot_bath"):  # no effect planted
        _recovered(fit, factor, 1.0, 0.05)


def test_planted_effects_recovered_over_a_long_series() -> None:
    stretching = Intervention("calf stretching programme", kind="home_exercise", rate_ratio=0.65, start_day=1500)
    sim = simulate(n_people=1, days=3000, start="2017-01-01", seed=5, interventions=[stretching])
    fit = _fit(_analysis_frame(sim.log), ["calf stretching programme"])
    # One person's eight years tell water and the programme apart from no effect ...
    _recovered(fit, "water_ml_lag1", 0.80, 0.05)
    _recovered(fit, "calf stretching programme", 0.65, 0.1)
    # ... and are consistent with the smaller planted effects and the absent ones.
    _recovered(fit, "exercise_min_lag1", 1.10, 0.08)
    _recovered(fit, "sitting_h", 1.08, 0.08)
    _recovered(fit, "stress", 1.06, 0.08)
    for factor in ("caffeine_mg", "sleep_h", "sodium_mg"):
        _recovered(fit, factor, 1.0, 0.08)


def test_without_planted_effects_nothing_is_recovered() -> None:
    sim = simulate(n_people=50, days=365, seed=21, effects=[], interventions=[])
    fit = _fit(_analysis_frame(sim.log), [])
    for factor in _PER:
        _recovered(fit, factor, 1.0, 0.05)
    # The same factors, planted, are found: the null result above is not for want of power.
    assert abs(fit["water_ml_lag1"][0] - np.log(0.8)) > 8 * fit["water_ml_lag1"][1]


def test_validation_rejects_what_the_simulator_must_not_produce(small: Simulation) -> None:
    # The check above is only meaningful if the models do reject such rows.
    broken = small.log.daily.copy()
    broken.loc[0, "sitting_h"] = 20.0
    broken.loc[0, "sleep_h"] = 8.0
    with pytest.raises(pa.errors.SchemaErrors):
        MODELS["daily"].validate(broken, lazy=True)


def test_fixed_effects_helper_matches_statsmodels() -> None:
    # The estimator above, checked against statsmodels' Poisson GLM with one dummy per person.
    sim = simulate(n_people=6, days=150, seed=8)
    frame = _analysis_frame(sim.log).dropna(subset=list(_PER))
    ours = _fit(frame, ["calf stretching programme"])
    weekday = pd.get_dummies(frame["date"].dt.day_of_week, prefix="weekday", drop_first=True, dtype=float)
    dummies = pd.get_dummies(frame["person_id"], prefix="person", dtype=float)
    design = pd.concat([frame[[*_PER, "calf stretching programme"]].astype("float64"), weekday, dummies], axis=1)
    reference = sm.GLM(frame["count"].astype("float64"), design, family=sm.families.Poisson()).fit()
    for name, per in {**_PER, "calf stretching programme": 1}.items():
        assert ours[name][0] == pytest.approx(reference.params[name] * per, abs=1e-6), name


# --- the scenarios of the calibration studies ---------------------------------------------------------------


def _flat(**options: object) -> Simulation:
    """One rate for everyone but for the option under test: no effects, interventions or person levels."""
    return simulate(effects=[], interventions=[], person_sd=0, **options)  # type: ignore[arg-type]


def test_new_options_are_recorded() -> None:
    sim = simulate(
        n_people=2,
        days=30,
        seed=1,
        rate_ar=0.8,
        rate_ar_sd=0.3,
        missing_when_bad=1.0,
        trend=0.5,
        extra_null_columns=3,
        counts_only=True,
    )
    assert {k: sim.parameters[k] for k in ("rate_ar", "rate_ar_sd", "missing_when_bad", "trend")} == {
        "rate_ar": 0.8,
        "rate_ar_sd": 0.3,
        "missing_when_bad": 1.0,
        "trend": 0.5,
    }
    assert sim.parameters["extra_null_columns"] == 3
    assert sim.parameters["counts_only"] is True
    default = simulate(n_people=1, days=10).parameters
    assert (default["rate_ar"], default["missing_when_bad"], default["trend"]) == (0.0, 0.0, 1.0)
    assert (default["extra_null_columns"], default["counts_only"]) == (0, False)


def test_rate_options_leave_the_daily_factors_unchanged() -> None:
    # Each option draws from its own stream: the factors and the days logged do not move.
    plain = simulate(n_people=3, days=90, seed=6)
    for options in ({"rate_ar": 0.8}, {"trend": 0.5}, {"dispersion": 2.0}):
        other = simulate(n_people=3, days=90, seed=6, **options)  # type: ignore[arg-type]
        assert other.log.daily.equals(plain.log.daily), options
        assert not other.rates["expected"].equals(plain.rates["expected"]) or "dispersion" in options
    # rate_ar_sd does nothing while rate_ar is 0.
    assert simulate(n_people=3, days=90, seed=6, rate_ar_sd=2.0).rates.equals(plain.rates)


def test_latent_ar1_makes_the_rate_autocorrelated() -> None:
    sim = _flat(n_people=60, days=365, seed=31, rate_ar=0.8, rate_ar_sd=0.5)
    log_rate = np.log(sim.rates["expected"].to_numpy()).reshape(60, 365)
    # The lag-1 autocorrelation of each person's series (statsmodels), averaged: φ less the small-sample
    # bias of about (1 + 4φ) / n = 0.01.
    lag1 = np.mean([acf(series, nlags=1, fft=True)[1] for series in log_rate])
    assert lag1 == pytest.approx(0.8, abs=0.03)
    lag5 = np.mean([acf(series, nlags=5, fft=True)[5] for series in log_rate])
    assert lag5 == pytest.approx(0.8**5, abs=0.08)  # an AR(1): the autocorrelation decays as φ^k
    assert log_rate.std() == pytest.approx(0.5, rel=0.1)
    assert sim.rates["expected"].mean() == pytest.approx(1.5, rel=0.08)  # the mean rate is kept
    flat = _flat(n_people=2, days=50, seed=31)
    assert np.allclose(flat.rates["expected"], 1.5)  # and without it, nothing of the kind


def test_latent_ar1_passes_into_the_counts() -> None:
    # Bad spells: the counts of consecutive days are correlated once the rate is.
    def lag1(sim: Simulation) -> float:
        counts = sim.log.daily["spasm_count"].to_numpy(dtype=float).reshape(100, 200)
        centred = counts - counts.mean(axis=1, keepdims=True)
        return float((centred[:, 1:] * centred[:, :-1]).sum() / (centred**2).sum())

    # With μ = m exp(η − s²/2), η AR(1) with sd s and coefficient φ, and N | μ negative binomial (α):
    # Cov(N_t, N_t+1) = m² (exp(s² φ) − 1) and Var(N) = m + α m² exp(s²) + m² (exp(s²) − 1).
    m, s2, phi, alpha = 1.5, 0.25, 0.8, 0.5
    theory = m**2 * np.expm1(s2 * phi) / (m + alpha * m**2 * np.exp(s2) + m**2 * np.expm1(s2))
    options = {"n_people": 100, "days": 200, "seed": 4, "missing_day_rate": 0, "counts_only": True}
    assert lag1(_flat(**options, rate_ar=phi)) == pytest.approx(theory, abs=0.03)  # 0.139
    assert abs(lag1(_flat(**options))) < 0.02


def test_missing_when_bad_skips_bad_days_and_keeps_the_share() -> None:
    options = {"n_people": 200, "days": 365, "seed": 2, "rate_ar": 0.8, "missing_day_rate": 0.2}
    at_random, when_bad = _flat(**options), _flat(**options, missing_when_bad=1.5)

    def shares(sim: Simulation) -> tuple[float, float, float]:
        rates = sim.rates
        bad = rates["expected"] > rates["expected"].median()
        missing = ~rates["recorded"]
        return float(missing.mean()), float(missing[bad].mean()), float(missing[~bad].mean())

    share, on_bad, on_good = shares(at_random)
    assert 0.17 < share < 0.21  # about missing_day_rate (runs of days overlap a little)
    assert on_bad == pytest.approx(on_good, abs=0.01)
    share_when_bad, on_bad, on_good = shares(when_bad)
    assert share_when_bad == pytest.approx(share, abs=0.01)  # as many days missing ...
    assert on_bad > 1.5 * on_good  # ... but more of them on bad days
    # The same spasms were drawn in both; the days left out of the log are the worse ones.
    assert when_bad.log.spasms.shape[0] < 0.93 * at_random.log.spasms.shape[0]


def test_missing_when_bad_keeps_each_persons_number_of_missing_days() -> None:
    # The helper draws the days at random (weight 1) and with the weights from the same uniforms; each
    # person then skips as many days as at random, or up to one run of days more.
    shape = (300, 200)
    counts = np.random.default_rng(0).negative_binomial(2, 0.5, size=shape)
    weight = _bad_day_weight(counts, 2.0)
    at_random = _missing_days(np.random.default_rng(1), shape, 0.3, np.ones(shape)).sum(axis=1)
    when_bad = _missing_days(np.random.default_rng(1), shape, 0.3, weight)
    extra = when_bad.sum(axis=1) - at_random
    assert (extra >= 0).all() and extra.mean() < 2 and extra.max() < 30
    assert at_random.mean() / 200 == pytest.approx(0.3 * 0.93, abs=0.02)  # runs overlap a little
    bad = counts > np.median(counts, axis=1, keepdims=True)
    assert when_bad[bad].mean() > 2 * when_bad[~bad].mean()


def test_trend_drifts_the_rate_from_first_to_last_day() -> None:
    sim = _flat(n_people=2, days=365, seed=1, trend=0.5)
    expected = 1.5 * 0.5 ** (np.arange(365) / 364 - 0.5)  # halves over the log, 1.5 in the middle
    assert np.allclose(sim.rates["expected"].to_numpy().reshape(2, 365), expected)
    rates = sim.rates.assign(month=sim.rates["date"].dt.month)
    by_month = rates.groupby("month")["expected"].mean()
    assert by_month[12] / by_month[1] == pytest.approx(0.5 ** (334 / 364), rel=0.01)


def test_trend_with_an_intervention() -> None:
    programme = Intervention("calf stretching programme", kind="home_exercise", rate_ratio=0.7, start_day=200)
    sim = simulate(1, 365, seed=1, trend=1.6, effects=[], interventions=[programme], person_sd=0)
    day = np.arange(365)
    expected = 1.5 * 1.6 ** (day / 364 - 0.5) * np.where(day >= 200, 0.7, 1.0)
    assert np.allclose(sim.rates["expected"], expected)


def test_trend_is_recovered_from_the_counts() -> None:
    sim = _flat(n_people=20, days=365, seed=12, trend=0.5, counts_only=True)
    daily = sim.log.daily
    time = (daily["date"] - daily["date"].min()).dt.days / 364
    design = sm.add_constant(time.rename("time").to_frame())
    fit = sm.GLM(daily["spasm_count"].astype(float), design, family=sm.families.Poisson()).fit(cov_type="HC0")
    assert abs(fit.params["time"] - np.log(0.5)) < 4 * fit.bse["time"]
    assert fit.bse["time"] < 0.08


@pytest.fixture(scope="module")
def extras() -> Simulation:
    return simulate(n_people=40, days=300, seed=13, person_sd=0, extra_null_columns=22)


def test_extra_null_columns_are_written(extras: Simulation) -> None:
    daily = extras.log.daily
    names = [*EXTRA_COLUMNS, "extra_21", "extra_22"]
    assert len(EXTRA_COLUMNS) == 20
    assert list(daily.columns[-22:]) == names  # after the other columns
    assert not set(names) & set(field_specs("daily"))
    MODELS["daily"].validate(daily, lazy=True)
    for k, name in enumerate(names):
        column = daily[name]
        if k % 2 == 0:
            assert column.dtype == "boolean", name
            assert 0.02 < column.mean() < 0.8, name
        else:
            assert pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column), name
            assert (column.dropna() >= 0).all() and column.std() > 0, name
        assert 0.015 < column.isna().mean() < 0.05, name  # missing_cell_rate, 0.03
    assert set(names) <= set(factor_columns(daily_table(extras.log)))


def test_extra_null_columns_are_autocorrelated_and_unrelated_to_the_rate(extras: Simulation) -> None:
    daily = extras.log.daily.merge(extras.rates, on=["person_id", "date"])
    log_rate = np.log(daily["expected"])
    for name in [*EXTRA_COLUMNS, "extra_21", "extra_22"]:
        x = daily[name].astype("float64")
        centred = x - x.groupby(daily["person_id"]).transform("mean")
        previous = centred.groupby(daily["person_id"]).shift(1)
        assert centred.corr(previous) > 0.15, name
        # With 40 people × ~285 days and both series autocorrelated, |r| has a standard error of ~0.02.
        assert abs(centred.corr(log_rate - log_rate.groupby(daily["person_id"]).transform("mean"))) < 0.07, name


def test_extra_null_columns_leave_the_rest_unchanged(extras: Simulation) -> None:
    plain = simulate(n_people=40, days=300, seed=13, person_sd=0)
    assert extras.log.daily.iloc[:, :-22].equals(plain.log.daily)
    assert extras.log.spasms.equals(plain.log.spasms)
    assert extras.rates.equals(plain.rates)
    fewer = simulate(n_people=40, days=300, seed=13, person_sd=0, extra_null_columns=3)
    assert fewer.log.daily.equals(extras.log.daily.iloc[:, :-19])  # a column does not depend on how many


def test_counts_only_logs_a_daily_count_and_no_events() -> None:
    options = {"n_people": 4, "days": 120, "seed": 3}
    events = simulate(**options, spasm_count=True)  # type: ignore[arg-type]
    counts = simulate(**options, counts_only=True)  # type: ignore[arg-type]
    assert counts.log.spasms.empty
    assert list(counts.log.spasms.columns) == list(events.log.spasms.columns)
    assert counts.log.spasms.dtypes.equals(events.log.spasms.dtypes)
    assert counts.log.daily.equals(events.log.daily)  # the same days, factors and counts
    for table in TABLES:
        MODELS[table].validate(counts.log.table(table), lazy=True)

    table = daily_table(counts.log)
    assert len(table) == 4 * 120
    merged = table.merge(counts.rates, on=["person_id", "date"])
    assert (merged["logged"] == merged["recorded"]).all()
    assert merged.loc[~merged["logged"], "spasm_count"].isna().all()
    logged = merged[merged["logged"]].merge(
        counts.log.daily[["person_id", "date", "spasm_count"]], on=["person_id", "date"]
    )
    assert (logged["spasm_count_x"] == logged["spasm_count_y"].astype(float)).all()
    assert logged["spasm_count_x"].sum() == len(events.log.spasms)
    assert table["night_spasms"].isna().all()  # a daily count says nothing about when


def test_dispersion_two() -> None:
    # θ = 0.5: Var = μ + 2μ², checked with statsmodels' negative binomial on the true log rate as offset.
    sim = simulate(n_people=60, days=300, seed=9, dispersion=2.0, counts_only=True)
    daily = sim.log.daily.merge(sim.rates, on=["person_id", "date"])
    y = daily["spasm_count"].to_numpy(dtype=float)
    mu = daily["expected"].to_numpy()
    fit = sm.NegativeBinomial(y, np.ones_like(y), offset=np.log(mu)).fit(disp=0)
    assert fit.params[0] == pytest.approx(0, abs=0.05)  # the expected rate is right
    assert fit.params[-1] == pytest.approx(2.0, rel=0.1)  # alpha
    assert np.mean((y - mu) ** 2 / (mu + 2 * mu**2)) == pytest.approx(1, abs=0.1)


def test_two_years_ending_today() -> None:
    start = str((today() - pd.Timedelta(days=729)).date())
    sim = simulate(1, 730, start=start, seed=3)
    assert sim.log.daily["date"].max() <= today()
    assert sim.rates["date"].max() == today()
    assert len(sim.rates) == 730
    assert len(daily_table(sim.log)) == 730


def test_every_scenario_at_once() -> None:
    # The hardest diary of the calibration study: two years ending today, a strongly autocorrelated rate,
    # bad days unlogged, a trend and a programme, dispersion 2, daily counts only and 20 columns of one's own.
    start = str((today() - pd.Timedelta(days=729)).date())
    programme = Intervention("calf stretching programme", kind="home_exercise", rate_ratio=0.7, start_day=365)
    sim = simulate(
        1,
        730,
        start=start,
        seed=5,
        interventions=[programme],
        dispersion=2.0,
        missing_day_rate=0.3,
        rate_ar=0.8,
        missing_when_bad=1.0,
        trend=0.5,
        extra_null_columns=20,
        counts_only=True,
    )
    for table in TABLES:
        MODELS[table].validate(sim.log.table(table), lazy=True)
    assert sim.log.spasms.empty
    assert 0.2 < 1 - sim.rates["recorded"].mean() < 0.35
    table = daily_table(sim.log)
    assert len(table) == 730
    assert set(EXTRA_COLUMNS) <= set(table.columns)
    assert table["on_calf_stretching_programme"].sum() == 365
